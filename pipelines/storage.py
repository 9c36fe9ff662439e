"""StoragePipeline: the Scrapy item pipeline writing articles to the database through the crawl's store.

It reaches the database through the crawl's one store (``KZNEWS_STORE_CLASS``, crawler.store.CrawlStore),
named by a setting so that imports still flow from crawler/ to pipelines/ and never back.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from scrapy.exceptions import CloseSpider, NotConfigured
from scrapy.utils.misc import load_object

from pipelines import runstats
from pipelines.article import Article

logger = logging.getLogger(__name__)


class StoragePipeline:
    """Articles -> the database in batches, through the crawl's one store.

    The store records the run (a crawl_runs row opened here, at open_spider, and closed at spider_closed
    with the run's outcome). A batch is one transaction on the store's writer thread, in arrival order; the
    store waits for a database that is away, journals what it cannot write and replays it later
    (``CrawlStore.store_articles``), and counts all of it. This pipeline only buffers: an error the store
    did not expect loses the batch, counted in ``kznews/storage_errors`` and ``kznews/storage_lost``.

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
        """Hand the batch to the store, which stores or journals it and counts it."""
        if not self.batch or not self.opened:
            return
        batch, self.batch = self.batch, []
        try:
            await self.store.store_articles(batch, datetime.now(UTC))
        except Exception:  # a bug, not the database (the store keeps those): the run will show failed
            self.stats.inc_value(runstats.STORAGE_ERRORS)
            self.stats.inc_value(runstats.STORAGE_LOST, len(batch))
            logger.exception("could not store a batch of %d articles", len(batch))
