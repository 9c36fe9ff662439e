"""`kznews reprocess`: clean the archived pages of stored articles again with today's rules."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from crawler.cli.options import (
    BadInput,
    add_database_url,
    check_sites,
    database_url,
    day_or_datetime,
    positive_number,
)

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
        help="read the WARC files from here, found by file name: a directory searched recursively, or one "
        "WARC file (repeatable); for archives moved since the crawl. Default: the WARC path each article "
        f"points to, else a file of that name under {ARCHIVE_ENV} or {DEFAULT_ARCHIVE}",
    )
    add_database_url(parser)
    parser.add_argument("--workers", type=positive_number, default=1, help="cleaning processes (default 1)")
    parser.add_argument(
        "--batch-size", type=positive_number, default=BATCH_SIZE, help=f"default {BATCH_SIZE}"
    )
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
        0 when every stored record was read (rejections by today's rules are counted, not failures);
        1 when a record an article points to is gone or changed (one line per reason and file in the
        summary), or when no record at all could be read.

    Raises:
        BadInput: an unknown site, or an ``--archive`` that does not exist.
    """
    from crawler import profiles, settings
    from crawler.archive import ArchiveIndex
    from crawler.reprocess import reprocess
    from db.migrate import open_database
    from pipelines.options import DEFAULT_OPTIONS, CleanOptions

    check_sites(args.site)
    if args.archive:
        try:
            archive = ArchiveIndex(args.archive)
        except FileNotFoundError as exc:
            raise BadInput(f"{exc}: give the directory the WARC files are in now") from None
    else:
        archive = ArchiveIndex([d for d in [default_archive()] if d.exists()], stored_paths=True)
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
            workers=args.workers,
            batch_size=args.batch_size,
            dry_run=args.dry_run,
        )
    finally:
        engine.dispose()
    print(("kznews reprocess (dry run, nothing written)" if args.dry_run else "kznews reprocess"), flush=True)
    print(stats.summary(), flush=True)
    if stats.failed():
        lost = stats.missing_records.lost()
        problem = f"{lost} stored record(s) could not be read" if lost else "no stored record could be read"
        print(f"kznews reprocess: {problem} (see 'missing record' above)", file=sys.stderr)
        return 1
    return 0
