"""Converts between the core's Article and database rows: content hash, UTC + local offset, NUL-free text."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from db.models import ArticleRecord
from pipelines.article import Article

# Columns an upsert must not overwrite on an existing row.
INSERT_ONLY_COLUMNS = frozenset({"id", "canonical_url", "first_seen_at"})

NOT_STORED_FIELDS: Mapping[str, str] = {
    "source": "the file kznews extract read the page from; a crawled row has url and warc_* instead",
    "site": "stored as site_id, the row of the site's name in sites",
    "paragraphs": "stored joined by newlines as text",
    "photo_credits": "image captions taken out of the body; the corpus keeps text, not images",
    "translations": "rows of their own table, translations",
    "lookalikes_fixed": "how many Latin look-alike letters cleaning replaced: about the run, not the article",
    "removed": "the lines cleaning took out and why: for debugging rules (kznews extract shows them)",
    "extraction": "how the body was found (layout, generic, fallback): counted per run, for drift alerts",
}
"""Article fields without an articles column of the same name, each with the reason.

Every other Article field is a column of that name (tests/db/test_article_schema.py holds both to it).
"""


def strip_nul(value: str) -> str:
    """Drop NUL characters: PostgreSQL rejects them in text and JSONB, so no backend stores them."""
    return value.replace("\x00", "") if "\x00" in value else value


def _opt(value: str | None) -> str | None:
    return None if value is None else strip_nul(value)


def _normalize(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).split())


def content_hash(title: str | None, text: str) -> str:
    """sha256 hex of NFC title + text with whitespace runs collapsed (re-wrapping is not a change)."""
    payload = _normalize(title or "") + "\n" + _normalize(text)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def article_key(article: Article) -> str:
    """The URL an article is stored under: its canonical URL, else the page URL."""
    key = article.canonical_url or article.url
    if not key:
        raise ValueError(f"article without url or canonical_url cannot be stored: title={article.title!r}")
    return strip_nul(key)


def offset_minutes(value: datetime | None) -> int | None:
    """UTC offset of an aware datetime in minutes (+05:00 -> 300); None for None."""
    if value is None:
        return None
    offset = value.utcoffset()
    if offset is None:
        raise ValueError(f"naive datetime {value!r}: published_at must carry its local offset")
    return int(offset.total_seconds() // 60)


def article_values(
    article: Article, *, site_id: int, seen_at: datetime, stored_at: datetime | None = None
) -> dict[str, Any]:
    """Column values for one article (without ``id`` and ``version``), NUL bytes stripped.

    Args:
        article: the cleaned article.
        site_id: id of the article's site row.
        seen_at: when it was seen; used where the article carries no ``fetched_at``.
        stored_at: when kznews stores it, the ``first_seen_at`` of a new row (default: its fetch time).
    """
    if not article.url:
        raise ValueError(f"article without url cannot be stored: canonical_url={article.canonical_url!r}")
    title = _opt(article.title)
    text = strip_nul(article.text)
    fetched_at = article.fetched_at or seen_at
    return {
        "site_id": site_id,
        "edition": _opt(article.edition),
        "url": strip_nul(article.url),
        "canonical_url": article_key(article),
        "title": title,
        "lead": _opt(article.lead),
        "text": text,
        "author": _opt(article.author),
        "tags": [strip_nul(tag) for tag in article.tags],
        "section": _opt(article.section),
        "dateline": _opt(article.dateline),
        "source_credit": _opt(article.source_credit),
        "published_at": article.published_at,
        "published_offset_minutes": offset_minutes(article.published_at),
        "modified_at": article.modified_at,
        "date_source": _opt(article.date_source),
        "lang": _opt(article.lang),
        "script": _opt(article.script),
        "lang_shares": {strip_nul(k): float(v) for k, v in article.lang_shares.items()},
        "word_count": len(text.split()),
        "damaged_chars": article.damaged_chars,
        "content_hash": content_hash(title, text),
        "first_seen_at": stored_at or fetched_at,
        "last_seen_at": fetched_at,
        "fetched_at": fetched_at,
        "warc_file": _opt(article.warc_file),
        "warc_offset": article.warc_offset,
        "extractor_version": strip_nul(article.extractor_version),
        "body_source": strip_nul(article.body_source),
        "region": _opt(article.region),
        "updated_at": seen_at,
    }


def local_published_at(record: ArticleRecord) -> datetime | None:
    """``published_at`` in the site's local offset it was published with (UTC if unknown)."""
    if record.published_at is None or record.published_offset_minutes is None:
        return record.published_at
    return record.published_at.astimezone(timezone(timedelta(minutes=record.published_offset_minutes)))


def record_to_article(record: ArticleRecord, *, site: str | None = None) -> Article:
    """Rebuild the core's Article from a stored row; of NOT_STORED_FIELDS, only site and paragraphs return.

    Args:
        record: the row; its ``site`` relationship must be loaded unless ``site`` is given.
        site: the site name, to avoid loading the relationship.
    """
    return Article(
        url=record.url,
        canonical_url=record.canonical_url,
        site=site if site is not None else record.site.name,
        edition=record.edition,
        lang=record.lang,
        script=record.script,
        lang_shares=dict(record.lang_shares),
        title=record.title,
        lead=record.lead,
        paragraphs=tuple(record.text.split("\n")) if record.text else (),
        published_at=local_published_at(record),
        modified_at=record.modified_at,
        date_source=record.date_source,
        author=record.author,
        tags=tuple(record.tags),
        section=record.section,
        dateline=record.dateline,
        source_credit=record.source_credit,
        damaged_chars=record.damaged_chars,
        fetched_at=record.fetched_at,
        warc_file=record.warc_file,
        warc_offset=record.warc_offset,
        extractor_version=record.extractor_version,
        body_source=record.body_source,
        region=record.region,
    )


def record_to_dict(record: ArticleRecord, *, site: str | None = None) -> dict[str, Any]:
    """A JSON-ready dict of a stored row: every column, datetimes as ISO 8601, published_at local."""
    data: dict[str, Any] = {c.key: getattr(record, c.key) for c in ArticleRecord.__table__.columns}
    data["site"] = site if site is not None else record.site.name
    data["published_at"] = local_published_at(record)
    return jsonable(data)


def jsonable(value: Any) -> Any:
    """``value`` made JSON-safe: datetimes as ISO 8601, tuples as lists, unknown objects as str, no NULs."""
    if isinstance(value, datetime):
        return value.isoformat() if value.tzinfo else value.replace(tzinfo=UTC).isoformat()
    if isinstance(value, str):
        return strip_nul(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Mapping):
        return {strip_nul(str(k)): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return strip_nul(str(value))
