"""CleaningPipeline: the Scrapy item pipeline around the cleaning core (RawPage in, Article out)."""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any

from scrapy.exceptions import DropItem

from pipelines import runstats
from pipelines.article import Article, RawPage, Rejection
from pipelines.feedtext import clean_fetched
from pipelines.options import DEFAULT_OPTIONS, DEFAULT_RULES, CleanOptions, SiteRules
from pipelines.sharedpool import PoolConfig, PoolLease, acquire_pool
from pipelines.worker import warm_up
from pipelines.workerpool import BrokenPool, TaskFailed, TaskTimeout, WorkerCrashed

logger = logging.getLogger(__name__)

MAX_DETAIL_CHARS = 200
"""A drop's logged detail is cut here: a log line names the page and the reason, never carries the page."""


class CleaningPipeline:
    """RawPage -> Article through ``clean_fetched`` in worker processes; a Rejection is a counted DropItem.

    A page the core cannot clean is a counted drop, never an error of the crawl: ``extract_error`` (counted by
    exception class too), ``extract_timeout`` (over KZNEWS_EXTRACT_TIMEOUT: its worker is killed and
    replaced, the page is not retried), ``worker_crashed`` (its worker died twice with it: it was retried once
    on a fresh worker; ``kznews/worker_crashes`` counts the deaths); workers that cannot start at all close
    the spider with reason ``worker_pool_broken``.

    The worker processes are the process's one pool, shared by every crawl in it (a harvest's sites:
    pipelines/sharedpool.py); each crawl's pages, drops and worker deaths are counted in its own stats.

    Settings:
        KZNEWS_EXTRACT_WORKERS: worker processes (default: CPU count; 0 cleans in the crawl's process, where
            no time limit can be enforced).
        KZNEWS_EXTRACT_TIMEOUT: seconds one page may take in a worker (default 10).
        KZNEWS_WORKER_NICE: added to the workers' niceness (default 10): the crawl's process comes first.
        KZNEWS_MIN_WORDS: bodies shorter than this are dropped as ``too_short``.
    """

    def __init__(
        self, crawler: Any, workers: int, options: CleanOptions, nice: int = 0, timeout: float | None = None
    ) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.workers = workers
        self.options = options
        self.nice = nice
        self.timeout = timeout
        self.pool: PoolLease | None = None
        self.seen_urls: set[str] = set()
        self.stopping: asyncio.Future[None] | None = None  # the spider close this pipeline asked for

    @classmethod
    def from_crawler(cls, crawler: Any) -> CleaningPipeline:
        """Read KZNEWS_EXTRACT_WORKERS, KZNEWS_EXTRACT_TIMEOUT, KZNEWS_WORKER_NICE and KZNEWS_MIN_WORDS."""
        settings = crawler.settings
        workers = settings.getint("KZNEWS_EXTRACT_WORKERS", os.cpu_count() or 1)
        options = CleanOptions(min_words=settings.getint("KZNEWS_MIN_WORDS", DEFAULT_OPTIONS.min_words))
        timeout = settings.getfloat("KZNEWS_EXTRACT_TIMEOUT", 10.0) or None
        return cls(
            crawler, max(workers, 0), options, nice=settings.getint("KZNEWS_WORKER_NICE", 0), timeout=timeout
        )

    async def open_spider(self) -> None:
        """Lease the process's worker pool (the first crawl starts it: the workers load their models while
        discovery runs)."""
        if self.workers:
            config = PoolConfig(self.workers, initializer=warm_up, nice=self.nice, task_timeout=self.timeout)
            self.pool = await acquire_pool(config, on_crash=self._crashed)

    async def close_spider(self) -> None:
        """Release the pool; the last crawl's release stops the workers (the pages in flight are done:
        Scrapy closes pipelines after them)."""
        if self.pool:
            await self.pool.release()

    async def process_item(self, item: Any) -> Any:
        """Clean RawPage items; pass everything else through."""
        if not isinstance(item, RawPage):
            return item
        rules = self._rules()
        if self.pool:
            try:
                result = await self.pool.run(clean_fetched, item, rules, self.options)
            except TaskTimeout as exc:
                self._drop("extract_timeout", f"{exc} <{item.url}>")
            except TaskFailed as exc:
                # not an Exception a page can raise: a BaseException, an unpicklable answer
                result = Rejection("extract_error", str(exc), item.url)
            except WorkerCrashed as exc:
                self._drop("worker_crashed", f"{exc} <{item.url}>")
            except BrokenPool as exc:
                self._stop("worker_pool_broken")
                self._drop("worker_pool_broken", f"{exc} <{item.url}>")
        else:
            result = clean_fetched(item, rules, self.options)
        if isinstance(result, Rejection):
            if result.reason == "blocked_page":  # counted with the challenges the spider recognised
                runstats.count_blocked(self.stats, item.url)
                raise DropItem(
                    f"challenge page: {result.detail[:MAX_DETAIL_CHARS]} <{item.url}>", log_level="INFO"
                )
            if result.reason == "extract_error":  # by exception class too: "ValueError: ..." -> ValueError
                self.stats.inc_value(runstats.extract_error(result.detail.partition(":")[0]))
            self._drop(result.reason, f"{result.detail[:MAX_DETAIL_CHARS]} <{item.url}>")
        key = result.canonical_url or result.url or ""
        if key in self.seen_urls:
            self._drop("duplicate", f"{key} already cleaned in this run")
        self.seen_urls.add(key)
        self.stats.inc_value(runstats.CLEANED)
        if result.body_source == "feed":  # the page was not there to read: its feed item's text was
            self.stats.inc_value(runstats.FEED_TEXT_CLEANED)
            if item.status == 200:  # a challenge page (the spider counted those it recognised itself)
                runstats.count_blocked(self.stats, item.url)
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
