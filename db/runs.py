"""Crawl run records (table ``crawl_runs``): open, find the ones still running, close; store what is given.

Every function takes a Session first and never commits: the caller owns the transaction. What a run's
Scrapy stats mean (its outcome, its counters) is decided by ``pipelines.runstats``, never here. The stored,
updated and unchanged counts grow with every committed batch (:func:`add_run_counts`, in the batch's own
transaction): a run killed before it could close still shows what it stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from db.convert import jsonable
from db.models import RUN_STATUSES, CrawlRun, Site
from db.repository import _dialect_insert, _site_ids

log = logging.getLogger(__name__)

_RUNS: Table = CrawlRun.__table__  # type: ignore[assignment]

BATCH_COUNTED = ("stored", "updated", "unchanged")
"""The counter columns :func:`add_run_counts` keeps: a crawl store closing its run leaves them out."""


def start_run(
    session: Session,
    site: str,
    spider: str,
    *,
    started_at: datetime | None = None,
    owner: Mapping[str, Any] | None = None,
) -> int:
    """Record a crawl run as running and return its id.

    Args:
        owner: who runs it, e.g. ``{"host": ..., "pid": ...}``; kept in ``stats`` until the run finishes so
            that :func:`fail_stale_runs` can tell a live run from a dead one.
    """
    now = started_at or datetime.now(UTC)
    site_id = _site_ids(session, _dialect_insert(session), {site}, now)[site]
    values = {"site_id": site_id, "spider": spider, "started_at": now, "status": "running"}
    stmt = insert(_RUNS).values(**values, stats=jsonable(dict(owner or {})), dropped={}).returning(_RUNS.c.id)
    return session.execute(stmt).scalar_one()


def running_runs(session: Session, site: str) -> list[CrawlRun]:
    """The runs of ``site`` still marked running, oldest first."""
    query = (
        select(CrawlRun)
        .join(Site, CrawlRun.site_id == Site.id)
        .where(Site.name == site, CrawlRun.status == "running")
        .order_by(CrawlRun.id)
    )
    return list(session.scalars(query))


def fail_stale_runs(
    session: Session,
    site: str,
    *,
    note: Mapping[str, Any],
    now: datetime | None = None,
    alive: Callable[[Mapping[str, Any]], bool] | None = None,
) -> list[int]:
    """Mark the runs of ``site`` left 'running' by a dead process as failed, so the next run starts clean.

    Args:
        note: merged into each such run's stats (why it failed).
        now: their finish time (default now, UTC).
        alive: given a run's stats (its ``owner``), True when its process still runs: that run is kept.
            Without it every running row of the site is taken as stale (one harvester per site at a time).

    Returns:
        The ids of the runs marked failed.
    """
    failed = []
    for run in running_runs(session, site):
        if alive is not None and alive(run.stats or {}):
            continue
        stats = jsonable({**(run.stats or {}), **note})
        values = {"status": "failed", "finished_at": now or datetime.now(UTC), "stats": stats}
        session.execute(update(_RUNS).where(_RUNS.c.id == run.id).values(**values))
        failed.append(run.id)
    if failed:
        log.warning("%s: run(s) %s left running by a dead process, marked failed", site, failed)
    return failed


def add_run_counts(session: Session, run_id: int, *, stored: int, updated: int, unchanged: int) -> bool:
    """Add one committed batch's counts to its run (call it in the batch's transaction).

    Returns:
        False when there is no such run (a journal replayed into a database that lost it).
    """
    c = _RUNS.c
    counts = {
        "stored": c.stored + stored,
        "updated": c.updated + updated,
        "unchanged": c.unchanged + unchanged,
    }
    return session.execute(update(_RUNS).where(c.id == run_id).values(**counts)).rowcount > 0


def finish_run(
    session: Session,
    run_id: int,
    status: str,
    counters: Mapping[str, Any],
    stats: Mapping[str, Any],
    *,
    finished_at: datetime | None = None,
) -> None:
    """Close a crawl run: status, finish time, its counter columns and the full Scrapy stats.

    Args:
        run_id: id from :func:`start_run`.
        status: "finished" or "failed".
        counters: the counter columns to set (stored, updated, unchanged, dropped, http_errors, blocked,
            bytes); those left out keep their value (a crawl store leaves out ``BATCH_COUNTED``).
        stats: the run's Scrapy stats, kept as they are.
        finished_at: default now, UTC.
    """
    if status not in RUN_STATUSES or status == "running":
        raise ValueError(f"a run finishes as 'finished' or 'failed', not {status!r}")
    values = {"status": status, "finished_at": finished_at or datetime.now(UTC), "stats": jsonable(stats)}
    result = session.execute(update(_RUNS).where(_RUNS.c.id == run_id).values(**values, **counters))
    if result.rowcount == 0:
        raise LookupError(f"no crawl run with id {run_id}")
