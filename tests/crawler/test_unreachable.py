"""UnreachableSiteMiddleware: tries without an answer counted per host, the site given up after N in a row."""

import asyncio
import logging
import sys

from scrapy import Spider
from scrapy.exceptions import CannotResolveHostError, DownloadConnectionRefusedError, IgnoreRequest
from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler

from crawler.middlewares.unreachable import NoAnswerTracebackFilter, UnreachableSiteMiddleware

WWW = "https://www.inform.kz/ru/rss/"
QZ = "https://qz.inform.kz/robots.txt"


class FakeEngine:
    """Records the spider closes asked for."""

    def __init__(self):
        self.closed = []

    async def close_spider_async(self, *, reason):
        self.closed.append(reason)


def build(**settings):
    crawler = get_crawler(Spider, settings)
    crawler.spider = Spider("kazinform")
    crawler.engine = FakeEngine()
    crawler.stats.open_spider()
    return crawler, UnreachableSiteMiddleware.from_crawler(crawler)


def fail(middleware, url, error):
    assert middleware.process_exception(Request(url), error) is None  # the retry middleware still decides


def test_tries_without_an_answer_are_counted_per_host_and_reason():
    crawler, middleware = build()
    fail(middleware, WWW, DownloadConnectionRefusedError("refused"))
    fail(middleware, WWW, DownloadConnectionRefusedError("refused"))
    fail(middleware, QZ, CannotResolveHostError("no such host"))
    fail(middleware, WWW, IgnoreRequest("Forbidden by robots.txt"))  # an answer of sorts: not counted
    stats = crawler.stats.get_stats()
    assert stats["kznews/connection_failed/www.inform.kz/connection_refused"] == 2
    assert stats["kznews/connection_failed/qz.inform.kz/dns_error"] == 1
    assert middleware.in_a_row == 3 and crawler.engine.closed == []


def test_the_site_is_given_up_after_n_tries_in_a_row_and_any_response_resets_the_count():
    async def scenario():
        crawler, middleware = build(KZNEWS_GIVE_UP_AFTER=3)
        fail(middleware, WWW, DownloadConnectionRefusedError())
        fail(middleware, WWW, DownloadConnectionRefusedError())
        middleware.process_response(Request(WWW), Response(WWW, status=503))
        fail(middleware, WWW, DownloadConnectionRefusedError())
        fail(middleware, QZ, DownloadConnectionRefusedError())
        assert crawler.engine.closed == []
        fail(middleware, QZ, DownloadConnectionRefusedError())
        fail(middleware, QZ, DownloadConnectionRefusedError())  # closing already: asked once
        await middleware.closing
        return crawler

    crawler = asyncio.run(scenario())
    assert crawler.engine.closed == ["site_unreachable"]
    assert crawler.stats.get_value("kznews/gave_up_after") == 3


def test_zero_never_gives_up():
    crawler, middleware = build(KZNEWS_GIVE_UP_AFTER=0)
    for _ in range(50):
        fail(middleware, WWW, DownloadConnectionRefusedError())
    assert middleware.closing is None and crawler.engine.closed == []


def test_a_silent_host_gets_one_try_at_a_time_and_the_waiting_ones_are_refused_once_given_up():
    async def scenario():
        crawler, middleware = build(KZNEWS_GIVE_UP_AFTER=2)
        assert await middleware.process_request(Request(WWW)) is None  # nothing known yet: goes
        fail(middleware, WWW, DownloadConnectionRefusedError())  # silent now
        assert await middleware.process_request(Request(WWW + "?probe")) is None  # the next try goes...
        waiting = [asyncio.ensure_future(middleware.process_request(Request(f"{WWW}?{i}"))) for i in range(3)]
        other_host = await middleware.process_request(Request(QZ))  # another host is not held
        await asyncio.sleep(0)
        assert other_host is None and not any(task.done() for task in waiting)  # ... the others wait
        fail(middleware, WWW, DownloadConnectionRefusedError())  # the probe failed: given up
        results = await asyncio.gather(*waiting, return_exceptions=True)
        assert [type(result) for result in results] == [IgnoreRequest] * 3
        assert "given up" in str(results[0])
        await middleware.closing
        return crawler

    assert asyncio.run(scenario()).engine.closed == ["site_unreachable"]


def test_an_answer_releases_every_waiting_request_of_the_host():
    async def scenario():
        _, middleware = build(KZNEWS_GIVE_UP_AFTER=5)
        fail(middleware, WWW, DownloadConnectionRefusedError())
        assert await middleware.process_request(Request(WWW + "?probe")) is None
        waiting = [asyncio.ensure_future(middleware.process_request(Request(f"{WWW}?{i}"))) for i in range(3)]
        await asyncio.sleep(0)
        middleware.process_response(Request(WWW + "?probe"), Response(WWW, status=200))
        return await asyncio.gather(*waiting)

    assert asyncio.run(scenario()) == [None, None, None]


def record_with(error):
    try:
        raise error
    except Exception:
        exc_info = sys.exc_info()
    return logging.LogRecord(
        "scrapy.downloadermiddlewares.robotstxt", logging.ERROR, __file__, 1, "m", (), exc_info
    )


def test_a_try_without_an_answer_is_logged_without_its_traceback():
    quiet = record_with(DownloadConnectionRefusedError("Connection was refused by other side"))
    assert NoAnswerTracebackFilter().filter(quiet) and quiet.exc_info is None
    bug = record_with(ValueError("a bug"))
    assert NoAnswerTracebackFilter().filter(bug) and bug.exc_info is not None
