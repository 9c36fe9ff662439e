"""Database fixtures: every db test runs on a SQLite file and on a private PostgreSQL schema."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, make_url, text
from sqlalchemy.orm import Session

from db.engine import make_engine, make_sessionmaker
from db.migrate import ensure_schema
from db.models import Base
from tests.services import require_postgres_url

BACKENDS = ("sqlite", pytest.param("postgresql", marks=pytest.mark.postgres))


def pg_engine(schema: str) -> Engine:
    """An engine on the test PostgreSQL database whose search_path is ``schema`` (kept in its URL)."""
    url = make_url(require_postgres_url()).update_query_dict({"options": f"-csearch_path={schema}"})
    return make_engine(url)


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Engine]:
    engine = make_engine(require_postgres_url())
    yield engine
    engine.dispose()


def _create_schema(admin: Engine) -> str:
    schema = f"kznews_test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    return schema


def _drop_schema(admin: Engine, schema: str) -> None:
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


@pytest.fixture(scope="session")
def pg_migrated(pg_admin: Engine) -> Iterator[Engine]:
    """One schema per test session, migrated to head once, dropped at the end."""
    schema = _create_schema(pg_admin)
    engine = pg_engine(schema)
    try:
        ensure_schema(engine)
        yield engine
    finally:
        engine.dispose()
        _drop_schema(pg_admin, schema)


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:
    """An engine at schema head with empty tables."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path}/kznews.sqlite3")
        ensure_schema(engine)
        yield engine
        engine.dispose()
        return
    engine = request.getfixturevalue("pg_migrated")
    yield engine
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def empty_engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:
    """An engine on an empty database (no tables, no alembic_version)."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path}/empty.sqlite3")
        yield engine
        engine.dispose()
        return
    admin = request.getfixturevalue("pg_admin")
    schema = _create_schema(admin)
    engine = pg_engine(schema)
    try:
        yield engine
    finally:
        engine.dispose()
        _drop_schema(admin, schema)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with make_sessionmaker(engine)() as session:
        yield session
