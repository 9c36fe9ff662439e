import asyncio
from datetime import UTC, datetime

import pytest
from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler

import crawler.middlewares.retry as retry_module
from crawler.middlewares.retry import RetryAfterMiddleware, retry_after_seconds

NOW = datetime(2026, 4, 28, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("1", 1.0),
        (b"120", 120.0),
        ("Tue, 28 Apr 2026 07:00:30 GMT", 30.0),
        ("Tue, 28 Apr 2026 06:00:00 GMT", 0.0),
        ("soon", None),
        (None, None),
    ],
)
def test_retry_after_seconds(value, seconds):
    assert retry_after_seconds(value, NOW) == seconds


@pytest.fixture
def waits(monkeypatch):
    slept = []

    async def fake_sleep(seconds):
        slept.append(seconds)

    monkeypatch.setattr(retry_module, "sleep", fake_sleep)
    return slept


def build(**settings):
    crawler = get_crawler(
        settings_dict={
            "RETRY_TIMES": 2,
            "KZNEWS_RETRY_BACKOFF_BASE": 2.0,
            "KZNEWS_RETRY_BACKOFF_MAX": 60.0,
            **settings,
        }
    )
    crawler.spider = crawler.spidercls.from_crawler(crawler, "test")
    crawler.stats.open_spider()
    return RetryAfterMiddleware.from_crawler(crawler)


def test_waits_for_retry_after_then_retries(waits):
    mw = build()
    request = Request("https://www.inform.kz/ru/x-0c4e81")
    result = asyncio.run(
        mw.process_response(request, Response(request.url, status=429, headers={"Retry-After": "7"}))
    )
    assert isinstance(result, Request) and result.meta["retry_times"] == 1
    assert waits == [7.0]
    assert mw.crawler.stats.get_value("retry/reason_count/429") == 1


def test_backs_off_exponentially_without_retry_after_and_caps(waits):
    mw = build(KZNEWS_RETRY_BACKOFF_MAX=3.0)
    request = Request("https://tengrinews.kz/news.rss", meta={"retry_times": 1})
    asyncio.run(mw.process_response(request, Response(request.url, status=503)))
    asyncio.run(
        mw.process_response(
            Request(request.url), Response(request.url, status=429, headers={"Retry-After": "3600"})
        )
    )
    assert waits == [3.0, 3.0]


def test_gives_up_without_waiting_and_passes_other_statuses(waits):
    mw = build()
    exhausted = Request("https://tengrinews.kz/x", meta={"retry_times": 2})
    response = Response(exhausted.url, status=429, headers={"Retry-After": "5"})
    assert asyncio.run(mw.process_response(exhausted, response)) is response
    ok = Response(exhausted.url, status=200)
    assert asyncio.run(mw.process_response(Request(exhausted.url), ok)) is ok
    assert waits == []
