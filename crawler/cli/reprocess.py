"""`kznews reprocess`: clean the archived pages of stored articles again with today's rules."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from crawler.cli.options import add_database_url, database_url, day_or_datetime

BATCH_SIZE = 200  # crawler.reprocess.BATCH_SIZE; repeated so that --help imports nothing heavy
DEFAULT_ARCHIVE = Path("data/warc")
ARCHIVE_ENV = "KZNEWS_ARCHIVE"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``kznews reprocess``."""
    parser.add_argument(
        "--site",
        action="append",
        default=[],
        metavar="NAME",
        help="only this site (repeatable); default: all",
    )
    parser.add_argument(
        "--since",
        type=day_or_datetime,
        help="only articles whose stored page was FETCHED on or after this date (a bare date is midnight "
        "Asia/Almaty): the fetch day is what picks the layout and what a rule fix is about",
    )
    parser.add_argument(
        "--archive",
        action="append",
        type=Path,
        metavar="DIR",
        help="directory of the WARC files, searched recursively, or one WARC file (repeatable); "
        f"default: {ARCHIVE_ENV} or {DEFAULT_ARCHIVE}",
    )
    add_database_url(parser)
    parser.add_argument("--workers", type=int, default=1, help="cleaning processes (default 1)")
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help=f"default {BATCH_SIZE}")
    parser.add_argument("--dry-run", action="store_true", help="count what would change, write nothing")


def default_archive() -> Path:
    """KZNEWS_ARCHIVE from the environment, else from crawler.settings, else data/warc."""
    from crawler import settings

    return Path(os.environ.get(ARCHIVE_ENV) or getattr(settings, ARCHIVE_ENV, None) or DEFAULT_ARCHIVE)


def run(args: argparse.Namespace, rules_for: object = None) -> int:
    """Run ``kznews reprocess`` and print its counts.

    Args:
        rules_for: ``(site, url) -> SiteRules`` (default: the profiles'); tests and experiments swap it.

    Returns:
        0 when the run went through (missing records and rejections are counted, not failures);
        2 for an unknown site or a missing archive directory.
    """
    from crawler import profiles, settings
    from crawler.archive import ArchiveIndex
    from crawler.reprocess import reprocess
    from db.migrate import open_database
    from pipelines.options import DEFAULT_OPTIONS, CleanOptions

    unknown = sorted(set(args.site) - set(profiles.PROFILES))
    if unknown:
        print(f"kznews reprocess: error: unknown site(s) {', '.join(unknown)}", file=sys.stderr)
        return 2
    try:
        archive = ArchiveIndex(args.archive or [default_archive()])
    except FileNotFoundError as exc:
        print(f"kznews reprocess: error: {exc}", file=sys.stderr)
        return 2
    options = CleanOptions(min_words=getattr(settings, "KZNEWS_MIN_WORDS", DEFAULT_OPTIONS.min_words))
    engine = open_database(database_url(args)).kw["bind"]
    try:
        stats = reprocess(
            engine,
            archive,
            sites=args.site,
            since=args.since,
            rules_for=rules_for or profiles.rules_for,
            options=options,
            workers=max(1, args.workers),
            batch_size=args.batch_size,
            dry_run=args.dry_run,
        )
    finally:
        engine.dispose()
    print(("kznews reprocess (dry run, nothing written)" if args.dry_run else "kznews reprocess"), flush=True)
    print(stats.summary(), flush=True)
    return 0
