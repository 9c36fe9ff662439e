"""`kznews extract PATH...`: one JSON line per saved page (HTML or page text)."""

from __future__ import annotations

import argparse
import json
import sys

from crawler.cli.options import aware_datetime, check_sites, page_url

EXIT_UNREADABLE = 2  # some input could not be read: bad input, though the readable ones still printed


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``kznews extract``."""
    parser.add_argument("paths", nargs="+", metavar="PATH", help=".txt, .html, .htm, .html.gz, or - (stdin)")
    parser.add_argument(
        "--url", type=page_url, help="the page's URL (site rules, canonical URL, date of last resort)"
    )
    parser.add_argument(
        "--site",
        help="site profile name; default: from --url, else from the page's own canonical link or og:url",
    )
    parser.add_argument(
        "--now",
        type=aware_datetime,
        help="fetch time for relative dates, ISO with offset (default: now); no later date is believed",
    )


def run(args: argparse.Namespace) -> int:
    """Print one JSON line per input (an article, or a not-an-article verdict); each unreadable input is
    one error line on stderr, the others still print, and the exit status is then 2."""
    from datetime import UTC, datetime

    from crawler.profiles import rules_for
    from pipelines.article import Rejection
    from pipelines.files import UnreadableInput, extract_input, own_url, read_input

    if args.site is not None:
        check_sites([args.site])
    given = rules_for(args.site, args.url)
    now = args.now or datetime.now(UTC)  # the core keeps now explicit: a page cannot be dated later
    status = 0
    for path in args.paths:
        try:
            page = read_input(path)
            url, rules = args.url, given
            if url is None and args.site is None and (url := own_url(page)):
                rules = rules_for(None, url)  # the page's own canonical link names its site
            result = extract_input(page, url=url, site=args.site or rules.name, now=now, rules=rules)
        except UnreadableInput as exc:
            print(f"kznews extract: error: {exc}", file=sys.stderr, flush=True)
            status = EXIT_UNREADABLE
            continue
        if isinstance(result, Rejection):
            record = {
                "source": path,
                "verdict": "not_article",
                "reason": result.reason,
                "detail": result.detail,
            }
        else:
            record = result.to_json()
            record["removed"] = [f"{r['rule']}: {r['text'][:80]}" for r in record["removed"]]
        print(json.dumps(record, ensure_ascii=False), flush=True)
    return status
