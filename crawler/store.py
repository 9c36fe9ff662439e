"""The one owner of the database in a crawl: one engine per process, one writer thread, the run row.

``CrawlStore.from_crawler(crawler)`` gives every component of a crawl (the StoragePipeline, the spider's
incremental filter) the same store; the store records the run itself (a crawl_runs row opened with the
first component that needs the database, closed at ``spider_closed`` with the run's outcome and counters).
Every crawl of a process on the same database shares one engine (a harvest of nineteen sites opens one),
and all database work runs on that engine's single writer thread, never on the event loop: a committing
batch or a SQLite lock held by another process no longer stops the crawl.

Articles go through ``store_articles``: retried while the database is away, journaled locally when it
stays away, replayed when it is back, stored row by row when it refuses a batch's data
(crawler/storewriter.py); the run row counts every committed batch, so a killed run shows what it stored.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from scrapy import signals
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from crawler.journal import Journal, RunEnd, database_key
from crawler.storewriter import StoreOutcome, StoreWriter, WriteOptions
from pipelines import runowner, runstats
from pipelines.article import Article

logger = logging.getLogger(__name__)

T = TypeVar("T")


class StoreUnavailable(RuntimeError):
    """The database cannot be opened (down, unusable URL, failed migration); the message says why."""


@dataclass
class Database:
    """One engine of this process, its session factories and its writer thread."""

    url: str
    engine: Engine
    migrated: bool
    writer: sessionmaker[Session]  # BEGIN IMMEDIATE on SQLite: read-then-write transactions take the lock
    reader: sessionmaker[Session]
    thread: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="kznews-db")
    )
    users: int = 0
    journal: Journal | None = None  # used on the writer thread only

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` on the writer thread, awaited without blocking the event loop."""
        return await asyncio.wrap_future(self.thread.submit(fn, *args))


_DATABASES: dict[str, Database] = {}
_LOCK = threading.Lock()
ENGINES_OPENED = 0
"""Engines this process has created (a harvest test checks it stays at one)."""


def acquire(url: str, *, migrate: bool = True) -> Database | None:
    """This process's Database for ``url`` (created on first use), counted as one more user.

    Args:
        url: SQLAlchemy URL.
        migrate: bring the schema to head (once per engine). Without it a SQLite file that does not exist
            yet is not created: None is returned instead (a lookup before anything was stored).

    Raises:
        StoreUnavailable: the database cannot be connected to or migrated.
    """
    global ENGINES_OPENED
    from db.engine import database_missing, make_engine, make_sessionmaker
    from db.migrate import ensure_schema

    with _LOCK:
        database = _DATABASES.get(url)
        if database is None:
            if not migrate and database_missing(url):
                return None
            try:
                engine = make_engine(url)
            except Exception as exc:  # a URL SQLAlchemy cannot use: unknown driver, bad syntax
                raise StoreUnavailable(f"{type(exc).__name__}: {exc}") from exc
            ENGINES_OPENED += 1
            writer, reader = make_sessionmaker(engine, immediate=True), make_sessionmaker(engine)
            database = _DATABASES[url] = Database(url, engine, False, writer, reader)
        if migrate and not database.migrated:
            try:
                ensure_schema(database.engine)
            except Exception as exc:  # any driver or migration error: the caller decides what it means
                if not database.users:
                    _dispose(database)
                raise StoreUnavailable(f"{type(exc).__name__}: {exc}") from exc
            database.migrated = True
        database.users += 1
        return database


def release(database: Database) -> None:
    """One user fewer; the last one disposes of the engine and stops its thread."""
    with _LOCK:
        database.users -= 1
        if database.users <= 0:
            _dispose(database)


def _dispose(database: Database) -> None:
    _DATABASES.pop(database.url, None)
    database.thread.shutdown(wait=True)
    if database.journal is not None:  # what is left in it waits for the next crawl on this machine
        database.journal.close()
    database.engine.dispose()


@contextmanager
def opened(url: str) -> Iterator[Database]:
    """A migrated Database for the duration of a block (commands outside a crawl)."""
    database = acquire(url)
    assert database is not None
    try:
        yield database
    finally:
        release(database)


_STORES: weakref.WeakKeyDictionary[Any, CrawlStore] = weakref.WeakKeyDictionary()


class CrawlStore:
    """The database of one crawl: opened once, shared by its components, closing its run record.

    Settings:
        KZNEWS_DATABASE_URL: SQLAlchemy URL (crawler/settings.py resolves the environment and the default).
        KZNEWS_STORAGE_ENABLED: False: no database at all (dry runs); ``enabled`` is then False.
        KZNEWS_JOURNAL_DIR, KZNEWS_STORE_RETRY_*, KZNEWS_DB_BATCH_SIZE: how it writes (WriteOptions).
    """

    def __init__(
        self,
        url: str,
        *,
        enabled: bool = True,
        crawler: Any = None,
        options: WriteOptions | None = None,
    ) -> None:
        self.url = url
        self.enabled = enabled
        self.crawler = crawler  # its stats exist only once the crawl starts
        self.options = options or WriteOptions()
        self.database: Database | None = None
        self.run_id: int | None = None
        self._writer: StoreWriter | None = None
        self._opening: asyncio.Future[None] | None = None
        self._acquiring = asyncio.Lock()

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlStore:
        """The crawl's one store (built on the first call, the same object after)."""
        store = _STORES.get(crawler)
        if store is None:
            settings = crawler.settings
            store = cls(
                settings.get("KZNEWS_DATABASE_URL"),
                enabled=settings.getbool("KZNEWS_STORAGE_ENABLED", True),
                crawler=crawler,
                options=WriteOptions.from_settings(settings),
            )
            crawler.signals.connect(store.spider_closed, signal=signals.spider_closed)
            crawler.signals.connect(store.engine_stopped, signal=signals.engine_stopped)
            _STORES[crawler] = store
        return store

    # --- the run ----------------------------------------------------------------------------------------

    async def open_run(self, site: str, spider: str) -> None:
        """Open the database (migrated), replay the journal, open the run's crawl_runs row; later calls wait
        for the first.

        Raises:
            StoreUnavailable: the database cannot be used; the crawl must not run without its store.
        """
        if self._opening is None:
            self._opening = asyncio.ensure_future(self._open_run(site, spider))
        await asyncio.shield(self._opening)

    async def _open_run(self, site: str, spider: str) -> None:
        from db.runs import fail_stale_runs, start_run

        def start(session: Session) -> int:
            stale = {runstats.FAILED_REASON: runstats.STALE_RUN_REASON}
            fail_stale_runs(session, site, note=stale, alive=runowner.owner_alive)
            return start_run(session, site, spider, owner=runowner.run_owner())

        database, writer = await self._writing()
        # First what earlier runs could not store: a dead run's end record closes it before it looks stale.
        self._count_outcome(await database.run(writer.open))
        self.run_id = writer.run_id = await self.write(start)

    async def store_articles(self, batch: Sequence[Article], fetched_at: datetime) -> None:
        """Store a batch of this run, counted in the crawl's stats (never raises: crawler/storewriter.py)."""
        database, writer = await self._writing()
        self._count_outcome(await database.run(writer.store, list(batch), fetched_at))

    async def spider_closed(self, spider: Any, reason: str) -> None:
        """Close the run row with the crawl's stats and outcome (journaled while the database is away)."""
        if self.run_id is None or self.database is None or self.crawler is None:
            return
        stats = {k: v for k, v in self.crawler.stats.get_stats().items() if isinstance(v, int | float | str)}
        stats.update(runowner.run_owner(), **{runstats.FINISH_REASON: reason})  # who ran it stays on record
        status, failed_reason = runstats.run_outcome(stats)
        if failed_reason:
            stats[runstats.FAILED_REASON] = failed_reason
            logger.warning("run %d of %s failed: %s", self.run_id, spider.name, failed_reason)
        counters = runstats.run_counters(stats).columns()
        try:
            database, writer = await self._writing()
            end = RunEnd(self.run_id, status, counters, stats, datetime.now(UTC))
            self._count_outcome(await database.run(writer.close_run, end))
        except Exception:  # the row stays 'running' and is marked failed when the site is next crawled
            logger.exception("could not close crawl run %d", self.run_id)

    def _count_outcome(self, out: StoreOutcome) -> None:
        out.count(getattr(self.crawler, "stats", None))  # None: no crawler, or its crawl not started

    def engine_stopped(self) -> None:
        """The crawl is over: give the engine back (the last crawl of the process disposes of it)."""
        self.close()

    def close(self) -> None:
        """Stop using the database (idempotent)."""
        if self.database is not None:
            database, self.database = self.database, None
            release(database)

    # --- database work ----------------------------------------------------------------------------------

    async def write(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(session, *args)`` in one write transaction on the writer thread (committed or rolled back).

        Raises:
            StoreUnavailable: the database cannot be opened or migrated.
        """
        database = await self._database(migrate=True)
        assert database is not None

        def transaction() -> T:
            with database.writer.begin() as session:
                return fn(session, *args)

        return await database.run(transaction)

    async def read(self, fn: Callable[..., T], *args: Any) -> T | None:
        """``fn(session, *args)`` in a read session on the writer thread; None when nothing is stored yet
        (storage off, or a SQLite file not created yet: reading never creates one)."""
        database = await self._database(migrate=False) if self.enabled else None
        if database is None:
            return None

        def session_read() -> T:
            with database.reader() as session:
                return fn(session, *args)

        return await database.run(session_read)

    def exists(self) -> bool:
        """True when the database is open or exists (a SQLite file not created yet does not)."""
        from db.engine import database_missing

        return self.enabled and (self.database is not None or not database_missing(self.url))

    async def _writing(self) -> tuple[Database, StoreWriter]:
        """The migrated Database, with the process's journal for it, and this store's writer."""
        database = await self._database(migrate=True)
        assert database is not None
        if database.journal is None:
            database.journal = Journal(self.options.journal_dir, database_key(self.url))
        if self._writer is None:
            self._writer = StoreWriter(database, self.options)
        return database, self._writer

    async def _database(self, *, migrate: bool) -> Database | None:
        """The process's Database for this store's URL, acquired once; migrated when asked."""
        async with self._acquiring:
            if self.database is None:
                self.database = await asyncio.to_thread(acquire, self.url, migrate=migrate)
            elif migrate and not self.database.migrated:  # opened for look-ups first: migrate it now
                release(await asyncio.to_thread(acquire, self.url))
        return self.database
