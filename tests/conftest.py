"""Paths and fixtures shared by the test suite; service checks live in tests/services.py."""

import uuid
from pathlib import Path

import pytest
from sqlalchemy import make_url, text

from tests.services import require_postgres_url, require_shared

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture
def shared() -> Path:
    """../shared (benchmarks, research pages): a test using it skips without it, or fails under
    KZNEWS_REQUIRE_SERVICES=1."""
    return require_shared(SHARED)


@pytest.fixture
def pg_schema_url():
    """A private PostgreSQL schema, as a URL whose search_path is that schema (dropped afterwards)."""
    from db.engine import make_engine

    base = require_postgres_url()
    schema = f"kznews_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
