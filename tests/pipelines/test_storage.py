"""Tests for pipelines/storage.py: StoragePipeline buffers articles and hands batches to the crawl's store."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from scrapy.exceptions import CloseSpider, NotConfigured
from scrapy.utils.test import get_crawler

from pipelines.article import Article, RawPage
from pipelines.storage import StoragePipeline


class FakeStore:
    """Records what the pipeline hands over; ``error`` makes a call fail."""

    def __init__(self, error: Exception | None = None, open_error: Exception | None = None):
        self.error = error
        self.open_error = open_error
        self.opened: list[tuple[str, str]] = []
        self.batches: list[list[str]] = []

    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    async def open_run(self, site, spider):
        if self.open_error:
            raise self.open_error
        self.opened.append((site, spider))

    async def store_articles(self, batch, fetched_at):
        assert isinstance(fetched_at, datetime) and fetched_at.tzinfo is not None
        if self.error:
            raise self.error
        self.batches.append([a.url for a in batch])


def articles(*numbers: int) -> list[Article]:
    return [Article(url=f"https://tengrinews.kz/news/{n}/", site="tengrinews") for n in numbers]


def pipeline_with(store: FakeStore, batch_size: int = 2) -> StoragePipeline:
    crawler = get_crawler()
    crawler.stats.open_spider()
    crawler.spider = type("Spider", (), {"name": "tengrinews"})()
    return StoragePipeline(crawler, store, batch_size)


def feed(pipeline: StoragePipeline, items, *, close: bool = True) -> None:
    async def run():
        await pipeline.open_spider()
        for item in items:
            assert await pipeline.process_item(item) is item
        if close:
            await pipeline.close_spider()

    asyncio.run(run())


def test_full_batches_go_to_the_store_in_order_and_the_rest_at_close():
    store = FakeStore()
    pipeline = pipeline_with(store)
    feed(pipeline, [*articles(1, 2), RawPage(url="https://x.kz/", body=b""), *articles(3, 4, 5)])
    assert store.opened == [("tengrinews", "tengrinews")]
    assert store.batches == [
        [a.url for a in articles(1, 2)],
        [a.url for a in articles(3, 4)],
        [articles(5)[0].url],
    ]


def test_nothing_is_handed_over_before_the_store_is_open():
    store = FakeStore()
    pipeline = pipeline_with(store)
    for item in articles(1, 2, 3):
        asyncio.run(pipeline.process_item(item))
    asyncio.run(pipeline.close_spider())
    assert store.batches == []


def test_an_unexpected_store_error_loses_only_its_batch_and_is_counted():
    pipeline = pipeline_with(FakeStore(error=RuntimeError("a bug")))
    feed(pipeline, articles(1, 2, 3))
    stats = pipeline.stats.get_stats()
    assert stats["kznews/storage_errors"] == 2 and stats["kznews/storage_lost"] == 3


def test_a_store_that_cannot_open_closes_the_spider():
    pipeline = pipeline_with(FakeStore(open_error=RuntimeError("connection refused")))
    with pytest.raises(CloseSpider) as closed:
        asyncio.run(pipeline.open_spider())
    assert closed.value.reason == "database unavailable: connection refused"


def test_from_crawler_reads_the_batch_size_and_the_store_class():
    crawler = get_crawler(
        settings_dict={"KZNEWS_DB_BATCH_SIZE": 7, "KZNEWS_STORE_CLASS": f"{__name__}.FakeStore"}
    )
    pipeline = StoragePipeline.from_crawler(crawler)
    assert pipeline.batch_size == 7 and isinstance(pipeline.store, FakeStore)


def test_storage_off_is_not_configured():
    crawler = get_crawler(settings_dict={"KZNEWS_STORAGE_ENABLED": False})
    with pytest.raises(NotConfigured, match="KZNEWS_STORAGE_ENABLED"):
        StoragePipeline.from_crawler(crawler)
