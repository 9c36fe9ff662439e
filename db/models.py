"""The storage schema as SQLAlchemy 2.0 declarative models; Alembic migrations must match it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints are what Alembic's batch mode needs to find and rebuild them on SQLite, and keep
# constraint names identical on both backends (Prefect's orm_models.py uses the same scheme).
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

RUN_STATUSES = ("running", "finished", "failed")
BODY_SOURCES = ("page", "feed")
"""Where an article's text was read: its page (the default of rows stored before there was a choice), or
its RSS item's full text."""

# JSONB on PostgreSQL (indexable, compact); plain JSON text elsewhere.
JSONType = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetime stored as UTC; always read back as an aware UTC datetime.

    SQLite has no timezone type: SQLAlchemy would silently drop the offset of an aware value, so values
    are converted to UTC first and naive UTC is stored; naive input is refused rather than guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert an aware datetime to UTC (naive UTC on SQLite)."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: the database stores aware datetimes only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Attach UTC to what the driver returns."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base: one MetaData with the naming convention, Python types mapped to column types."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        datetime: UTCDateTime(),
        str: Text(),
        dict[str, Any]: JSONType,
        list[str]: JSONType,
    }


class Site(Base):
    """A news site as named by its crawler profile ("kazinform", "tengrinews")."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    created_at: Mapped[datetime]


class ArticleRecord(Base):
    """The current version of one article, keyed by its canonical URL (the page URL when none is given)."""

    __tablename__ = "articles"
    __table_args__ = (
        Index(None, "site_id", "published_at"),
        Index(None, "site_id", "first_seen_at"),  # kznews report buckets articles by the day first seen
        Index(None, "published_at"),
        Index(None, "url"),
        Index(None, "lang"),
        Index(None, "content_hash"),
        # Tag queries ("all articles tagged X") only pay off with JSONB containment on PostgreSQL.
        Index("ix_articles_tags_gin", "tags", postgresql_using="gin").ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    edition: Mapped[str | None]
    url: Mapped[str]
    canonical_url: Mapped[str] = mapped_column(unique=True)
    title: Mapped[str | None]
    lead: Mapped[str | None]
    text: Mapped[str]
    author: Mapped[str | None]
    tags: Mapped[list[str]]
    section: Mapped[str | None]
    dateline: Mapped[str | None]
    source_credit: Mapped[str | None]
    published_at: Mapped[datetime | None]
    # The site's local UTC offset at publication (300 = +05:00), so the local time can be rebuilt.
    published_offset_minutes: Mapped[int | None]
    modified_at: Mapped[datetime | None]
    date_source: Mapped[str | None]
    lang: Mapped[str | None]
    script: Mapped[str | None]
    lang_shares: Mapped[dict[str, Any]]
    word_count: Mapped[int]
    damaged_chars: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    # Number of this text; older texts live in article_versions with smaller numbers.
    version: Mapped[int]
    first_seen_at: Mapped[datetime]  # when kznews first stored it; the page's fetch time is fetched_at
    last_seen_at: Mapped[datetime]
    fetched_at: Mapped[datetime]
    warc_file: Mapped[str | None]
    warc_offset: Mapped[int | None] = mapped_column(BigInteger)
    extractor_version: Mapped[str]
    # "page" or "feed": the text is the RSS item's own, stored while the page was blocked or unreachable.
    body_source: Mapped[str] = mapped_column(server_default=BODY_SOURCES[0])
    # ISO 3166-2:KZ code of the site's home region when the article was stored; None for a national site.
    region: Mapped[str | None]
    updated_at: Mapped[datetime]

    site: Mapped[Site] = relationship(lazy="raise")
    versions: Mapped[list[ArticleVersion]] = relationship(
        back_populates="article", lazy="raise", order_by="ArticleVersion.version"
    )
    translations: Mapped[list[TranslationLink]] = relationship(back_populates="article", lazy="raise")


class ArticleVersion(Base):
    """A text an article had before it changed: what it was, where it was fetched, when it was replaced."""

    __tablename__ = "article_versions"
    __table_args__ = (UniqueConstraint("article_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    version: Mapped[int]
    title: Mapped[str | None]
    text: Mapped[str]
    content_hash: Mapped[str] = mapped_column(String(64))
    fetched_at: Mapped[datetime]
    warc_file: Mapped[str | None]
    warc_offset: Mapped[int | None] = mapped_column(BigInteger)
    extractor_version: Mapped[str]
    body_source: Mapped[str] = mapped_column(server_default=BODY_SOURCES[0])
    replaced_at: Mapped[datetime]

    article: Mapped[ArticleRecord] = relationship(back_populates="versions", lazy="raise")


class TranslationLink(Base):
    """A link from an article to another edition of the same story (table ``translations``)."""

    __tablename__ = "translations"
    __table_args__ = (UniqueConstraint("article_id", "url"), Index(None, "url"))

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    lang: Mapped[str]
    url: Mapped[str]

    article: Mapped[ArticleRecord] = relationship(back_populates="translations", lazy="raise")


class CrawlRun(Base):
    """One spider run: when, how it ended, its counters and the full Scrapy stats."""

    __tablename__ = "crawl_runs"
    __table_args__ = (
        CheckConstraint("status IN ('running', 'finished', 'failed')", name="status"),
        Index(None, "site_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    spider: Mapped[str]
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16))
    stats: Mapped[dict[str, Any]]
    stored: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    dropped: Mapped[dict[str, Any]]
    http_errors: Mapped[int] = mapped_column(default=0)
    blocked: Mapped[int] = mapped_column(default=0)
    bytes: Mapped[int] = mapped_column(BigInteger, default=0)

    site: Mapped[Site] = relationship(lazy="raise")


class SiteState(Base):
    """What the incremental harvester remembers about one site between runs (table ``site_state``).

    Written at the end of a successful run only: a crashed run leaves the previous state in place.
    """

    __tablename__ = "site_state"

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True)
    last_success_at: Mapped[datetime | None]
    # The crawl_runs row of that run (None when the run was not recorded, e.g. storage was off).
    last_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id", ondelete="SET NULL"))
    newest_published_at: Mapped[datetime | None]
    newest_url: Mapped[str | None]
    updated_at: Mapped[datetime]

    site: Mapped[Site] = relationship(lazy="raise")


class UrlAlias(Base):
    """Another URL an article was fetched under (a redirecting sitemap ``loc``), so it is known next time."""

    __tablename__ = "url_aliases"

    url: Mapped[str] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
