"""Streams the stored articles a filter selects into an export writer, in constant memory."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import Select, Table, select
from sqlalchemy.orm import Session

from db.engine import database_missing, sqlite_file
from db.exportformats import EXPORT_COLUMNS, TRANSLATIONS, ExportError, Writer, open_writer
from db.migrate import open_database
from db.models import ArticleRecord, Site, TranslationLink

log = logging.getLogger(__name__)

# Rows per database round trip, and per writer call: a few MB of text in memory at a time.
FETCH_BATCH = 1000
PROGRESS_EVERY = 100_000
# Widest UTC offsets in use (-12:00 .. +14:00): the SQL window is widened by them, the exact local-day
# check runs on each row.
_OFFSET_SLACK = timedelta(hours=14)
_ARTICLES: Table = ArticleRecord.__table__  # type: ignore[assignment]
_SITES: Table = Site.__table__  # type: ignore[assignment]
_TRANSLATIONS: Table = TranslationLink.__table__  # type: ignore[assignment]


def export_query(
    *,
    sites: Sequence[str] = (),
    langs: Sequence[str] = (),
    since: date | None = None,
    until: date | None = None,
    batch: int = FETCH_BATCH,
) -> Select[Any]:
    """The streaming SELECT behind an export: the export columns in order, id order, ``batch`` rows a fetch.

    The day window is widened by the largest UTC offset; :func:`iter_records` applies it exactly.
    """
    a = _ARTICLES.c
    columns = [
        column if column.key == name else column.label(name) for name, column in EXPORT_COLUMNS.items()
    ]
    query = (
        select(*columns)
        .join(_SITES, _SITES.c.id == a.site_id)
        .order_by(a.id)
        .execution_options(yield_per=batch, stream_results=True)
    )
    if sites:
        query = query.where(_SITES.c.name.in_(sorted(set(sites))))
    if langs:
        query = query.where(a.lang.in_(sorted(set(langs))))
    if since is not None:
        query = query.where(a.published_at >= datetime.combine(since, time(), UTC) - _OFFSET_SLACK)
    if until is not None:
        end = datetime.combine(until + timedelta(days=1), time(), UTC) + _OFFSET_SLACK
        query = query.where(a.published_at < end)
    return query


def iter_records(
    session: Session,
    *,
    sites: Sequence[str] = (),
    langs: Sequence[str] = (),
    since: date | None = None,
    until: date | None = None,
    batch: int = FETCH_BATCH,
) -> Iterator[list[dict[str, Any]]]:
    """Yield export records (dicts keyed by :data:`db.exportformats.FIELDS`) in batches of at most ``batch``.

    Translations are read with one query per batch. Datetimes are aware; ``published_at`` is local.

    Args:
        session: where to read.
        sites: only these sites (by name); all when empty.
        langs: only these languages; all when empty.
        since: first local publication day, inclusive.
        until: last local publication day, inclusive. Both are compared with the article's LOCAL
            publication day, as the crawler's ``-a since/until`` are; undated articles are left out when
            either is given.
        batch: rows per fetch and per yielded list.
    """
    query = export_query(sites=sites, langs=langs, since=since, until=until, batch=batch)
    for rows in session.execute(query).partitions():
        links = _translations(session, [row.id for row in rows])
        records = []
        for row in rows:
            record = row._asdict()
            record["published_at"] = _local(record["published_at"], record["published_offset_minutes"])
            if (since or until) and not _in_days(record["published_at"], since, until):
                continue
            record[TRANSLATIONS] = links.get(row.id, [])
            records.append(record)
        if records:
            yield records


def export_articles(session: Session, writer: Writer, **filters: Any) -> int:
    """Stream the articles selected by ``filters`` (see :func:`iter_records`) into ``writer``.

    Returns:
        How many articles were written; ``writer`` is not closed here.
    """
    total = 0
    for records in iter_records(session, **filters):
        writer.write(records)
        before, total = total, total + len(records)
        if total // PROGRESS_EVERY > before // PROGRESS_EVERY:
            log.info("exported %d articles", total)
    return total


def export_database(url: str, output: str, fmt: str, **filters: Any) -> int:
    """Export the articles of the database at ``url`` selected by ``filters`` to ``output`` as ``fmt``.

    Args:
        url: SQLAlchemy URL of the corpus; a SQLite file must exist (an export never creates one).
        output: file name, or "-" for stdout (see :func:`db.exportformats.open_writer`).
        fmt: one of :data:`db.exportformats.FORMATS`.
        **filters: see :func:`iter_records`.

    Returns:
        How many articles were written.

    Raises:
        ExportError: the export cannot run as asked (missing database, bad output, missing extra).
    """
    if database_missing(url):
        raise ExportError(f"no database at {sqlite_file(url)}")
    factory = open_database(url)
    try:
        with open_writer(fmt, output) as writer, factory() as session:
            return export_articles(session, writer, **filters)
    finally:
        factory.kw["bind"].dispose()


def _translations(session: Session, ids: list[int]) -> dict[int, list[dict[str, str]]]:
    t = _TRANSLATIONS.c
    query = select(t.article_id, t.lang, t.url).where(t.article_id.in_(ids)).order_by(t.article_id, t.id)
    links: dict[int, list[dict[str, str]]] = defaultdict(list)
    for article_id, lang, url in session.execute(query):
        links[article_id].append({"lang": lang, "url": url})
    return links


_ZONES: dict[int, timezone] = {}


def _local(value: datetime | None, offset: int | None) -> datetime | None:
    if value is None or offset is None:
        return value
    zone = _ZONES.get(offset)
    if zone is None:
        zone = _ZONES[offset] = timezone(timedelta(minutes=offset))
    return value.astimezone(zone)


def _in_days(value: datetime | None, since: date | None, until: date | None) -> bool:
    if value is None:
        return False
    day = value.date()
    return (since is None or day >= since) and (until is None or day <= until)
