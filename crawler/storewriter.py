"""How a crawl's store writes, on its database's writer thread: nothing stored is lost when the database goes.

A write that fails for want of a database (connection refused or dropped, server shutting down, SQLite
locked past its busy timeout) is tried again after each of the store's retry delays, then spilled to the
local journal (crawler/journal.py). While the journal holds anything the database is taken as away: each
new write first replays the journal, once, without waiting, and spills at once if that fails; so an outage
costs one round of waits, not one per batch. A batch the database refuses for its data (an integrity or
data error, a string it cannot encode) is stored row by row and only the bad rows are dropped. Each batch
adds its counts to its run's crawl_runs row in its own transaction.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from crawler.journal import DatabaseDown, Journal, RunEnd, Spilled
from pipelines import runstats
from pipelines.article import Article

if TYPE_CHECKING:
    from crawler.store import Database
    from db.repository import UpsertStats

logger = logging.getLogger(__name__)

T = TypeVar("T")

# A write that fails for want of a database is tried again RETRY_TIMES times, after 1, 2, 4 and 8 s: 15 s
# in all cover a server restart or a failover; a longer outage spills to the journal rather than hold the
# crawl's items back. The crawl's settings KZNEWS_STORE_RETRY_* override them.
RETRY_TIMES, RETRY_BACKOFF_BASE, RETRY_BACKOFF_MAX = 4, 1.0, 8.0
JOURNAL_DIR = "data/journal"
BATCH_SIZE = 200  # articles per replayed transaction, as KZNEWS_DB_BATCH_SIZE
# Errors that say "no database right now", not "bad data": the same write is worth trying again later.
OUTAGE_ERRORS = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)
REASON_CHARS = 160  # of an error's first line in the log: its class and cause, never the article's text


@dataclass
class StoreOutcome:
    """What one call did on the writer thread, counted into the crawl's stats on the event loop."""

    results: dict[str, UpsertStats] = field(default_factory=dict)  # this run's articles, by edition
    replayed: int = 0  # journaled articles (of any run) now stored
    spilled: int = 0  # articles journaled
    retries: int = 0  # writes tried again
    rejected: int = 0  # this run's rows the database refused
    lost: int = 0  # articles neither stored nor journaled (the journal could not be written)
    lost_batches: int = 0

    def count(self, stats: Any) -> None:
        """Add it to a crawl's stats (Scrapy's stats collector; None: nowhere)."""
        if stats is None:
            return
        for edition, result in self.results.items():
            stats.inc_value(runstats.STORED, result.inserted)
            stats.inc_value(runstats.stored_in(edition), result.inserted)
            stats.inc_value(runstats.UPDATED, result.updated)
            stats.inc_value(runstats.UNCHANGED, result.unchanged)
        counts = {
            runstats.JOURNAL_REPLAYED: self.replayed,
            runstats.JOURNAL_SPILLED: self.spilled,
            runstats.STORAGE_RETRIES: self.retries,
            runstats.dropped(runstats.STORE_ERROR): self.rejected,
            runstats.STORAGE_ERRORS: self.lost_batches,
            runstats.STORAGE_LOST: self.lost,
        }
        for key, value in counts.items():
            if value:
                stats.inc_value(key, value)


def retry_delays(times: int, base: float, cap: float) -> tuple[float, ...]:
    """The waits before each new try of a write: ``base`` seconds, doubling, at most ``cap`` each."""
    return tuple(min(cap, base * 2**n) for n in range(times))


@dataclass(frozen=True, slots=True)
class WriteOptions:
    """How a crawl's store writes: where the journal is, articles per replayed batch, the retry waits."""

    journal_dir: str = JOURNAL_DIR
    batch_size: int = BATCH_SIZE
    delays: tuple[float, ...] = retry_delays(RETRY_TIMES, RETRY_BACKOFF_BASE, RETRY_BACKOFF_MAX)

    @classmethod
    def from_settings(cls, settings: Any) -> WriteOptions:
        """Read KZNEWS_JOURNAL_DIR, KZNEWS_DB_BATCH_SIZE and KZNEWS_STORE_RETRY_TIMES / _BACKOFF_BASE /
        _BACKOFF_MAX from a crawl's settings, with the defaults above."""
        delays = retry_delays(
            settings.getint("KZNEWS_STORE_RETRY_TIMES", RETRY_TIMES),
            settings.getfloat("KZNEWS_STORE_RETRY_BACKOFF_BASE", RETRY_BACKOFF_BASE),
            settings.getfloat("KZNEWS_STORE_RETRY_BACKOFF_MAX", RETRY_BACKOFF_MAX),
        )
        return cls(
            settings.get("KZNEWS_JOURNAL_DIR") or JOURNAL_DIR,
            settings.getint("KZNEWS_DB_BATCH_SIZE", BATCH_SIZE),
            delays,
        )


def is_outage(exc: BaseException) -> bool:
    """True when ``exc`` means the database is away (try again later), False when it refused the data."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, OUTAGE_ERRORS)


def short_reason(exc: BaseException) -> str:
    """The error class and the first line of its cause (a DBAPI error's, without the SQL and parameters)."""
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    lines = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {lines[0] if lines else ''}"[:REASON_CHARS]


def store_batch(
    session: Session, batch: Sequence[Article], fetched_at: datetime, run_id: int | None
) -> dict[str, UpsertStats]:
    """Upsert a batch edition by edition and add its counts to its run; ``UpsertStats`` by edition."""
    from db.repository import UpsertStats, upsert_articles
    from db.runs import add_run_counts

    by_edition: dict[str, list[Article]] = {}
    for article in batch:
        by_edition.setdefault(article.edition or "unknown", []).append(article)
    results = {
        edition: upsert_articles(session, group, fetched_at=fetched_at, stored_at=fetched_at)
        for edition, group in by_edition.items()
    }
    total = sum(results.values(), UpsertStats())
    if run_id is not None and not add_run_counts(
        session, run_id, stored=total.inserted, updated=total.updated, unchanged=total.unchanged
    ):
        logger.warning("crawl run %d is not in the database: its counts were not added", run_id)
    return results


class StoreWriter:
    """The writes of one crawl's store; every method runs on the database's writer thread.

    Args:
        database: the process's Database (its writer sessions and its journal).
        options: replay batch size and retry waits.
    """

    def __init__(self, database: Database, options: WriteOptions) -> None:
        self.database = database
        self.batch_size = options.batch_size
        self.delays = options.delays
        self.run_id: int | None = None  # this crawl's run, once opened: its results are counted as its own
        self.away = False  # the last write failed for want of a database (logged once per outage)

    @property
    def journal(self) -> Journal:
        """The journal of the process for this database."""
        assert self.database.journal is not None
        return self.database.journal

    def open(self) -> StoreOutcome:
        """Claim the journal files other processes left for this database and replay everything journaled."""
        out = StoreOutcome()
        if self.journal.claim():
            logger.info("replaying journal files left by earlier runs")
        self._replay(out, patient=False)
        return out

    def store(self, batch: Sequence[Article], fetched_at: datetime) -> StoreOutcome:
        """Store a batch of this run, after the journal; what cannot be stored is journaled."""
        out = StoreOutcome()
        spilled = Spilled(self.run_id, fetched_at, tuple(batch))
        if self.journal.pending() and not self._replay(out, patient=False):
            self._spill(out, spilled)  # still away: no waiting again
            return out
        try:
            self._write(out, spilled, patient=True)
        except DatabaseDown as down:
            self._spill(out, Spilled(spilled.run_id, fetched_at, spilled.articles[down.done :]))
        return out

    def close_run(self, end: RunEnd) -> StoreOutcome:
        """Record a run's end, after the journal (patiently: the crawl is over); journaled if it cannot be."""
        out = StoreOutcome()
        if self.journal.pending() and not self._replay(out, patient=True):
            self._spill(out, end)  # after the run's articles: replayed in that order
            return out
        try:
            self._finish(out, end, patient=True)
        except DatabaseDown:
            self._spill(out, end)
        return out

    def _replay(self, out: StoreOutcome, *, patient: bool) -> bool:
        def write(spilled: Spilled) -> None:
            self._write(out, spilled, patient=patient, replaying=True)

        return self.journal.replay(write, lambda e: self._finish(out, e, patient=patient), self.batch_size)

    def _write(self, out: StoreOutcome, spilled: Spilled, *, patient: bool, replaying: bool = False) -> None:
        """One transaction for the batch; row by row if the database refuses its data.

        Raises:
            DatabaseDown: the database is away; ``done`` articles of the batch were stored before.
        """
        mine = spilled.run_id == self.run_id

        def transaction(articles: Sequence[Article]) -> None:
            stored = self._attempt(
                out,
                patient,
                lambda session: store_batch(session, articles, spilled.fetched_at, spilled.run_id),
            )
            out.replayed += len(articles) if replaying else 0
            if mine:
                for edition, result in stored.items():
                    out.results[edition] = out.results[edition] + result if edition in out.results else result

        try:
            transaction(spilled.articles)
            return
        except DatabaseDown:
            raise
        except Exception as exc:  # any data error: integrity, encoding, a value our conversion refuses
            reason = short_reason(exc)
            logger.warning("batch of %d refused (%s): storing it row by row", len(spilled.articles), reason)
        for done, article in enumerate(spilled.articles):
            try:
                transaction([article])
            except DatabaseDown:
                raise DatabaseDown(done) from None
            except Exception as exc:  # this row's data: drop it, keep the others
                out.rejected += 1 if mine else 0
                logger.warning("not stored, refused by the database: %s (%s)", article.url, short_reason(exc))

    def _finish(self, out: StoreOutcome, end: RunEnd, *, patient: bool) -> None:
        from db.runs import BATCH_COUNTED, finish_run

        # The batch counts are the row's own, added by every committed batch (replayed ones too).
        counters = {name: value for name, value in end.counters.items() if name not in BATCH_COUNTED}

        def finish(session: Session) -> None:
            finish_run(session, end.run_id, end.status, counters, end.stats, finished_at=end.finished_at)

        try:
            self._attempt(out, patient, finish)
        except DatabaseDown:
            raise
        except Exception:  # the row stays 'running' and is marked failed when the site is next crawled
            logger.exception("could not close crawl run %d", end.run_id)

    def _attempt(self, out: StoreOutcome, patient: bool, work: Callable[[Session], T]) -> T:
        """``work`` in one write transaction, tried again after each delay (when patient) while it fails
        for want of a database; other errors are raised as they are.

        Raises:
            DatabaseDown: the database stayed away.
        """
        delays = list(self.delays if patient else ())
        while True:
            try:
                with self.database.writer.begin() as session:
                    result = work(session)
            except Exception as exc:
                if not is_outage(exc):
                    raise
                if not delays:
                    if not self.away:
                        logger.warning("database away, journaling until it is back: %s", short_reason(exc))
                    self.away = True
                    raise DatabaseDown from exc
                out.retries += 1
                logger.warning("database away (%s): trying again in %g s", short_reason(exc), delays[0])
                time.sleep(delays.pop(0))  # on the writer thread: the crawl's event loop goes on
                continue
            if self.away:
                logger.info("database available again")
                self.away = False
            return result

    def _spill(self, out: StoreOutcome, record: Spilled | RunEnd) -> None:
        count = len(record.articles) if isinstance(record, Spilled) else 0
        try:
            path = self.journal.append(record)
        except OSError:
            logger.exception("could not journal %s", f"{count} article(s)" if count else "a run's end")
            out.lost += count
            out.lost_batches += 1 if count else 0
            return
        out.spilled += count
        what = f"{count} article(s)" if count else f"end of run {record.run_id}"
        logger.info("%s journaled in %s", what, path)
