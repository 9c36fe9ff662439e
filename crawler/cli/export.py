"""`kznews export`: stream the stored articles to a file or stdout as JSON Lines, CSV or Parquet."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date

from crawler.cli.options import add_database_url, database_url

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
        0 on success, 2 when the export cannot run as asked (the reason is printed).
    """
    from db.export import export_database
    from db.exportformats import ExportError, infer_format

    fmt = args.format or infer_format(args.output)
    filters = {"sites": args.site, "langs": args.lang, "since": args.since, "until": args.until}
    try:
        if args.since and args.until and args.since > args.until:
            raise ExportError(f"--since {args.since} is after --until {args.until}")
        total = export_database(database_url(args), args.output, fmt, **filters)
    except ExportError as exc:
        print(f"kznews export: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: stop quietly, as the Python docs on SIGPIPE advise.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    print(f"kznews export: {total} articles as {fmt} to {args.output}", file=sys.stderr)
    return 0
