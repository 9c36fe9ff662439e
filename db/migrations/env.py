"""Alembic environment: runs migrations on a caller's connection (db.migrate) or on ``-x url=...``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from db.engine import make_engine, normalize_url
from db.migrate import context_options
from db.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, **context_options(connection))


def _url() -> str:
    """``alembic -x url=...``, else sqlalchemy.url of an alembic.ini (``kznews db upgrade`` needs neither)."""
    url = context.get_x_argument(as_dictionary=True).get("url")
    if not url and config.file_config.has_section(config.config_ini_section):
        url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("no database URL: run `kznews db upgrade --database-url URL`, or alembic -x url=URL")
    return url


def run_migrations_offline() -> None:
    """Emit SQL to stdout (``alembic upgrade head --sql``) without connecting."""
    url = normalize_url(_url())
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=url.get_backend_name() == "sqlite",
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate on the connection db.migrate passed in, or on a fresh engine for the alembic CLI."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as connection:
            _configure(connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
