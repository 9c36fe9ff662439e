"""Options and value types shared by the kznews subcommands."""

from __future__ import annotations

import argparse
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

SITES_TZ = "Asia/Almaty"
"""A bare date on the command line is midnight here: the sites' own day."""


def add_database_url(parser: argparse.ArgumentParser) -> None:
    """``--database-url``, the same option on every command that reads or writes the corpus."""
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="SQLAlchemy URL (default: KZNEWS_DATABASE_URL or data/kznews.sqlite3)",
    )


def database_url(args: argparse.Namespace) -> str:
    """``--database-url``, else the project setting (environment, then the default SQLite file)."""
    from crawler import settings

    return args.database_url or settings.KZNEWS_DATABASE_URL


def aware_datetime(value: str) -> datetime:
    """An ISO 8601 date-time that carries its UTC offset ("2026-04-28T12:00:00+05:00")."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date-time: {value!r}") from exc
    if parsed.tzinfo is None:
        raise argparse.ArgumentTypeError(f"needs an offset, e.g. {value}+05:00")
    return parsed


def day_or_datetime(value: str) -> datetime:
    """An ISO date (midnight in the sites' time zone) or an ISO date-time with offset."""
    if len(value) == 10:
        try:
            return datetime.combine(date.fromisoformat(value), time(), ZoneInfo(SITES_TZ))
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"not an ISO date or date-time: {value!r}") from exc
    return aware_datetime(value)
