"""Scrapy item pipelines: thin adapters around the cleaning core and the crawl's store.

The only module of ``pipelines/`` that imports Scrapy; the core stays pure. The StoragePipeline reaches the
database through the crawl's one store (``KZNEWS_STORE_CLASS``, crawler.store.CrawlStore), named by a
setting so that imports still flow from crawler/ to pipelines/ and never back.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from scrapy.exceptions import CloseSpider, DropItem, NotConfigured
from scrapy.utils.misc import load_object

from pipelines import runstats
from pipelines.article import Article, RawPage, Rejection
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
                runstats.count_blocked(self.stats, item.url)
                raise DropItem(f"challenge page: {result.detail} <{result.url}>", log_level="INFO")
            self._drop(result.reason, f"{result.detail} <{result.url}>")
        key = result.canonical_url or result.url or ""
        if key in self.seen_urls:
            self._drop("duplicate", f"{key} already cleaned in this run")
        self.seen_urls.add(key)
        self.stats.inc_value(runstats.CLEANED)
        self._count_drift(item, result)
        return result

    def _count_drift(self, page: RawPage, article: Article) -> None:
        """Count what tells that a profile no longer fits its site (the report alerts on it)."""
        site = page.site or "unknown"
        if article.extraction in ("layout", "fallback"):
            self.stats.inc_value(runstats.layout_pages(site))
            if article.extraction == "fallback":
                self.stats.inc_value(runstats.layout_fallback(site))
        if page.outside_rules:
            self.stats.inc_value(runstats.outside_rules(site))

    def _rules(self) -> SiteRules:
        profile = getattr(self.crawler.spider, "profile", None)
        return profile.rules if profile is not None else DEFAULT_RULES

    def _crashed(self, exit_code: int | None) -> None:
        self.stats.inc_value(runstats.WORKER_CRASHES)

    def _stop(self, reason: str) -> None:
        if self.stopping is None:  # once: every later page of a broken pool comes here too
            self.stopping = asyncio.ensure_future(self.crawler.engine.close_spider_async(reason=reason))
            self.stopping.add_done_callback(_close_done)

    def _drop(self, reason: str, detail: str) -> None:
        self.stats.inc_value(runstats.dropped(reason))
        raise DropItem(f"{reason}: {detail}", log_level="INFO")


def _close_done(task: asyncio.Future[None]) -> None:
    """Retrieve the close's outcome: a spider already closing for another reason is no error."""
    if not task.cancelled() and (error := task.exception()) is not None:
        logger.debug("the spider was closing already: %s", error)


class StoragePipeline:
    """Articles -> the database in batches (``upsert_articles``), through the crawl's one store.

    The store records the run (a crawl_runs row opened here, at open_spider, and closed at spider_closed
    with the run's outcome). A batch is one transaction on the store's writer thread, in arrival order: a
    failed write leaves no half-written rows, and is counted in ``kznews/storage_errors`` and
    ``kznews/storage_lost``.

    Settings:
        KZNEWS_DB_BATCH_SIZE: articles per transaction (default 200).
        KZNEWS_STORAGE_ENABLED: False turns storage off (dry runs).
        KZNEWS_STORE_CLASS: the crawl's store (default crawler.store.CrawlStore).
    """

    def __init__(self, crawler: Any, store: Any, batch_size: int) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.store = store
        self.batch_size = batch_size
        self.batch: list[Article] = []
        self.opened = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> StoragePipeline:
        """Read KZNEWS_DB_BATCH_SIZE; take the crawl's store."""
        settings = crawler.settings
        if not settings.getbool("KZNEWS_STORAGE_ENABLED", True):
            raise NotConfigured("StoragePipeline: KZNEWS_STORAGE_ENABLED is False")
        store = load_object(settings.get("KZNEWS_STORE_CLASS")).from_crawler(crawler)
        return cls(crawler, store, settings.getint("KZNEWS_DB_BATCH_SIZE", 200))

    async def open_spider(self) -> None:
        """Open the store and the run row; a database that cannot be used closes the spider."""
        spider = self.crawler.spider
        profile = getattr(spider, "profile", None)
        try:
            await self.store.open_run(profile.name if profile else spider.name, spider.name)
        except Exception as exc:  # any driver or migration error: the crawl must not run without its store
            logger.error("database unavailable: %s", exc)
            raise CloseSpider(f"database unavailable: {exc}") from exc
        self.opened = True

    async def process_item(self, item: Any) -> Any:
        """Buffer Article items and write a batch when it is full."""
        if isinstance(item, Article):
            self.batch.append(item)
            if len(self.batch) >= self.batch_size:
                await self._flush()
        return item

    async def close_spider(self) -> None:
        """Write the last batch (the items in flight are done: Scrapy closes pipelines after them)."""
        await self._flush()

    async def _flush(self) -> None:
        """Write the batch in one transaction; a failure is counted and logged, never half-written."""
        if not self.batch or not self.opened:
            return
        batch, self.batch = self.batch, []
        try:
            results = await self.store.write(store_batch, batch, datetime.now(UTC))
        except Exception:  # any driver error: the transaction was rolled back, the run will show failed
            self.stats.inc_value(runstats.STORAGE_ERRORS)
            self.stats.inc_value(runstats.STORAGE_LOST, len(batch))
            logger.exception("could not store a batch of %d articles", len(batch))
            return
        for edition, result in results.items():
            self.stats.inc_value(runstats.STORED, result.inserted)
            self.stats.inc_value(runstats.stored_in(edition), result.inserted)
            self.stats.inc_value(runstats.UPDATED, result.updated)
            self.stats.inc_value(runstats.UNCHANGED, result.unchanged)


def store_batch(session: Any, batch: Sequence[Article], fetched_at: datetime) -> dict[str, Any]:
    """Upsert a batch edition by edition (the stats count per edition); ``UpsertStats`` by edition."""
    from db.repository import upsert_articles

    by_edition: dict[str, list[Article]] = {}
    for article in batch:
        by_edition.setdefault(article.edition or "unknown", []).append(article)
    results = {}
    for edition, group in by_edition.items():
        results[edition] = upsert_articles(session, group, fetched_at=fetched_at)
    return results
