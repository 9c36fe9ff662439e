"""`kznews extract PATH...`: one JSON line per saved page (HTML or page text)."""

from __future__ import annotations

import argparse
import json
import sys

from crawler.cli.options import aware_datetime


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``kznews extract``."""
    parser.add_argument("paths", nargs="+", metavar="PATH", help=".txt, .html, .htm, .html.gz, or - (stdin)")
    parser.add_argument("--url", help="the page's URL (canonical URL, site rules, date of last resort)")
    parser.add_argument("--site", help="site profile name (kazinform, tengrinews); default: from --url")
    parser.add_argument("--now", type=aware_datetime, help="fetch time for relative dates, ISO with offset")


def run(args: argparse.Namespace) -> int:
    """Print one JSON line per input; unreadable inputs go to stderr and make the exit status 1."""
    from crawler.profiles import rules_for
    from pipelines.files import UnreadableInput, extract_file

    try:
        rules = rules_for(args.site, args.url)
    except KeyError as exc:
        print(f"kznews extract: error: {exc.args[0]}", file=sys.stderr)
        return 2
    status = 0
    for path in args.paths:
        try:
            article = extract_file(
                path, url=args.url, site=args.site or rules.name, now=args.now, rules=rules
            )
        except UnreadableInput as exc:
            print(f"kznews extract: error: {exc}", file=sys.stderr)
            status = 1
            continue
        record = article.to_json()
        record["removed"] = [f"{r['rule']}: {r['text'][:80]}" for r in record["removed"]]
        print(json.dumps(record, ensure_ascii=False), flush=True)
    return status
