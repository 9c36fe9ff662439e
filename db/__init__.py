"""Storage layer: SQLAlchemy models, Alembic migrations and the repository functions that write the corpus."""

from db.engine import make_engine, make_sessionmaker
from db.migrate import ensure_schema, open_database, upgrade
from db.repository import UpsertStats, upsert_articles

__all__ = [
    "UpsertStats",
    "ensure_schema",
    "make_engine",
    "make_sessionmaker",
    "open_database",
    "upgrade",
    "upsert_articles",
]
