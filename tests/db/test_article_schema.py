"""Article fields, model columns, conversions and export agree field by field; a one-sided change fails."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pyarrow as pa
import pytest
from sqlalchemy import JSON, TypeDecorator, select

from db.convert import NOT_STORED_FIELDS, article_values, record_to_article
from db.exportformats import (
    EXPORT_COLUMNS,
    FIELDS,
    NOT_EXPORTED,
    PARQUET_REQUIRED,
    TRANSLATIONS,
    parquet_schema,
)
from db.models import ArticleRecord
from db.repository import upsert_articles
from pipelines.article import Article, Removal, Translation

COLUMNS = tuple(column.key for column in ArticleRecord.__table__.columns)
ARTICLE_FIELDS = tuple(field.name for field in dataclasses.fields(Article))
STORED_FIELDS = tuple(name for name in ARTICLE_FIELDS if name not in NOT_STORED_FIELDS)
# Not stored under their own name, yet given back by record_to_article (from site_id and text).
REBUILT_FIELDS = ("site", "paragraphs")
# Columns article_values leaves out: the database numbers rows, upsert_articles numbers the versions.
ASSIGNED_BY_REPOSITORY = frozenset({"id", "version"})

SEEN = datetime(2025, 3, 2, 6, 0, tzinfo=UTC)
# Every field differs from its default, so a field a conversion forgets cannot pass as its default.
FULL = Article(
    source="pages/story.html",
    url="https://kaz.tengrinews.kz/news/story/?utm=x",
    canonical_url="https://kaz.tengrinews.kz/news/story/",
    site="tengrinews",
    edition="kk",
    lang="kk",
    script="Cyrl",
    lang_shares={"kk": 0.75, "ru": 0.25},
    title="Тақырып",
    lead="Лид.",
    paragraphs=("Бірінші абзац.", "Екінші абзац."),
    published_at=datetime(2025, 2, 28, 14, 30, tzinfo=timezone(timedelta(hours=5))),
    modified_at=datetime(2025, 3, 1, 1, 0, tzinfo=UTC),
    date_source="jsonld",
    author="Әлия Нұрланқызы",
    tags=("экономика", "Астана"),
    section="Қоғам",
    dateline="АСТАНА",
    source_credit="Kazinform",
    photo_credits=("Фото: пресс-қызмет",),
    translations=(Translation(lang="ru", url="https://tengrinews.kz/news/story/"),),
    damaged_chars=2,
    lookalikes_fixed=3,
    removed=(Removal(rule="read_also", text="Оқи отырыңыз"),),
    fetched_at=datetime(2025, 3, 1, 6, 0, tzinfo=UTC),
    warc_file="crawl-00001.warc.gz",
    warc_offset=12_345_678_901,
    extractor_version="schema-test",
    extraction="layout",
    body_source="feed",
    region="KZ-47",
)


def same(got: Any, want: Any) -> bool:
    """Equal, with tuples and lists alike and datetimes equal in instant and in offset."""
    if isinstance(want, tuple):
        want = list(want)
    if isinstance(got, tuple):
        got = list(got)
    if isinstance(want, datetime):
        return isinstance(got, datetime) and (got, got.utcoffset()) == (want, want.utcoffset())
    return bool(got == want)


class TestArticleFields:
    @pytest.mark.parametrize("name", ARTICLE_FIELDS)
    def test_field_is_a_column_of_its_name_or_listed_as_not_stored(self, name):
        assert (name in COLUMNS) != (name in NOT_STORED_FIELDS)

    @pytest.mark.parametrize("name", NOT_STORED_FIELDS)
    def test_not_stored_entry_is_an_article_field_with_a_reason(self, name):
        assert name in ARTICLE_FIELDS and NOT_STORED_FIELDS[name].strip()

    def test_sample_article_sets_every_field(self):
        for field in dataclasses.fields(Article):
            default = field.default if field.default is not dataclasses.MISSING else field.default_factory()
            assert not same(getattr(FULL, field.name), default), field.name


class TestArticleValues:
    def test_are_the_model_columns_but_those_the_repository_assigns(self):
        values = article_values(FULL, site_id=7, seen_at=SEEN)
        assert sorted(values) == sorted(set(COLUMNS) - ASSIGNED_BY_REPOSITORY)

    def test_carry_each_stored_field_under_its_name(self):
        values = article_values(FULL, site_id=7, seen_at=SEEN)
        wrong = {name: values[name] for name in STORED_FIELDS if not same(values[name], getattr(FULL, name))}
        assert wrong == {}


class TestRecordToArticle:
    def test_gives_back_every_stored_field(self, session):
        upsert_articles(session, [FULL], fetched_at=SEEN)
        session.commit()
        session.expire_all()
        back = record_to_article(session.scalars(select(ArticleRecord)).one(), site=FULL.site)
        names = (*STORED_FIELDS, *REBUILT_FIELDS)
        wrong = {
            name: getattr(back, name) for name in names if not same(getattr(back, name), getattr(FULL, name))
        }
        assert wrong == {}


class TestExportColumns:
    def test_fields_are_the_columns_in_model_order_with_site_by_name_and_translations_last(self):
        assert set(NOT_EXPORTED) < set(COLUMNS)
        shown = ("site" if name == "site_id" else name for name in COLUMNS if name not in NOT_EXPORTED)
        assert FIELDS == (*shown, TRANSLATIONS)

    def test_parquet_schema_has_exactly_the_export_fields(self):
        assert parquet_schema(pa).names == list(FIELDS)

    @pytest.mark.parametrize("name", EXPORT_COLUMNS)
    def test_parquet_type_is_of_the_column_kind(self, name):
        arrow_type = parquet_schema(pa).field(name).type
        column_type = EXPORT_COLUMNS[name].type
        if isinstance(column_type, TypeDecorator):
            column_type = column_type.impl_instance
        if isinstance(column_type, JSON):
            assert pa.types.is_list(arrow_type) or pa.types.is_map(arrow_type)
        elif column_type.python_type is datetime:
            assert pa.types.is_timestamp(arrow_type) and arrow_type.tz == "UTC"
        elif column_type.python_type is int:
            assert pa.types.is_integer(arrow_type)
        else:
            assert column_type.python_type is str and pa.types.is_string(arrow_type)

    @pytest.mark.parametrize("name", sorted(PARQUET_REQUIRED))
    def test_required_parquet_field_is_not_null_in_the_model(self, name):
        assert not EXPORT_COLUMNS[name].nullable
