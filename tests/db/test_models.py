from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, InvalidRequestError, StatementError

from db.models import ArticleRecord, ArticleVersion, Base, JSONType, Site
from db.repository import upsert_articles
from pipelines.article import Article

T1 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def test_every_constraint_and_index_is_named_by_the_convention():
    prefixes = {
        "PrimaryKeyConstraint": "pk_",
        "UniqueConstraint": "uq_",
        "ForeignKeyConstraint": "fk_",
        "CheckConstraint": "ck_",
    }
    for table in Base.metadata.sorted_tables:
        for constraint in table.constraints:
            name = str(constraint.name)
            assert name.startswith(prefixes[type(constraint).__name__] + table.name), name
        for index in table.indexes:
            assert str(index.name).startswith("ix_" + table.name), index.name


def test_json_columns_are_jsonb_on_postgresql_only():
    assert JSONType.compile(dialect=postgresql.dialect()) == "JSONB"
    assert JSONType.compile(dialect=sqlite.dialect()) == "JSON"


def test_aware_datetimes_are_read_back_as_the_same_instant_in_utc(session):
    local = datetime(2024, 2, 29, 23, 30, tzinfo=timezone(timedelta(hours=6)))
    session.add(Site(name="kazinform", created_at=local))
    session.commit()
    session.expire_all()
    created = session.scalars(select(Site.created_at)).one()
    assert created == local
    assert created.tzinfo == UTC


def test_naive_datetimes_are_refused(session):
    session.add(Site(name="kazinform", created_at=datetime(2025, 1, 1)))
    with pytest.raises(StatementError, match="naive datetime"):
        session.flush()


def test_relationships_never_load_lazily(session):
    upsert_articles(session, [Article(url="https://x.kz/1", site="x", paragraphs=("a",))], fetched_at=T1)
    session.commit()
    session.expire_all()
    record = session.scalars(select(ArticleRecord)).one()
    with pytest.raises(InvalidRequestError):
        _ = record.site
    with pytest.raises(InvalidRequestError):
        _ = record.versions


def test_foreign_keys_are_enforced(session):
    upsert_articles(session, [Article(url="https://x.kz/1", site="x", paragraphs=("a",))], fetched_at=T1)
    with pytest.raises(IntegrityError):
        session.execute(delete(Site))


def test_deleting_an_article_deletes_its_versions(session):
    upsert_articles(session, [Article(url="https://x.kz/1", site="x", paragraphs=("a",))], fetched_at=T1)
    upsert_articles(session, [Article(url="https://x.kz/1", site="x", paragraphs=("b",))], fetched_at=T1)
    assert session.scalar(select(func.count()).select_from(ArticleVersion)) == 1
    session.execute(delete(ArticleRecord))
    assert session.scalar(select(func.count()).select_from(ArticleVersion)) == 0
