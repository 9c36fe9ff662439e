"""Checks a database URL before anything connects: a bad one is one line naming where it came from."""

from __future__ import annotations

from pathlib import Path

DEFAULT_SQLITE_DIRECTORY = Path("data")
"""The default database's directory (crawler.settings: sqlite:///data/kznews.sqlite3): the only one made."""

EXPECTED = "expected sqlite:///PATH or postgresql://USER@HOST/DB"
SUPPORTED_DRIVERS = ("sqlite", "sqlite+pysqlite", "postgresql", "postgres", "postgresql+psycopg")
"""psycopg 3 is the PostgreSQL driver we ship; the others would fail later, at connect, with a traceback."""


class DatabaseUrlError(ValueError):
    """A database URL that cannot work; ``str()`` is one line naming the URL's source and the fix."""


def check_database_url(url: str, source: str) -> None:
    """Refuse ``url`` early, before anything connects or creates a file.

    Args:
        url: an SQLAlchemy URL.
        source: where it came from, for the message: "--database-url", "KZNEWS_DATABASE_URL",
            "-s KZNEWS_DATABASE_URL" or "the default".

    Raises:
        DatabaseUrlError: unparsable; a backend other than SQLite or PostgreSQL (psycopg 3); a SQLite file
            whose directory does not exist (other than the default ``data/``, which is created on first use).
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise DatabaseUrlError(f"{source}: not a database URL: {url!r} ({EXPECTED})") from None
    shown = parsed.render_as_string(hide_password=True)
    if parsed.drivername not in SUPPORTED_DRIVERS:
        raise DatabaseUrlError(
            f"{source}: unsupported database {parsed.drivername!r} in {shown!r}: kznews stores into "
            f"SQLite or PostgreSQL ({EXPECTED})"
        )
    directory = _sqlite_directory(parsed.drivername, parsed.database)
    if directory is not None and directory != DEFAULT_SQLITE_DIRECTORY and not directory.is_dir():
        raise DatabaseUrlError(
            f"{source}: directory {str(directory)!r} of the SQLite file does not exist "
            f"(create it, or give a path in an existing directory)"
        )


def _sqlite_directory(drivername: str, database: str | None) -> Path | None:
    """The directory of a SQLite file URL; None for PostgreSQL, in-memory and ``file:`` URI databases."""
    if not drivername.startswith("sqlite") or not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        return None  # an SQLite URI: its own options decide, sqlite3 reports a bad one
    return Path(database).expanduser().parent
