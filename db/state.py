"""Per-site harvest state for incremental crawls: which candidate URLs are stored, aliases, the last good run.

Every function takes a Session first and never commits: the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, case, func, literal_column, select, type_coerce, union_all
from sqlalchemy.orm import Session

from db.models import ArticleRecord, Site, SiteState, UrlAlias, UTCDateTime
from db.repository import MAX_BIND_PARAMS, _chunks, _dialect_insert, _site_ids

_ARTICLES: Table = ArticleRecord.__table__  # type: ignore[assignment]
_ALIASES: Table = UrlAlias.__table__  # type: ignore[assignment]
_STATE: Table = SiteState.__table__  # type: ignore[assignment]
_SITES: Table = Site.__table__  # type: ignore[assignment]

# stored_urls binds every candidate three times (canonical URL, page URL, alias) in one statement.
LOOKUP_CHUNK = MAX_BIND_PARAMS // 3


@dataclass(frozen=True, slots=True)
class StoredUrl:
    """A candidate URL found stored: when its article was last fetched or seen; title and text if short;
    whether its text is its feed item's (stored while the page was blocked or unreachable)."""

    seen_at: datetime
    title: str | None = None
    text: str | None = None  # only for an article of at most ``short_words`` words (see stored_urls)
    from_feed: bool = False


@dataclass(frozen=True, slots=True)
class SiteStateView:
    """A site's harvest state as read from ``site_state``."""

    site: str
    last_success_at: datetime | None
    last_run_id: int | None
    newest_published_at: datetime | None
    newest_url: str | None


def stored_fetch_times(session: Session, urls: Iterable[str]) -> dict[str, datetime]:
    """Those of ``urls`` already stored, with the last time the article was fetched or seen.

    A URL counts as stored when it is an article's canonical URL, its page URL, or a recorded alias
    (:func:`store_aliases`). One statement per :data:`LOOKUP_CHUNK` URLs, each side served by an index.

    Returns:
        URL -> the later of the article's ``fetched_at`` and ``last_seen_at`` (aware UTC).
    """
    return {url: stored.seen_at for url, stored in stored_urls(session, urls).items()}


def stored_urls(session: Session, urls: Iterable[str], *, short_words: int = 0) -> dict[str, StoredUrl]:
    """:func:`stored_fetch_times`, plus the title and text of short articles, in the same statements.

    Args:
        urls: candidate URLs (canonical, page or alias URLs).
        short_words: articles of at most this many words come with their title and text, so the caller can
            judge them (a challenge page stored as an article); longer ones are never read. 0: none.

    Returns:
        URL -> when its article was last fetched or seen (the latest, when the URL names two articles), and
        whether its text came from the feed.
    """
    a = _ARTICLES.c
    # SQLite's two-argument max() is the scalar one; both sides are UTC in one text format there.
    later = func.max if session.get_bind().dialect.name == "sqlite" else func.greatest
    when = type_coerce(later(a.fetched_at, a.last_seen_at), UTCDateTime())
    short = a.word_count <= literal_column(str(int(short_words)))  # a literal: the chunk keeps every bind
    from_feed = (a.body_source == literal_column("'feed'")).label("from_feed")  # a literal, as above
    read = (
        when.label("seen"),
        case((short, a.title)).label("title"),
        case((short, a.text)).label("text"),
        from_feed,
    )
    found: dict[str, StoredUrl] = {}
    for chunk in _chunks(list(dict.fromkeys(urls)), LOOKUP_CHUNK):
        by_canonical = select(a.canonical_url.label("key"), *read).where(a.canonical_url.in_(chunk))
        by_url = select(a.url.label("key"), *read).where(a.url.in_(chunk))
        by_alias = (
            select(_ALIASES.c.url.label("key"), *read)
            .join(_ARTICLES, a.id == _ALIASES.c.article_id)
            .where(_ALIASES.c.url.in_(chunk))
        )
        for key, seen, title, text, feed in session.execute(union_all(by_canonical, by_url, by_alias)):
            if key not in found or seen > found[key].seen_at:
                found[key] = StoredUrl(seen, title, text, bool(feed))
    return found


def store_aliases(session: Session, aliases: Mapping[str, str], *, now: datetime) -> int:
    """Record ``alias -> target`` pairs (a URL that redirected to a stored article's page URL).

    Pairs whose target is not stored, or whose alias is itself an article URL, are skipped; an alias
    recorded before keeps its article.

    Returns:
        How many aliases were added.
    """
    if not aliases:
        return 0
    a = _ARTICLES.c
    targets = sorted(set(aliases.values()))
    ids: dict[str, int] = {}
    for chunk in _chunks(targets, MAX_BIND_PARAMS // 2):
        for url, canonical, id_ in session.execute(
            select(a.url, a.canonical_url, a.id).where(a.url.in_(chunk) | a.canonical_url.in_(chunk))
        ):
            ids.setdefault(url, id_)
            ids.setdefault(canonical, id_)
    rows = [
        {"url": alias, "article_id": ids[target], "created_at": now}
        for alias, target in sorted(aliases.items())
        if target in ids and alias not in ids and alias != target
    ]
    if not rows:
        return 0
    already = set(stored_fetch_times(session, [row["url"] for row in rows]))
    rows = [row for row in rows if row["url"] not in already]
    insert_fn = _dialect_insert(session)
    for chunk in _chunks(rows, MAX_BIND_PARAMS // 3):
        session.execute(
            insert_fn(_ALIASES).values(list(chunk)).on_conflict_do_nothing(index_elements=["url"])
        )
    return len(rows)


def record_success(
    session: Session, site: str, *, finished_at: datetime, run_id: int | None = None
) -> SiteStateView:
    """Update a site's state after a successful run: when, which run, its newest stored article.

    Args:
        site: profile name; the ``sites`` row is created if missing.
        finished_at: when the run ended (aware).
        run_id: the run's ``crawl_runs`` id, if it was recorded.
    """
    site_id = _site_ids(session, _dialect_insert(session), {site}, finished_at)[site]
    a = _ARTICLES.c
    newest = session.execute(
        select(a.published_at, a.canonical_url)
        .where(a.site_id == site_id, a.published_at.is_not(None))
        .order_by(a.published_at.desc(), a.id.desc())
        .limit(1)
    ).first()
    values = {
        "last_success_at": finished_at,
        "last_run_id": run_id,
        "newest_published_at": newest[0] if newest else None,
        "newest_url": newest[1] if newest else None,
        "updated_at": finished_at,
    }
    stmt = _dialect_insert(session)(_STATE).values(site_id=site_id, **values)
    session.execute(stmt.on_conflict_do_update(index_elements=["site_id"], set_=values))
    return SiteStateView(site, finished_at, run_id, values["newest_published_at"], values["newest_url"])


def site_state(session: Session, site: str) -> SiteStateView | None:
    """The stored state of ``site`` (None before its first successful run)."""
    s = _STATE.c
    row = session.execute(
        select(s.last_success_at, s.last_run_id, s.newest_published_at, s.newest_url)
        .join(_SITES, _SITES.c.id == s.site_id)
        .where(_SITES.c.name == site)
    ).first()
    if row is None:
        return None
    return SiteStateView(site, *row)
