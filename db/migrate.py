"""Applies the Alembic migrations shipped in db/migrations: on first use and for ``kznews db upgrade``."""

from __future__ import annotations

import functools
import hashlib
import logging
import shutil
import tempfile
import threading
from collections.abc import Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.autogenerate.api import AutogenContext
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import JSON, Connection, Engine, text
from sqlalchemy.orm import Session, sessionmaker

from db.engine import SQLITE_BEGIN_OPTION, make_engine, make_sessionmaker
from db.models import Base, UTCDateTime

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Where a zipped install (scrapyd runs the project from an egg) gets its migration scripts unpacked:
# Alembic reads revision files from a real directory only. One directory per content (a hash of the scripts):
# one shared directory kept the revisions of every version ever unpacked, and two heads stopped Alembic.
UNPACKED_MIGRATIONS_ROOT = Path(tempfile.gettempdir())
# Date-prefixed revision files sort in the order they were written (mealie's and Prefect's alembic.ini).
FILE_TEMPLATE = "%%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s"
# Two crawlers starting at once on an empty database must not both create the tables.
PG_MIGRATION_LOCK_KEY = 0x6B7A6E657773  # "kznews"
# Alembic keeps the running migration in module globals (alembic.context): one migration per process.
_PROCESS_LOCK = threading.Lock()


def alembic_config() -> Config:
    """An Alembic config pointing at the packaged migrations, independent of cwd and of any ini file."""
    config = Config()
    config.set_main_option("script_location", str(_migrations_on_disk()))
    config.set_main_option("file_template", FILE_TEMPLATE)
    config.set_main_option("timezone", "UTC")
    return config


def _migrations_on_disk() -> Path:
    """The migrations directory; copied out of the archive first when the package is zipped (an egg)."""
    if MIGRATIONS_DIR.is_dir():
        return MIGRATIONS_DIR
    scripts = dict(_scripts(resources.files("db") / "migrations"))
    digest = hashlib.sha1(b"".join(name.encode() + b"\0" + data for name, data in sorted(scripts.items())))
    target = UNPACKED_MIGRATIONS_ROOT / f"kznews-migrations-{digest.hexdigest()[:16]}"
    if not target.is_dir():
        staging = Path(tempfile.mkdtemp(prefix="kznews-migrations-", dir=UNPACKED_MIGRATIONS_ROOT))
        for name, data in scripts.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_bytes(data)
        try:
            staging.rename(target)  # atomic: a concurrent unpacker of the same content wins, same bytes
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _scripts(source: Traversable, prefix: str = "") -> Iterator[tuple[str, bytes]]:
    """(relative path, bytes) of every migration script and template under ``source``."""
    for entry in source.iterdir():
        if entry.is_dir():
            if entry.name != "__pycache__":
                yield from _scripts(entry, f"{prefix}{entry.name}/")
        elif entry.name.endswith((".py", ".mako")):
            yield f"{prefix}{entry.name}", entry.read_bytes()


def context_options(connection: Connection) -> dict[str, Any]:
    """Options for ``context.configure`` shared by env.py and :func:`schema_diff`."""
    dialect = connection.dialect.name
    return {
        # SQLite can't ALTER most things: batch mode copies the table (names come from the convention).
        "render_as_batch": dialect == "sqlite",
        "compare_type": True,
        "compare_server_default": True,
        "render_item": _render_item,
        "include_object": functools.partial(_include_object, dialect=dialect),
    }


def schema_diff(connection: Connection) -> list[Any]:
    """Differences between the models and the database (Alembic autogenerate); empty when they match."""
    context = MigrationContext.configure(connection, opts=context_options(connection))
    return compare_metadata(context, Base.metadata)


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
    # Serialize migrators, then look again: another process may have upgraded while we waited.
    with _PROCESS_LOCK, engine.connect() as connection:
        connection.execution_options(**{SQLITE_BEGIN_OPTION: "BEGIN IMMEDIATE"})
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK_KEY})
            current = current_revision(connection)
            if current != head:
                log.info("upgrading database schema %s -> %s", current, head)
                config = alembic_config()
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
    return head


def upgrade(url: str) -> str:
    """Upgrade the database at ``url`` to head; ``kznews db upgrade``.

    Returns:
        The head revision the database is now at.
    """
    engine = make_engine(url)
    try:
        return ensure_schema(engine)
    finally:
        engine.dispose()


def open_database(url: str) -> sessionmaker[Session]:
    """Engine for ``url`` with the schema at head, as a session factory.

    The engine is ``factory.kw["bind"]``; dispose of it when done.
    """
    engine = make_engine(url)
    ensure_schema(engine)
    return make_sessionmaker(engine)


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | bool:
    """Render our column types as plain SQLAlchemy types, so revisions never import db.models."""
    if type_ != "type":
        return False
    if isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if isinstance(obj, JSON):
        autogen_context.imports.add("from sqlalchemy.dialects import postgresql")
        return 'sa.JSON().with_variant(postgresql.JSONB(), "postgresql")'
    return False


def _include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any, *, dialect: str
) -> bool:
    """Skip model objects limited to another dialect by ``.ddl_if(dialect=...)``.

    Alembic ignores ddl_if, so without this a SQLite database would always "miss" the PostgreSQL-only
    indexes. Consequence: autogenerate PostgreSQL-only objects against PostgreSQL.
    """
    ddl_if = getattr(obj, "_ddl_if", None)  # SQLAlchemy's record of .ddl_if(); no public accessor
    if reflected or ddl_if is None or ddl_if.dialect is None:
        return True
    return dialect in ((ddl_if.dialect,) if isinstance(ddl_if.dialect, str) else tuple(ddl_if.dialect))
