"""Per-site, per-day health figures aggregated in SQL from stored articles and crawl runs (SQLite, PG).

Days are calendar days at a fixed UTC offset (the caller's report time zone). Articles count on the day they
were first seen (what the harvest brought in that day, dated or not); runs on the day they started.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Date, Integer, Select, case, cast, func, literal_column, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from db.models import ArticleRecord, CrawlRun, Site


@dataclass(frozen=True, slots=True)
class ArticleDay:
    """Articles of one site first seen on one day."""

    site: str
    day: date
    articles: int
    short_bodies: int  # word_count below the caller's threshold
    no_date: int  # published_at missing
    no_lang: int  # language undetermined
    median_words: float


@dataclass(frozen=True, slots=True)
class RunDay:
    """Crawl runs of one site started on one day, their counters summed."""

    site: str
    day: date
    runs: int
    finished: int
    failed: int
    stored: int
    seen: int  # stored + updated + unchanged: article pages that made it through cleaning
    rejected: int  # cleaner drops for the caller's reasons (e.g. too_short, empty_body)
    blocked: int  # challenge pages (finish_run counts the spider's and the cleaner's)
    http_errors: int  # responses >= 400 (and downloads without an answer)


def day_bucket(column: ColumnElement[datetime], dialect: str, offset_minutes: int = 0) -> ColumnElement[date]:
    """The calendar day of a UTC timestamp column at a fixed UTC offset, in SQL.

    SQLite stores naive UTC text, read by ``date(col, '+300 minutes')`` as 'YYYY-MM-DD'; PostgreSQL shifts the
    timestamptz to UTC wall time (independent of the session TimeZone) and casts to date.
    """
    minutes = int(offset_minutes)
    if dialect == "sqlite":
        return func.date(column, f"{minutes:+d} minutes")
    if dialect == "postgresql":
        shifted = func.timezone("UTC", column) + literal_column(f"interval '{minutes:d} minutes'")
        return cast(shifted, Date)
    raise NotImplementedError(f"no day bucketing for database dialect {dialect!r} (use SQLite or PostgreSQL)")


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _only_sites(query: Select, sites: Sequence[str] | None) -> Select:
    return query if sites is None else query.where(Site.name.in_(list(sites)))


def site_names(session: Session) -> list[str]:
    """Every site in the database, by name."""
    return list(session.scalars(select(Site.name).order_by(Site.name)))


def article_days(
    session: Session,
    since: datetime,
    until: datetime,
    *,
    short_words: int,
    offset_minutes: int = 0,
    sites: Sequence[str] | None = None,
) -> list[ArticleDay]:
    """Per site and day, articles first seen in [since, until): counts, flagged shares, median word count.

    One scan: the median comes from window functions (row_number / count per site-day), portable to both
    backends, so no word counts or texts leave the database.

    Args:
        short_words: bodies with fewer words count as short.
        offset_minutes: UTC offset of the calendar days.
        sites: only these site names (default all).
    """
    a = ArticleRecord
    bucketed = _only_sites(
        select(
            Site.name.label("site"),
            day_bucket(a.first_seen_at, _dialect(session), offset_minutes).label("day"),
            a.word_count,
            case((a.word_count < short_words, 1), else_=0).label("short"),
            case((a.published_at.is_(None), 1), else_=0).label("no_date"),
            case((func.coalesce(a.lang, "") == "", 1), else_=0).label("no_lang"),
        )
        .join(Site, Site.id == a.site_id)
        .where(a.first_seen_at >= since, a.first_seen_at < until),
        sites,
    ).subquery()
    window = {"partition_by": (bucketed.c.site, bucketed.c.day)}
    ranked = select(
        bucketed,
        func.row_number().over(order_by=bucketed.c.word_count, **window).label("rn"),
        func.count().over(**window).label("n"),
    ).subquery()
    r = ranked.c
    middle = r.rn.in_(((r.n + 1) // 2, (r.n + 2) // 2))  # the middle row, or the middle two
    query = (
        select(
            r.site,
            r.day,
            func.count(),
            func.sum(r.short),
            func.sum(r.no_date),
            func.sum(r.no_lang),
            func.avg(case((middle, r.word_count))),
        )
        .group_by(r.site, r.day)
        .order_by(r.site, r.day)
    )
    return [
        ArticleDay(site, _as_date(day), int(n), int(short), int(no_date), int(no_lang), float(median))
        for site, day, n, short, no_date, no_lang, median in session.execute(query)
    ]


def run_days(
    session: Session,
    since: datetime,
    until: datetime,
    *,
    rejected_reasons: Sequence[str] = (),
    offset_minutes: int = 0,
    sites: Sequence[str] | None = None,
) -> list[RunDay]:
    """Per site and day, crawl runs started in [since, until) with their counters summed.

    Args:
        rejected_reasons: drop reasons (keys of crawl_runs.dropped) summed into ``rejected``.
        offset_minutes: UTC offset of the calendar days.
        sites: only these site names (default all).
    """
    c = CrawlRun

    # JSON_EXTRACT on SQLite, ->> on PostgreSQL
    dropped = (func.coalesce(c.dropped[reason].as_integer(), 0) for reason in rejected_reasons)
    rejected = sum(dropped, start=cast(0, Integer))
    bucketed = _only_sites(
        select(
            Site.name.label("site"),
            day_bucket(c.started_at, _dialect(session), offset_minutes).label("day"),
            case((c.status == "finished", 1), else_=0).label("finished"),
            case((c.status == "failed", 1), else_=0).label("failed"),
            c.stored,
            (c.stored + c.updated + c.unchanged).label("seen"),
            rejected.label("rejected"),
            c.blocked,
            c.http_errors,
        )
        .join(Site, Site.id == c.site_id)
        .where(c.started_at >= since, c.started_at < until),
        sites,
    ).subquery()
    b = bucketed.c
    sums = (b.finished, b.failed, b.stored, b.seen, b.rejected, b.blocked, b.http_errors)
    query = (
        select(b.site, b.day, func.count(), *(func.sum(column) for column in sums))
        .group_by(b.site, b.day)
        .order_by(b.site, b.day)
    )
    return [
        RunDay(site, _as_date(day), *(int(value) for value in values))
        for site, day, *values in session.execute(query)
    ]


def run_stat_totals(
    session: Session, site: str, since: datetime, until: datetime, keys: Sequence[str]
) -> dict[str, int]:
    """Per stat key, its sum over the stored stats of the site's runs started in [since, until).

    Summed here rather than in SQL: a window holds a few dozen runs, and the keys name the site.
    """
    query = (
        select(CrawlRun.stats)
        .join(Site, Site.id == CrawlRun.site_id)
        .where(Site.name == site, CrawlRun.started_at >= since, CrawlRun.started_at < until)
    )
    totals = dict.fromkeys(keys, 0)
    for stats in session.scalars(query):
        for key in keys:
            value = (stats or {}).get(key, 0)
            totals[key] += int(value) if isinstance(value, int | float) else 0
    return totals


def last_successes(
    session: Session, *, before: datetime | None = None, sites: Sequence[str] | None = None
) -> dict[str, datetime]:
    """Per site, when its latest run that ended as "finished" finished (sites without one are absent).

    Args:
        before: only runs finished before this time (a report replayed for a past day).
        sites: only these site names (default all).
    """
    return _last_ended(session, ("finished",), before, sites)


def last_run_ends(
    session: Session, *, before: datetime | None = None, sites: Sequence[str] | None = None
) -> dict[str, datetime]:
    """Per site, when its latest run ended, finished or failed (sites whose runs all still run are absent).

    Args:
        before: only runs ended before this time.
        sites: only these site names (default all).
    """
    return _last_ended(session, ("finished", "failed"), before, sites)


def _last_ended(
    session: Session, statuses: Sequence[str], before: datetime | None, sites: Sequence[str] | None
) -> dict[str, datetime]:
    query = select(Site.name, func.max(CrawlRun.finished_at)).join(Site, Site.id == CrawlRun.site_id)
    query = query.where(CrawlRun.status.in_(list(statuses))).group_by(Site.name)
    if before is not None:
        query = query.where(CrawlRun.finished_at < before)
    query = _only_sites(query, sites)
    return {name: finished for name, finished in session.execute(query) if finished is not None}


def newest_first_seen(
    session: Session, *, before: datetime, sites: Sequence[str] | None = None
) -> dict[str, datetime]:
    """Per site, when its newest article first seen before ``before`` was (sites without one are absent)."""
    a = ArticleRecord
    query = select(Site.name, func.max(a.first_seen_at)).join(Site, Site.id == a.site_id)
    query = _only_sites(query.where(a.first_seen_at < before).group_by(Site.name), sites)
    return {name: seen for name, seen in session.execute(query) if seen is not None}


def newest_activity(
    session: Session, *, before: datetime, sites: Sequence[str] | None = None
) -> datetime | None:
    """The newest article first seen or crawl run started before ``before`` (None: nothing on record)."""
    runs = _only_sites(
        select(func.max(CrawlRun.started_at))
        .join(Site, Site.id == CrawlRun.site_id)
        .where(CrawlRun.started_at < before),
        sites,
    )
    found = [session.scalar(runs), *newest_first_seen(session, before=before, sites=sites).values()]
    return max((when for when in found if when is not None), default=None)


def iter_texts(
    session: Session,
    site: str,
    since: datetime,
    until: datetime,
    *,
    limit: int | None = None,
    batch: int = 500,
) -> Iterator[str]:
    """Stream the texts of one site's articles first seen in [since, until), newest first.

    Args:
        limit: at most this many texts (a bounded sample of a long period).
        batch: rows per fetch (server-side cursor on PostgreSQL).
    """
    a = ArticleRecord
    query = (
        select(a.text)
        .join(Site, Site.id == a.site_id)
        .where(Site.name == site, a.first_seen_at >= since, a.first_seen_at < until)
        .order_by(a.id.desc())
        .limit(limit)
        .execution_options(yield_per=batch)
    )
    yield from session.scalars(query)
