import asyncio

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from pipelines.article import RawPage
from pipelines.options import DEFAULT_OPTIONS
from pipelines.scrapy_adapters import CleaningPipeline
from pipelines.workerpool import BrokenPool, TaskFailed, TaskTimeout, WorkerCrashed

PAGE = RawPage(url="https://www.inform.kz/ru/x-5be27d", body=b"<html></html>")


class FailingPool:
    def __init__(self, error):
        self.error = error

    async def run(self, fn, *args):
        raise self.error


class Engine:
    running = True

    def __init__(self):
        self.reasons = []

    async def close_spider_async(self, *, reason):
        self.reasons.append(reason)


def pipeline_with(pool):
    crawler = get_crawler()
    crawler.stats.open_spider()
    crawler.engine = Engine()
    pipeline = CleaningPipeline(crawler, workers=1, options=DEFAULT_OPTIONS)
    pipeline.pool = pool
    return pipeline


def test_a_page_whose_worker_died_is_a_counted_drop_and_deaths_are_counted():
    pipeline = pipeline_with(FailingPool(WorkerCrashed("worker 42 died (exit code -9)")))
    with pytest.raises(DropItem, match="worker_crashed: worker 42 died"):
        asyncio.run(pipeline.process_item(PAGE))
    pipeline._crashed(-9)
    stats = pipeline.stats.get_stats()
    assert stats["kznews/dropped/worker_crashed"] == 1 and stats["kznews/worker_crashes"] == 1
    assert pipeline.crawler.engine.reasons == []


def test_workers_that_cannot_start_close_the_spider_once():
    pipeline = pipeline_with(FailingPool(BrokenPool("a worker died before it was ready")))

    async def two_pages():
        for _ in range(2):
            with pytest.raises(DropItem, match="worker_pool_broken"):
                await pipeline.process_item(PAGE)
        await asyncio.sleep(0)  # let the scheduled close run

    asyncio.run(two_pages())
    assert pipeline.crawler.engine.reasons == ["worker_pool_broken"]
    assert pipeline.stats.get_value("kznews/dropped/worker_pool_broken") == 2


def test_a_page_over_the_time_limit_is_a_counted_drop_naming_the_page():
    pipeline = pipeline_with(FailingPool(TaskTimeout("over 0.5 s; worker 7 killed")))
    with pytest.raises(DropItem, match=r"extract_timeout: over 0.5 s; worker 7 killed <https://www\.inform"):
        asyncio.run(pipeline.process_item(PAGE))
    assert pipeline.stats.get_value("kznews/dropped/extract_timeout") == 1


def test_a_task_that_cannot_be_raised_as_itself_is_an_extract_error_by_class():
    pipeline = pipeline_with(FailingPool(TaskFailed("StopIteration: " + "x" * 5000)))
    with pytest.raises(DropItem) as raised:
        asyncio.run(pipeline.process_item(PAGE))
    assert len(str(raised.value)) < 300  # the detail is cut, never the page or a huge message
    stats = pipeline.stats.get_stats()
    assert stats["kznews/dropped/extract_error"] == 1 and stats["kznews/extract_error/StopIteration"] == 1
