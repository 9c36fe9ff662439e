"""Options and value types shared by the kznews subcommands."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import NoReturn
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

SITES_TZ = "Asia/Almaty"
"""A bare date on the command line is midnight here: the sites' own day."""
DATABASE_URL_ENV = "KZNEWS_DATABASE_URL"  # read by crawler/settings.py when no option or -s sets it


class BadInput(Exception):
    """Input a command cannot work with; ``str()`` is one line naming the input and the fix.

    ``kznews`` prints it as ``kznews COMMAND: error: MESSAGE`` and exits 2, like argparse's usage errors.
    """


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line, like every other bad-input error of kznews."""

    def error(self, message: str) -> NoReturn:
        """Print ``PROG: error: MESSAGE (see PROG --help)`` and exit 2."""
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def add_database_url(parser: argparse.ArgumentParser) -> None:
    """``--database-url``, the same option on every command that reads or writes the corpus."""
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="sqlite:///PATH or postgresql://USER@HOST/DB (default: KZNEWS_DATABASE_URL, else "
        "sqlite:///data/kznews.sqlite3)",
    )


def database_url(args: argparse.Namespace) -> str:
    """``--database-url``, else the project setting (environment, then the default SQLite file), checked.

    Raises:
        db.urls.DatabaseUrlError: the URL cannot work; the message names where it came from.
    """
    from db.urls import check_database_url

    if args.database_url:
        url, source = args.database_url, "--database-url"
    elif os.environ.get(DATABASE_URL_ENV):
        url, source = os.environ[DATABASE_URL_ENV], DATABASE_URL_ENV
    else:
        from crawler import settings

        url, source = settings.KZNEWS_DATABASE_URL, "the default"
    check_database_url(url, source)
    return url


def check_sites(names: Iterable[str]) -> None:
    """Refuse site names that have no profile, with the message report and harvest give."""
    from crawler.profiles import UnknownSiteError, check_site_names

    try:
        check_site_names(names)
    except UnknownSiteError as exc:
        raise BadInput(str(exc)) from None


def page_url(value: str) -> str:
    """An absolute http(s) URL, as a page's own address must be."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(f"not a page URL: {value!r} (expected https://HOST/PATH)")
    return value


def whole_number(value: str) -> int:
    """A whole number >= 0 (worker counts: 0 runs the work in the command's own process)."""
    if not (value.isascii() and value.isdigit()):
        raise argparse.ArgumentTypeError(f"not a whole number >= 0: {value!r}")
    return int(value)


def positive_number(value: str) -> int:
    """A whole number >= 1."""
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise argparse.ArgumentTypeError(f"not a whole number >= 1: {value!r}")
    return int(value)


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
