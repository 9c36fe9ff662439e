"""`kznews report`: per-site harvest health and drift alerts (exit status 1 when one fires)."""

from __future__ import annotations

import argparse
import sys

from crawler.cli.options import add_database_url, aware_datetime, database_url, positive_number

BASELINE_DAYS = 28  # crawler.report.BASELINE_DAYS, repeated here so that --help imports nothing heavy
EXIT_ERROR = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``kznews report``."""
    parser.add_argument(
        "--days",
        type=positive_number,
        default=1,
        help="whole days to report on (default 1: yesterday; the newest day with data when none is recent)",
    )
    parser.add_argument("--site", action="append", help="only this site (repeatable; default all)")
    add_database_url(parser)
    parser.add_argument(
        "--baseline-days",
        type=positive_number,
        default=BASELINE_DAYS,
        help=f"history compared with (default {BASELINE_DAYS})",
    )
    parser.add_argument(
        "--now", type=aware_datetime, help="report as if run at this ISO time with offset (replays, tests)"
    )


def run(args: argparse.Namespace) -> int:
    """Print the report; 0 when healthy, 1 when any alert fired, 2 when the database or a site is missing."""
    from datetime import UTC, datetime

    from sqlalchemy.exc import OperationalError

    from crawler.report import build_report, open_report_database
    from db.engine import make_sessionmaker

    engine = None
    try:
        engine = open_report_database(database_url(args))
        with make_sessionmaker(engine)() as session:
            now = args.now or datetime.now(UTC)
            report = build_report(
                session, now=now, days=args.days, sites=args.site, baseline_days=args.baseline_days
            )
    except (LookupError, OperationalError) as exc:
        print(f"kznews report: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        if engine is not None:
            engine.dispose()
    print(report.text, flush=True)
    return report.exit_status
