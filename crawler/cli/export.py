"""`kznews export`: stream the stored articles to a file or stdout as JSON Lines, CSV or Parquet."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date

from crawler.cli.options import BadInput, add_database_url, check_sites, database_url

FORMATS = ("jsonl", "csv", "parquet")
"""db.exportformats.FORMATS, spelled out here so that ``kznews export --help`` imports no database code."""


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {value!r}") from exc


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``kznews export``."""
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help="jsonl (default), csv or parquet; default from the -o file name (.csv, .parquet, .gz)",
    )
    parser.add_argument(
        "-o", "--output", default="-", help="file to write; - or omitted: stdout (not parquet)"
    )
    parser.add_argument("--site", action="append", default=[], help="only this site (repeatable)")
    parser.add_argument(
        "--lang", action="append", default=[], help="only this language, kk/ru/en (repeatable)"
    )
    parser.add_argument("--since", type=_day, help="published on or after this local day, YYYY-MM-DD")
    parser.add_argument("--until", type=_day, help="published on or before this local day (inclusive)")
    add_database_url(parser)


def run(args: argparse.Namespace) -> int:
    """Run ``kznews export``; the articles go to ``args.output``, a summary to stderr.

    Returns:
        0 on success.

    Raises:
        BadInput, db.urls.DatabaseUrlError: the export cannot run as asked (exit 2).
    """
    from db.export import export_database
    from db.exportformats import ExportError, infer_format

    check_sites(args.site)
    if args.since and args.until and args.since > args.until:
        raise BadInput(f"--since {args.since} is after --until {args.until}")
    url = database_url(args)
    fmt = args.format or infer_format(args.output)
    filters = {"sites": args.site, "langs": args.lang, "since": args.since, "until": args.until}
    try:
        total = export_database(url, args.output, fmt, **filters)
    except ExportError as exc:
        raise BadInput(str(exc)) from None
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: stop quietly, as the Python docs on SIGPIPE advise.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    print(f"kznews export: {total} articles as {fmt} to {args.output}", file=sys.stderr)
    return 0
