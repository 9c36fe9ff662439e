"""Builds SQLAlchemy engines and session factories from a URL; nothing is created at import."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from db.urls import DEFAULT_SQLITE_DIRECTORY

log = logging.getLogger(__name__)

# A crawler writing while an export reads: wait this long for SQLite's write lock before failing.
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Execution option naming the statement that opens a SQLite transaction (see make_sessionmaker).
SQLITE_BEGIN_OPTION = "kznews_sqlite_begin"
# psycopg 3 is the driver we ship; a bare postgresql:// URL would make SQLAlchemy look for psycopg2.
POSTGRES_DRIVER = "postgresql+psycopg"


def normalize_url(url: str | URL) -> URL:
    """Parse ``url`` and pin the psycopg 3 driver for plain ``postgresql://`` URLs."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername=POSTGRES_DRIVER)
    return parsed


def sqlite_file(url: str | URL) -> Path | None:
    """The file behind a SQLite URL (None for other backends and in-memory databases)."""
    parsed = normalize_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        database = database.removeprefix("file:").split("?", 1)[0]
    return Path(database).expanduser()


def database_missing(url: str | URL) -> bool:
    """True for a SQLite URL whose file does not exist yet: connecting would create an empty database."""
    path = sqlite_file(url)
    return path is not None and not path.is_file()


def make_engine(url: str | URL, **kwargs: Any) -> Engine:
    """Create an engine for ``url``.

    SQLite gets WAL journaling, enforced foreign keys, a busy timeout and real transactions (the sqlite3
    driver's legacy mode would autocommit DDL, so a failed migration would leave a half-built schema);
    the default database's directory ``data/`` is created if missing, no other (a typo must not build a
    tree: db.urls.check_database_url refuses it first). Extra ``kwargs`` go to ``create_engine``.
    """
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        _ensure_sqlite_directory(parsed)
        engine = create_engine(parsed, **kwargs)
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    # pre_ping: a harvest runs for months and the server may restart under it.
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(parsed, **kwargs)


def make_sessionmaker(engine: Engine, *, immediate: bool = False) -> sessionmaker[Session]:
    """A session factory bound to ``engine``; objects stay readable after commit (expire_on_commit off).

    Args:
        engine: from :func:`make_engine`.
        immediate: SQLite only: open transactions with BEGIN IMMEDIATE, taking the write lock at once. Use
            it for sessions that read then write (upserts) while another process may write too: a deferred
            transaction that read before the other's commit fails with "database is locked" instead of
            waiting. Leave it off for readers, which WAL lets run beside the writer.
    """
    if immediate and engine.dialect.name == "sqlite":
        engine = engine.execution_options(**{SQLITE_BEGIN_OPTION: "BEGIN IMMEDIATE"})
    return sessionmaker(bind=engine, expire_on_commit=False)


def _ensure_sqlite_directory(url: URL) -> None:
    path = sqlite_file(url)
    if path is None or url.database.startswith("file:"):
        return
    parent = path.parent
    if parent == DEFAULT_SQLITE_DIRECTORY and not parent.exists():
        log.info("creating database directory %s", parent)
        parent.mkdir(exist_ok=True)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Hand BEGIN over to SQLAlchemy (see _on_sqlite_begin): SQLAlchemy docs, "sqlite_transactions".
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS:d}")
        # WAL makes NORMAL durable against application crashes; only a power loss can drop the last commits.
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _on_sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql(connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "BEGIN"))
