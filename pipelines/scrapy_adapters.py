"""Scrapy item pipelines: thin adapters around the cleaning core and the storage repository.

The only modules of ``pipelines/`` that import Scrapy are this one's users; the core stays pure.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from typing import Any

from scrapy.exceptions import CloseSpider, DropItem, NotConfigured

from pipelines.article import Article, RawPage, Rejection
from pipelines.core import clean_page
from pipelines.options import DEFAULT_OPTIONS, DEFAULT_RULES, CleanOptions, SiteRules

logger = logging.getLogger(__name__)


def _warm_up() -> None:
    """Load the language model and trafilatura once per worker, not on the first page."""
    from pipelines.language import detect_language

    detect_language(["Қазақстан Республикасы", "Республика Казахстан", "Republic of Kazakhstan"])


class CleaningPipeline:
    """RawPage -> Article through ``clean_page`` in a process pool; a Rejection becomes a counted DropItem.

    Settings:
        KZNEWS_EXTRACT_WORKERS: worker processes (default: CPU count; 0 cleans in the crawl's process).
        KZNEWS_MIN_WORDS: bodies shorter than this are dropped as ``too_short``.
    """

    def __init__(self, crawler: Any, workers: int, options: CleanOptions) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.workers = workers
        self.options = options
        self.pool: ProcessPoolExecutor | None = None
        self.seen_urls: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> CleaningPipeline:
        """Read KZNEWS_EXTRACT_WORKERS and KZNEWS_MIN_WORDS."""
        settings = crawler.settings
        workers = settings.getint("KZNEWS_EXTRACT_WORKERS", os.cpu_count() or 1)
        options = CleanOptions(min_words=settings.getint("KZNEWS_MIN_WORDS", DEFAULT_OPTIONS.min_words))
        return cls(crawler, max(workers, 0), options)

    def open_spider(self) -> None:
        """Start the worker processes (spawned: forking a running reactor is unsafe)."""
        if self.workers:
            context = multiprocessing.get_context("spawn")
            self.pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_warm_up)

    def close_spider(self) -> None:
        """Stop the workers after the in-flight pages are done."""
        if self.pool:
            self.pool.shutdown(wait=True)

    async def process_item(self, item: Any) -> Any:
        """Clean RawPage items; pass everything else through."""
        if not isinstance(item, RawPage):
            return item
        rules = self._rules()
        if self.pool:
            result = await asyncio.wrap_future(self.pool.submit(clean_page, item, rules, self.options))
        else:
            result = clean_page(item, rules, self.options)
        if isinstance(result, Rejection):
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

    def _drop(self, reason: str, detail: str) -> None:
        self.stats.inc_value(f"kznews/dropped/{reason}")
        raise DropItem(f"{reason}: {detail}", log_level="INFO")


class StoragePipeline:
    """Articles -> the database in batches (``upsert_articles``), one crawl_runs row per spider run.

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
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> StoragePipeline:
        """Read the KZNEWS_DATABASE_URL / KZNEWS_DB_BATCH_SIZE settings."""
        settings = crawler.settings
        if not settings.getbool("KZNEWS_STORAGE_ENABLED", True):
            raise NotConfigured("StoragePipeline: KZNEWS_STORAGE_ENABLED is False")
        return cls(crawler, settings.get("KZNEWS_DATABASE_URL"), settings.getint("KZNEWS_DB_BATCH_SIZE", 200))

    def open_spider(self) -> None:
        """Connect, migrate to head, open the crawl_runs row; a database that is down closes the spider."""
        from db.engine import make_sessionmaker
        from db.migrate import open_database
        from db.repository import start_run

        spider = self.crawler.spider
        profile = getattr(spider, "profile", None)
        try:
            factory = open_database(self.url)
            self.sessionmaker = make_sessionmaker(factory.kw["bind"], immediate=True)
            with self.sessionmaker.begin() as session:
                self.run_id = start_run(session, profile.name if profile else spider.name, spider.name)
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
        """Write the last batch and close the run record with the crawl's stats."""
        from db.repository import finish_run

        if self.sessionmaker is None:
            return
        self._flush()
        stats = {k: v for k, v in self.stats.get_stats().items() if isinstance(v, int | float | str)}
        status = "finished" if self.stats.get_value("finish_reason", "finished") == "finished" else "failed"
        with self.sessionmaker.begin() as session:
            finish_run(session, self.run_id, status, stats)

    def _flush(self) -> None:
        from db.repository import upsert_articles

        if not self.batch:
            return
        batch, self.batch = self.batch, []
        by_edition: dict[str, list[Article]] = {}
        for article in batch:
            by_edition.setdefault(article.edition or "unknown", []).append(article)
        fetched_at = datetime.now(UTC)
        with self.sessionmaker.begin() as session:
            results = {
                edition: upsert_articles(session, group, fetched_at=fetched_at)
                for edition, group in by_edition.items()
            }
        for edition, result in results.items():
            self.stats.inc_value("kznews/stored", result.inserted)
            self.stats.inc_value(f"kznews/stored/{edition}", result.inserted)
            self.stats.inc_value("kznews/updated", result.updated)
            self.stats.inc_value("kznews/unchanged", result.unchanged)
