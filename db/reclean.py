"""Re-cleaned articles back into the corpus: page through the stored WARC pointers, diff, and store.

``kznews reprocess`` reads the pointers here, cleans the archived pages again (crawler/reprocess.py) and
hands the results back to :func:`store_recleaned`, which compares each with its row as it is now and
stores what changed through ``upsert_articles`` (a changed text keeps its old one as a version).
Every function takes a Session first and never commits: the caller owns the transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from db.convert import article_key, article_values
from db.models import ArticleRecord, Site, UTCDateTime
from db.repository import upsert_articles
from pipelines.article import Article

log = logging.getLogger(__name__)

COMPARED_METADATA = (
    "lead",
    "author",
    "tags",
    "section",
    "dateline",
    "source_credit",
    "published_at",
    "modified_at",
    "date_source",
    "lang",
    "script",
    "region",
)
"""Columns compared on an unchanged text to notice metadata the upsert will not refresh (same version)."""


class StoredPointer(NamedTuple):
    """Where a stored article's page was archived: what re-cleaning needs to read it back."""

    id: int
    url: str
    canonical_url: str
    site: str
    edition: str | None
    warc_file: str | None
    warc_offset: int | None
    fetched_at: datetime


@dataclass(slots=True)
class RecleanCounts:
    """What :func:`store_recleaned` did with one batch."""

    updated: int = 0  # text or title changed: the old one is kept in article_versions
    metadata_refreshed: int = 0  # same text, other EXTRACTOR_VERSION: metadata rewritten, no version
    unchanged: int = 0
    superseded: int = 0  # re-crawled or deleted between reading and writing: the newer row stands
    metadata_stale: int = 0  # unchanged text whose metadata now differs, not written (same version)
    rekeyed: int = 0  # the page now gives another canonical URL; stored under the old key all the same


def next_pointers(
    session: Session, after_id: int, sites: Sequence[str], since: datetime | None, limit: int
) -> list[StoredPointer]:
    """The next ``limit`` articles after ``after_id`` (keyset paging: no cursor held across batches).

    Args:
        sites: only these sites' articles (empty: all).
        since: only articles whose stored page was fetched at or after this aware datetime.
    """
    a = ArticleRecord
    query = (
        select(a.id, a.url, a.canonical_url, Site.name, a.edition, a.warc_file, a.warc_offset, a.fetched_at)
        .join(Site, a.site_id == Site.id)
        .where(a.id > after_id)
        .order_by(a.id)
        .limit(limit)
    )
    if sites:
        query = query.where(Site.name.in_(sites))
    if since is not None:
        query = query.where(a.fetched_at >= since)
    return [StoredPointer(*row) for row in session.execute(query)]


def store_recleaned(
    session: Session, cleaned: Sequence[tuple[StoredPointer, Article]], stamp: datetime
) -> RecleanCounts:
    """Classify each article against its row as it is now, upsert them, keep ``last_seen_at`` moving up.

    Args:
        cleaned: each pointer read with :func:`next_pointers` and the article its page cleans into now.
        stamp: the ``updated_at`` / ``replaced_at`` stamp of this run.
    """
    table = ArticleRecord.__table__
    columns = ["id", "warc_file", "warc_offset", "content_hash", "extractor_version", "last_seen_at"]
    query = select(*(table.c[name] for name in (*columns, *COMPARED_METADATA)))
    rows = {row.id: row for row in session.execute(query.where(table.c.id.in_([p.id for p, _ in cleaned])))}
    counts = RecleanCounts()
    articles: list[Article] = []
    keep_seen: list[dict[str, Any]] = []
    for pointer, article in cleaned:
        row = rows.get(pointer.id)
        if row is None or (row.warc_file, row.warc_offset) != (pointer.warc_file, pointer.warc_offset):
            counts.superseded += 1
            continue
        if article_key(article) != pointer.canonical_url:
            log.info(
                "%s now gives canonical %s; kept under the stored one", pointer.url, pointer.canonical_url
            )
            article = replace(article, canonical_url=pointer.canonical_url)
            counts.rekeyed += 1
        new = article_values(article, site_id=0, seen_at=stamp)
        if new["content_hash"] != row.content_hash:
            counts.updated += 1
        elif new["extractor_version"] != row.extractor_version:
            counts.metadata_refreshed += 1
        else:
            counts.unchanged += 1
            counts.metadata_stale += int(any(new[name] != getattr(row, name) for name in COMPARED_METADATA))
            articles.append(article)  # only stores translation links the current rules newly find
            continue
        if row.last_seen_at > new["last_seen_at"]:  # a rewrite sets it to the archived fetch time
            keep_seen.append({"_id": pointer.id, "_seen": row.last_seen_at})
        articles.append(article)
    result = upsert_articles(session, articles, fetched_at=stamp)
    if result.inserted:  # cannot happen: every article is keyed by a row read in this transaction
        raise RuntimeError(f"reprocess inserted {result.inserted} article(s) instead of updating")
    if keep_seen:
        stmt = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values(last_seen_at=bindparam("_seen", type_=UTCDateTime()))
        )
        session.execute(stmt, keep_seen)
    return counts
