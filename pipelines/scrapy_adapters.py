"""Scrapy item pipelines: thin adapters around the cleaning core and the storage repository.

The only modules of ``pipelines/`` that import Scrapy are this one's users; the core stays pure.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from scrapy import signals
from scrapy.exceptions import CloseSpider, DropItem, NotConfigured

from pipelines.article import Article, RawPage, Rejection
from pipelines.blockpage import count_blocked
from pipelines.core import clean_page
from pipelines.options import DEFAULT_OPTIONS, DEFAULT_RULES, CleanOptions, SiteRules
from pipelines.worker import warm_up
from pipelines.workerpool import BrokenPool, WorkerCrashed, WorkerPool

logger = logging.getLogger(__name__)


class CleaningPipeline:
    """RawPage -> Article through ``clean_page`` in worker processes; a Rejection becomes a counted DropItem.

    A worker that dies with a page (killed, out of memory) is replaced and the page dropped as
    ``worker_crashed`` (``kznews/worker_crashes`` counts the deaths); workers that cannot start at all
    close the spider with reason ``worker_pool_broken``.

    Settings:
        KZNEWS_EXTRACT_WORKERS: worker processes (default: CPU count; 0 cleans in the crawl's process).
        KZNEWS_WORKER_NICE: added to the workers' niceness (default 10): the crawl's process comes first.
        KZNEWS_MIN_WORDS: bodies shorter than this are dropped as ``too_short``.
    """

    def __init__(self, crawler: Any, workers: int, options: CleanOptions, nice: int = 0) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.workers = workers
        self.options = options
        self.nice = nice
        self.pool: WorkerPool | None = None
        self.seen_urls: set[str] = set()
        self.stopping: asyncio.Future[None] | None = None  # the spider close this pipeline asked for

    @classmethod
    def from_crawler(cls, crawler: Any) -> CleaningPipeline:
        """Read KZNEWS_EXTRACT_WORKERS, KZNEWS_WORKER_NICE and KZNEWS_MIN_WORDS."""
        settings = crawler.settings
        workers = settings.getint("KZNEWS_EXTRACT_WORKERS", os.cpu_count() or 1)
        options = CleanOptions(min_words=settings.getint("KZNEWS_MIN_WORDS", DEFAULT_OPTIONS.min_words))
        return cls(crawler, max(workers, 0), options, nice=settings.getint("KZNEWS_WORKER_NICE", 0))

    async def open_spider(self) -> None:
        """Start the worker processes; they load their models while discovery runs."""
        if self.workers:
            self.pool = WorkerPool(self.workers, initializer=warm_up, on_crash=self._crashed, nice=self.nice)
            await self.pool.start()

    async def close_spider(self) -> None:
        """Stop the workers (the pages in flight are done: Scrapy closes pipelines after them)."""
        if self.pool:
            await self.pool.close()

    async def process_item(self, item: Any) -> Any:
        """Clean RawPage items; pass everything else through."""
        if not isinstance(item, RawPage):
            return item
        rules = self._rules()
        if self.pool:
            try:
                result = await self.pool.run(clean_page, item, rules, self.options)
            except WorkerCrashed as exc:
                self._drop("worker_crashed", f"{exc} <{item.url}>")
            except BrokenPool as exc:
                self._stop("worker_pool_broken")
                self._drop("worker_pool_broken", f"{exc} <{item.url}>")
        else:
            result = clean_page(item, rules, self.options)
        if isinstance(result, Rejection):
            if result.reason == "blocked_page":  # counted with the challenges the spider recognised
                count_blocked(self.stats, item.url)
                raise DropItem(f"challenge page: {result.detail} <{result.url}>", log_level="INFO")
            self._drop(result.reason, f"{result.detail} <{result.url}>")
        key = result.canonical_url or result.url or ""
        if key in self.seen_urls:
            self._drop("duplicate", f"{key} already cleaned in this run")
        self.seen_urls.add(key)
        self.stats.inc_value("kznews/cleaned")
        return result

    def _rules(self) -> SiteRules:
        profile = getattr(self.crawler.spider, "profile", None)
        return profile.rules if profile is not None else DEFAULT_RULES

    def _crashed(self, exit_code: int | None) -> None:
        self.stats.inc_value("kznews/worker_crashes")

    def _stop(self, reason: str) -> None:
        if self.stopping is None and self.crawler.engine.running:
            self.stopping = asyncio.ensure_future(self.crawler.engine.close_spider_async(reason=reason))

    def _drop(self, reason: str, detail: str) -> None:
        self.stats.inc_value(f"kznews/dropped/{reason}")
        raise DropItem(f"{reason}: {detail}", log_level="INFO")


def run_owner() -> dict[str, Any]:
    """This process as the owner of a crawl run: host, pid and the pid's start time (against pid reuse)."""
    return {"host": socket.gethostname(), "pid": os.getpid(), "pid_started": _process_started(os.getpid())}


def owner_alive(stats: Mapping[str, Any]) -> bool:
    """True when the process named in a running run's stats (see :func:`run_owner`) is still running here.

    A run started on another host cannot be checked and counts as dead: one harvester per site at a time.
    """
    pid = stats.get("pid")
    if stats.get("host") != socket.gethostname() or not isinstance(pid, int):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        pass
    started = _process_started(pid)
    return started is None or stats.get("pid_started") in (None, started)


def _process_started(pid: int) -> int | None:
    """The process's start time in clock ticks after boot (Linux /proc); None where there is no /proc."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as file:
            stat = file.read()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[19])  # field 22; the command name may hold spaces


class StoragePipeline:
    """Articles -> the database in batches (``upsert_articles``), one crawl_runs row per spider run.

    The run row is opened at open_spider (after marking the site's runs left 'running' by a dead process
    as failed) and closed at spider_closed, the first moment the finish reason is known: 'finished' only
    when the crawl finished and every batch was written (``db.repository.run_outcome``). A batch is one
    transaction: a failed or interrupted write leaves no half-written rows, and is counted in
    ``kznews/storage_errors`` and ``kznews/storage_lost``.

    Settings:
        KZNEWS_DATABASE_URL: SQLAlchemy URL (default ``sqlite:///data/kznews.sqlite3``).
        KZNEWS_DB_BATCH_SIZE: articles per transaction (default 200).
        KZNEWS_STORAGE_ENABLED: False turns storage off (dry runs).
    """

    def __init__(self, crawler: Any, url: str | None, batch_size: int) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.url = url
        self.batch_size = batch_size
        self.batch: list[Article] = []
        self.sessionmaker: Any = None
        self.engine: Any = None
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> StoragePipeline:
        """Read the KZNEWS_DATABASE_URL / KZNEWS_DB_BATCH_SIZE settings."""
        settings = crawler.settings
        if not settings.getbool("KZNEWS_STORAGE_ENABLED", True):
            raise NotConfigured("StoragePipeline: KZNEWS_STORAGE_ENABLED is False")
        pipeline = cls(
            crawler, settings.get("KZNEWS_DATABASE_URL"), settings.getint("KZNEWS_DB_BATCH_SIZE", 200)
        )
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        """Connect, migrate to head, open the crawl_runs row; a database that is down closes the spider."""
        from db.engine import make_sessionmaker
        from db.migrate import open_database
        from db.repository import fail_stale_runs, start_run

        spider = self.crawler.spider
        profile = getattr(spider, "profile", None)
        site = profile.name if profile else spider.name
        try:
            self.engine = open_database(self.url).kw["bind"]
            self.sessionmaker = make_sessionmaker(self.engine, immediate=True)
            with self.sessionmaker.begin() as session:
                fail_stale_runs(session, site, alive=owner_alive)
                self.run_id = start_run(session, site, spider.name, owner=run_owner())
        except Exception as exc:  # any driver or migration error: the crawl must not run without its store
            logger.error("database unavailable: %s", exc)
            raise CloseSpider(f"database unavailable: {exc}") from exc

    async def process_item(self, item: Any) -> Any:
        """Buffer Article items and write a batch when it is full."""
        if isinstance(item, Article):
            self.batch.append(item)
            if len(self.batch) >= self.batch_size:
                self._flush()
        return item

    def close_spider(self) -> None:
        """Write the last batch (the items in flight are done: Scrapy closes pipelines after them)."""
        if self.sessionmaker is not None:
            self._flush()

    def spider_closed(self, spider: Any, reason: str) -> None:
        """Close the run record with the crawl's stats and the status its finish reason implies."""
        from db.repository import STAT_FAILED_REASON, finish_run, run_outcome

        if self.run_id is None:
            return
        stats = {k: v for k, v in self.stats.get_stats().items() if isinstance(v, int | float | str)}
        stats.update(run_owner(), finish_reason=reason)  # who ran it stays on the record
        status, failed_reason = run_outcome(stats)
        if failed_reason:
            stats[STAT_FAILED_REASON] = failed_reason
            logger.warning("run %d of %s failed: %s", self.run_id, spider.name, failed_reason)
        try:
            with self.sessionmaker.begin() as session:
                finish_run(session, self.run_id, status, stats)
        except Exception:  # the row stays 'running' and is marked failed when the site is next crawled
            logger.exception("could not close crawl run %d", self.run_id)
        finally:
            self.engine.dispose()

    def _flush(self) -> None:
        """Write the batch in one transaction; a failure is counted and logged, never half-written."""
        from db.repository import STAT_STORAGE_ERRORS, upsert_articles

        if not self.batch:
            return
        batch, self.batch = self.batch, []
        by_edition: dict[str, list[Article]] = {}
        for article in batch:
            by_edition.setdefault(article.edition or "unknown", []).append(article)
        fetched_at = datetime.now(UTC)
        try:
            with self.sessionmaker.begin() as session:
                results = {
                    edition: upsert_articles(session, group, fetched_at=fetched_at)
                    for edition, group in by_edition.items()
                }
        except Exception:  # any driver error: the transaction was rolled back, the run will show failed
            self.stats.inc_value(STAT_STORAGE_ERRORS)
            self.stats.inc_value("kznews/storage_lost", len(batch))
            logger.exception("could not store a batch of %d articles", len(batch))
            return
        for edition, result in results.items():
            self.stats.inc_value("kznews/stored", result.inserted)
            self.stats.inc_value(f"kznews/stored/{edition}", result.inserted)
            self.stats.inc_value("kznews/updated", result.updated)
            self.stats.inc_value("kznews/unchanged", result.unchanged)
