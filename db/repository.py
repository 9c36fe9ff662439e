"""Reads and writes the corpus: batched idempotent article upserts, sites, translations.

Every function takes a Session first and never commits: the caller owns the transaction.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import Table, bindparam, insert, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, contains_eager

from db.convert import INSERT_ONLY_COLUMNS, article_key, article_values, strip_nul
from db.models import (
    ArticleRecord,
    ArticleVersion,
    Site,
    TranslationLink,
    UTCDateTime,
)
from pipelines.article import Article, Translation

log = logging.getLogger(__name__)

# Bound parameters per statement: SQLite (>= 3.32) allows 32,766 and PostgreSQL 65,535; stay under both.
MAX_BIND_PARAMS = 32_000

_ARTICLES: Table = ArticleRecord.__table__  # type: ignore[assignment]
_VERSIONS: Table = ArticleVersion.__table__  # type: ignore[assignment]
_SITES: Table = Site.__table__  # type: ignore[assignment]
_TRANSLATIONS: Table = TranslationLink.__table__  # type: ignore[assignment]
_DIALECT_INSERTS: dict[str, Callable[..., Any]] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
_ARCHIVED_COLUMNS = (
    "title",
    "text",
    "content_hash",
    "fetched_at",
    "warc_file",
    "warc_offset",
    "extractor_version",
    "body_source",
)


@dataclass(frozen=True, slots=True)
class UpsertStats:
    """What one :func:`upsert_articles` call did; ``a + b`` sums two calls."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: UpsertStats) -> UpsertStats:
        return UpsertStats(
            self.inserted + other.inserted, self.updated + other.updated, self.unchanged + other.unchanged
        )


class _Stored(NamedTuple):
    id: int
    content_hash: str
    version: int
    extractor_version: str
    body_source: str


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), max(1, size)):
        yield items[start : start + size]


def _dialect_insert(session: Session) -> Callable[..., Any]:
    name = session.get_bind().dialect.name
    try:
        return _DIALECT_INSERTS[name]
    except KeyError:
        raise NotImplementedError(
            f"no upsert for database dialect {name!r} (use SQLite or PostgreSQL)"
        ) from None


def upsert_articles(
    session: Session,
    articles: Sequence[Article],
    *,
    fetched_at: datetime | None = None,
    stored_at: datetime | None = None,
) -> UpsertStats:
    """Store cleaned articles; storing the same article again never creates a second row.

    An article is keyed by canonical URL (page URL when there is none). Same content hash and extractor
    version: only ``last_seen_at`` moves forward. Changed text or title: the row is updated and the old
    text is kept in ``article_versions``. Same text from another extractor version, or read from the page
    where the feed's was stored: metadata refreshed, no version kept. A feed item's text
    (``body_source="feed"``) never replaces a page's: only ``last_seen_at`` moves. A URL repeated in one
    batch is applied in batch order. Translations are linked.

    Args:
        session: the caller's session; not committed here.
        articles: cleaned articles; each needs ``url`` and ``site``.
        fetched_at: when the batch was fetched, for articles without their own ``fetched_at``; also the
            ``updated_at`` / ``replaced_at`` stamp (default: now, UTC).
        stored_at: when kznews stores the batch, the ``first_seen_at`` of the rows it inserts (a crawl
            passes its clock, so a replayed old archive is first seen now). Default: each article's fetch
            time, for history loaded after the fact (generated test data, benchmarks).

    Returns:
        Counts of inserted, updated and unchanged articles (they sum to ``len(articles)``).
    """
    if not articles:
        return UpsertStats()
    now = fetched_at or datetime.now(UTC)
    insert_fn = _dialect_insert(session)
    site_ids = _site_ids(session, insert_fn, {_site_name(a) for a in articles}, now)
    rows = [
        article_values(a, site_id=site_ids[_site_name(a)], seen_at=now, stored_at=stored_at) for a in articles
    ]
    stats = UpsertStats()
    # The k-th occurrence of every URL goes in round k, so a statement never touches one row twice.
    rounds: list[list[dict[str, Any]]] = []
    occurrences: dict[str, int] = defaultdict(int)
    for row in rows:
        k = occurrences[row["canonical_url"]]
        occurrences[row["canonical_url"]] += 1
        if k == len(rounds):
            rounds.append([])
        rounds[k].append(row)
    for batch in rounds:
        stats += _upsert_round(session, insert_fn, batch, now)
    links: dict[str, list[Translation]] = defaultdict(list)
    for article in articles:
        links[article_key(article)].extend(article.translations)
    store_translations(session, links)
    return stats


def _site_name(article: Article) -> str:
    if not article.site:
        raise ValueError(f"article without site cannot be stored: {article.url}")
    return strip_nul(article.site)


def _upsert_round(
    session: Session, insert_fn: Callable[..., Any], rows: list[dict[str, Any]], now: datetime
) -> UpsertStats:
    stored = _stored(session, [row["canonical_url"] for row in rows])
    writes: list[dict[str, Any]] = []
    replaced: list[int] = []
    touched: list[dict[str, Any]] = []
    for row in rows:
        old = stored.get(row["canonical_url"])
        if old is None:
            writes.append({**row, "version": 1})
        elif row["body_source"] == "feed" and old.body_source == "page":  # never over a page's text
            touched.append({"_id": old.id, "_seen": row["last_seen_at"]})
        elif old.content_hash != row["content_hash"]:
            replaced.append(old.id)
            writes.append({**row, "version": old.version + 1})
        elif (old.extractor_version, old.body_source) != (row["extractor_version"], row["body_source"]):
            writes.append({**row, "version": old.version})
        else:
            touched.append({"_id": old.id, "_seen": row["last_seen_at"]})
    _archive_versions(session, replaced, now)
    _write_articles(session, insert_fn, writes)
    _touch_articles(session, touched)
    inserted = sum(1 for row in rows if row["canonical_url"] not in stored)
    return UpsertStats(inserted=inserted, updated=len(writes) - inserted, unchanged=len(touched))


def _stored(session: Session, keys: Sequence[str]) -> dict[str, _Stored]:
    a = _ARTICLES.c
    found: dict[str, _Stored] = {}
    for chunk in _chunks(list(dict.fromkeys(keys)), MAX_BIND_PARAMS):
        query = select(
            a.canonical_url, a.id, a.content_hash, a.version, a.extractor_version, a.body_source
        ).where(a.canonical_url.in_(chunk))
        for key, *rest in session.execute(query):
            found[key] = _Stored(*rest)
    return found


def _archive_versions(session: Session, article_ids: Sequence[int], now: datetime) -> None:
    """Copy the current text of these articles into article_versions, inside the database."""
    a = _ARTICLES.c
    for chunk in _chunks(article_ids, MAX_BIND_PARAMS):
        current = select(
            a.id, a.version, *(a[name] for name in _ARCHIVED_COLUMNS), literal(now, UTCDateTime())
        ).where(a.id.in_(chunk))
        target = ["article_id", "version", *_ARCHIVED_COLUMNS, "replaced_at"]
        session.execute(insert(_VERSIONS).from_select(target, current))


def _write_articles(session: Session, insert_fn: Callable[..., Any], rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    stmt = insert_fn(_ARTICLES)
    # onupdate would not fire in ON CONFLICT: every changed column, updated_at included, is listed here.
    changed = {name: stmt.excluded[name] for name in rows[0] if name not in INSERT_ONLY_COLUMNS}
    stmt = stmt.on_conflict_do_update(index_elements=[_ARTICLES.c.canonical_url], set_=changed)
    # One compiled statement run as executemany (SQLAlchemy packs it into multi-row VALUES pages on
    # PostgreSQL); compiling a 1,000-row .values() list instead cost ~1.3 ms per row.
    for chunk in _chunks(rows, MAX_BIND_PARAMS // len(rows[0])):
        session.execute(stmt, list(chunk))


def _touch_articles(session: Session, touched: list[dict[str, Any]]) -> None:
    if not touched:
        return
    a = _ARTICLES.c
    # A replayed old archive must not move last_seen_at backwards.
    stmt = (
        update(_ARTICLES)
        .where(a.id == bindparam("_id"), a.last_seen_at < bindparam("_seen", type_=UTCDateTime()))
        .values(last_seen_at=bindparam("_seen", type_=UTCDateTime()))
    )
    session.execute(stmt, touched)


def get_or_create_site(session: Session, name: str, *, now: datetime | None = None) -> Site:
    """The site row called ``name``, inserted if missing (safe against a concurrent insert)."""
    site_id = _site_ids(session, _dialect_insert(session), {name}, now or datetime.now(UTC))[name]
    site = session.get(Site, site_id)
    assert site is not None  # just inserted or found in this transaction
    return site


def _site_ids(
    session: Session, insert_fn: Callable[..., Any], names: set[str], now: datetime
) -> dict[str, int]:
    query = select(_SITES.c.name, _SITES.c.id).where(_SITES.c.name.in_(sorted(names)))
    ids: dict[str, int] = {name: id_ for name, id_ in session.execute(query)}
    missing = sorted(names - ids.keys())
    if missing:
        rows = [{"name": name, "created_at": now} for name in missing]
        session.execute(insert_fn(_SITES).values(rows).on_conflict_do_nothing(index_elements=["name"]))
        ids.update((name, id_) for name, id_ in session.execute(query))
    return ids


def store_translations(session: Session, links: Mapping[str, Iterable[Translation]]) -> int:
    """Link stored articles to their other editions; links already stored or pointing to self are skipped.

    Args:
        links: article key (canonical URL, else URL) -> translations; unknown articles are skipped.

    Returns:
        How many new links were stored.
    """
    pairs = {(key, strip_nul(t.url)): strip_nul(t.lang) for key, ts in links.items() for t in ts if t.url}
    if not pairs:
        return 0
    stored = _stored(session, sorted({key for key, _ in pairs}))
    rows = [
        {"article_id": stored[key].id, "lang": lang, "url": url}
        for (key, url), lang in pairs.items()
        if key in stored and url != key
    ]
    insert_fn = _dialect_insert(session)
    added = 0
    for chunk in _chunks(rows, MAX_BIND_PARAMS // 3):
        stmt = insert_fn(_TRANSLATIONS).values(list(chunk))
        stmt = stmt.on_conflict_do_nothing(index_elements=["article_id", "url"]).returning(_TRANSLATIONS.c.id)
        added += len(session.execute(stmt).all())  # rowcount is -1 for this statement on psycopg
    return added


def iter_articles(
    session: Session,
    *,
    site: str | None = None,
    lang: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    batch: int = 1000,
) -> Iterator[ArticleRecord]:
    """Stream stored articles in id order, ``batch`` rows per fetch, with ``site`` loaded.

    Args:
        site: only this site's articles.
        lang: only this language ("kk", "ru", "en").
        since: only articles published at or after this aware datetime.
        until: only articles published before this aware datetime.
        batch: rows fetched per round trip (server-side cursor on PostgreSQL).
    """
    query = (
        select(ArticleRecord)
        .join(ArticleRecord.site)
        .options(contains_eager(ArticleRecord.site))
        .order_by(ArticleRecord.id)
        .execution_options(yield_per=batch)
    )
    if site is not None:
        query = query.where(Site.name == site)
    if lang is not None:
        query = query.where(ArticleRecord.lang == lang)
    if since is not None:
        query = query.where(ArticleRecord.published_at >= since)
    if until is not None:
        query = query.where(ArticleRecord.published_at < until)
    yield from session.scalars(query)
