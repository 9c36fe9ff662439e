"""Applies the Alembic migrations shipped in db/migrations: on first use and for ``kznews db upgrade``."""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from db.engine import make_engine

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Date-prefixed revision files sort in the order they were written (mealie's and Prefect's alembic.ini).
FILE_TEMPLATE = "%%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s"
# Two crawlers starting at once on an empty PostgreSQL database must not both create the tables.
PG_MIGRATION_LOCK_KEY = 0x6B7A6E657773  # "kznews"


def alembic_config() -> Config:
    """An Alembic config pointing at the packaged migrations, independent of cwd and of any ini file."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", FILE_TEMPLATE)
    config.set_main_option("timezone", "UTC")
    return config


@functools.cache
def head_revision() -> str:
    """The single head revision of the shipped migrations."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at (None for an empty database)."""
    return MigrationContext.configure(connection).get_current_revision()


def ensure_schema(engine: Engine) -> str:
    """Upgrade the database behind ``engine`` to head; a single cheap query when it is already there.

    Returns:
        The head revision.
    """
    head = head_revision()
    with engine.connect() as connection:
        if current_revision(connection) == head:
            return head
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK_KEY})
        current = current_revision(connection)
        if current != head:
            log.info("upgrading database schema %s -> %s", current, head)
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    return head


def upgrade(url: str | None = None) -> str:
    """Upgrade the database at ``url`` (default: KZNEWS_DATABASE_URL) to head; ``kznews db upgrade``.

    Returns:
        The head revision the database is now at.
    """
    engine = make_engine(url)
    try:
        return ensure_schema(engine)
    finally:
        engine.dispose()
