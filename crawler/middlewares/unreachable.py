"""UnreachableSiteMiddleware: tries without an answer counted per host, one log line each, the site given up.

A site that is down, a DNS that is gone or a network that is off makes every try fail the same way. Each one
is counted by host and reason (``kznews/connection_failed/<host>/<reason>``; the run summary prints one line
per host), logged as one line rather than a traceback, and after KZNEWS_GIVE_UP_AFTER tries in a row without
any answer the spider is closed with reason ``site_unreachable``: the run is recorded as failed in seconds
instead of working through every queued URL and its retries.

While a host gives no answer, its requests go one at a time (a circuit breaker's half-open state): the others
wait here, before the download slot, so that a given-up site leaves no queue of slot delays to sit through;
they are refused (IgnoreRequest, counted ``site_given_up``) once the site is given up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

from crawler.spiders.failures import GIVEN_UP_MESSAGE, NO_ANSWER_REASONS, exception_reason
from pipelines import runstats

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response

logger = logging.getLogger(__name__)

GIVE_UP_AFTER = 4
"""KZNEWS_GIVE_UP_AFTER's default: a URL's tries (robots.txt and its RETRY_TIMES retries) without any answer;
each costs a politeness delay, so an unreachable one-host site is given up in about 8 s (0: never)."""
PROBE_WAIT_FACTOR = 2
"""A request waiting for a host's probe waits at most this many DOWNLOAD_TIMEOUTs, then probes itself."""
QUIET_LOGGERS = ("scrapy.downloadermiddlewares.robotstxt", "scrapy.core.scraper")
"""Scrapy loggers that log a failed download with its traceback (robots.txt; a request without errback)."""


class NoAnswerTracebackFilter(logging.Filter):
    """Drops the traceback of a log record about a try without an answer: its message names the error."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep the record, without its traceback when it is about a try without an answer."""
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and exception_reason(error) in NO_ANSWER_REASONS:
            record.exc_info = record.exc_text = None
        return True


_FILTER = NoAnswerTracebackFilter()


class UnreachableSiteMiddleware:
    """Downloader middleware next to the downloader (it sees every try, retries and robots.txt included).

    Settings:
        KZNEWS_GIVE_UP_AFTER: tries in a row without an answer before the spider closes (default 4; 0 never).
            Any response, whatever its status, resets the count.
    """

    def __init__(self, crawler: Crawler, give_up_after: int) -> None:
        self.crawler = crawler
        self.give_up_after = give_up_after
        self.in_a_row = 0
        self.closing: asyncio.Future[None] | None = None
        self.silent_hosts: set[str] = set()  # hosts whose last try got no answer
        self.probes: dict[str, asyncio.Event] = {}  # host -> set when its try in flight ends
        self.probe_wait = PROBE_WAIT_FACTOR * crawler.settings.getfloat("DOWNLOAD_TIMEOUT", 180)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Read KZNEWS_GIVE_UP_AFTER; keep tracebacks of tries without an answer out of Scrapy's log."""
        for name in QUIET_LOGGERS:
            logging.getLogger(name).addFilter(_FILTER)  # the same object: added once per process
        return cls(crawler, max(crawler.settings.getint("KZNEWS_GIVE_UP_AFTER", GIVE_UP_AFTER), 0))

    async def process_request(self, request: Request) -> None:
        """Let a request of a silent host go only when no other try of it is in flight; refuse all once the
        site is given up."""
        host = urlparse_cached(request).hostname or ""
        while self.closing is None and host in self.silent_hosts:
            if (probe := self.probes.get(host)) is None:
                self.probes[host] = asyncio.Event()  # this request is the host's next try
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(probe.wait(), self.probe_wait)
            if not probe.is_set():  # the try never came back here (dropped on its way): probe anew
                self.probes.pop(host, None)
        if self.closing is not None:
            raise IgnoreRequest(GIVEN_UP_MESSAGE)

    def process_response(self, request: Request, response: Response) -> Response:
        """The site answered: start counting again."""
        self.in_a_row = 0
        self._settle(request, answered=True)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        """Count a try without an answer; give the site up after too many in a row (the retry comes next)."""
        reason = exception_reason(exception)
        if reason not in NO_ANSWER_REASONS:
            self._settle(request, answered=False)
            return
        self.silent_hosts.add(urlparse_cached(request).hostname or "")
        self._settle(request, answered=False)
        stats = self.crawler.stats
        assert stats is not None, "downloads happen once the crawl runs"
        stats.inc_value(runstats.connection_failed(request.url, reason))
        self.in_a_row += 1
        if self.give_up_after and self.in_a_row >= self.give_up_after and self.closing is None:
            stats.set_value(runstats.GAVE_UP_AFTER, self.in_a_row)
            assert self.crawler.engine is not None and self.crawler.spider is not None
            logger.warning(
                "giving up %s for this run: no answer to %d tries in a row (%s)",
                self.crawler.spider.name,
                self.in_a_row,
                "; ".join(runstats.connection_failures(stats.get_stats())),
            )
            # Not awaited here: closing waits for the downloads in flight, this one included.
            self.closing = asyncio.ensure_future(
                self.crawler.engine.close_spider_async(reason=runstats.SITE_UNREACHABLE)
            )
            self.closing.add_done_callback(_close_done)
            for probe in self.probes.values():  # the waiting requests are refused now
                probe.set()

    def _settle(self, request: Request, *, answered: bool) -> None:
        """A try of the request's host ended: the next waiting request may go (all of them when answered)."""
        host = urlparse_cached(request).hostname or ""
        if answered:
            self.silent_hosts.discard(host)
        if (probe := self.probes.pop(host, None)) is not None:
            probe.set()


def _close_done(task: asyncio.Future[Any]) -> None:
    """Retrieve the close's outcome: a spider already closing for another reason is no error."""
    if not task.cancelled() and (error := task.exception()) is not None:
        logger.debug("the spider was closing already: %s", error)
