"""What a crawl cannot use, counted by reason: failed downloads, challenge and error responses, queue entries
the spider did not make."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as twisted_errors
from twisted.python.failure import Failure
from twisted.web.client import ResponseFailed

from crawler.middlewares.onsite import OFFSITE_MESSAGE
from crawler.spiders.fulltext import page_unreachable, stand_in_page
from pipelines import runstats
from pipelines.article import RawPage, header_map
from pipelines.blockpage import detect_block_page

GIVEN_UP_MESSAGE = "site given up for this run: no answer"
"""IgnoreRequest message of a request refused once the site was given up (middlewares/unreachable.py)."""
QUEUED_CALLBACKS = frozenset(
    {"parse_sitemap", "parse_rss", "parse_listing", "parse_article", "request_failed"}
    | {"parse_found_robots", "parse_home_page", "parse_probe", "autodiscovery_failed", "probe_failed"}
    | {"parse_home_links", "home_links_failed"}
)
"""The methods a request read back from a shared (Redis) queue may name as its callback or errback."""
# Download failures by exception class, as named in the counters and the run summary. Scrapy's download
# handlers raise its own classes (scrapy.exceptions, wrapping Twisted's); Twisted's own may still reach an
# errback from elsewhere (a proxy tunnel, a connection lost between requests).
CONNECTION_REASONS = (
    ((CannotResolveHostError, twisted_errors.DNSLookupError), "dns_error"),
    ((DownloadConnectionRefusedError, twisted_errors.ConnectionRefusedError), "connection_refused"),
    ((DownloadTimeoutError, twisted_errors.TimeoutError, twisted_errors.TCPTimedOutError), "timeout"),
    ((ResponseDataLossError,), "data_loss"),  # a body shorter than its Content-Length
    # Scrapy's HTTP handlers cancel a download only when its body passes DOWNLOAD_MAXSIZE: announced
    # (the message says so) or while streaming in (Twisted's cancel carries no message).
    ((DownloadCancelledError,), "too_large"),
    (
        (DownloadFailedError, ResponseFailed, twisted_errors.ConnectionLost, twisted_errors.ConnectionDone),
        "connection_lost",  # a reset, a close before or during the response
    ),
)
NO_ANSWER_REASONS = frozenset({"dns_error", "connection_refused", "timeout", "connection_lost", "tls_error"})
"""Download failures where the site answered nothing at all (crawler/middlewares/unreachable.py)."""


def failure_reason(failure: Failure) -> str:
    """The reason a request failed: ``redirect_loop``, ``too_large``, ``robots_forbidden``, ``offsite``,
    ``http_<status>``, ``dns_error``, ``connection_refused``, ``timeout``, ``connection_lost``, ``data_loss``,
    ``tls_error``, else the exception's class name."""
    error = failure.value
    if isinstance(error, HttpError):  # an IgnoreRequest too: first
        return f"http_{error.response.status}"
    if isinstance(error, IgnoreRequest):
        message = str(error).lower()
        if "redirection" in message:
            return "redirect_loop"  # RedirectMiddleware: REDIRECT_MAX_TIMES reached
        if "download_maxsize" in message:
            return "too_large"  # inflating over DOWNLOAD_MAXSIZE (HttpCompressionMiddleware): a gzip bomb
        if "robots.txt" in message:
            return "robots_forbidden"
        if message.startswith(OFFSITE_MESSAGE):
            return "offsite"  # SiteHostsMiddleware: a redirect off the site, refused unfetched
        if message.startswith(GIVEN_UP_MESSAGE):
            return "site_given_up"  # UnreachableSiteMiddleware: refused once the site was given up
        return "ignored"
    return exception_reason(error)


def exception_reason(error: BaseException) -> str:
    """Why a download raised ``error``: a reason of ``CONNECTION_REASONS``, ``tls_error``, else its class."""
    for classes, reason in CONNECTION_REASONS:
        if isinstance(error, classes):
            return reason
    if "ssl" in type(error).__module__.lower() or "SSL" in type(error).__name__:
        return "tls_error"
    return type(error).__name__


def plain_headers(response: Response) -> dict[str, str]:
    """A Scrapy response's headers as the cleaning core reads them (pipelines.article.header_map)."""
    pairs = response.headers.items()
    return header_map((name.decode("latin-1"), v.decode("latin-1")) for name, values in pairs for v in values)


class FailureMixin:
    """NewsSpider's handling of failed requests, unusable responses and foreign queue entries."""

    profile: Any
    crawler: Any
    logger: Any

    def refuse_queued(self, request: Request) -> str | None:
        """Why a request read back from a shared queue is not one this spider makes (None when it is): its URL
        must pass the rules discovered links pass, its callbacks must be the spider's own."""
        if not self.profile.article_urls.in_scope(request.url):
            return "not an http(s) URL on the site's hosts"
        for method in (request.callback, request.errback):
            if method is not None and getattr(method, "__name__", None) not in QUEUED_CALLBACKS:
                return f"callback {getattr(method, '__name__', method)!r} is not a crawl callback"
        return None

    def request_failed(self, failure: Failure) -> list[RawPage] | None:
        """Errback of every request: a failed download is one counted drop with its reason, not a traceback
        (``kznews/dropped/redirect_loop``, ``too_large``, ``dns_error``, ``timeout``, ...). An article left
        unreachable whose request carries its feed item's full text yields that text to be cleaned instead."""
        reason = failure_reason(failure)
        self.crawler.stats.inc_value(runstats.dropped(reason))
        request = getattr(failure, "request", None)
        self.logger.debug("request failed: %s <%s>", reason, request.url if request is not None else "?")
        if page_unreachable(reason) and (stand_in := stand_in_page(request, self.profile)):
            return [stand_in]
        if reason.startswith("http_"):
            failure.raiseException()  # Scrapy's HttpErrorMiddleware counts and logs it too
        return None

    def _usable(self, response: Response) -> bool:
        """False (and counted) for a challenge page or a non-200 response let through for inspection."""
        marker = detect_block_page(response.status, plain_headers(response), response.body)
        if marker:
            runstats.count_blocked(self.crawler.stats, response.url)
            self.logger.debug("challenge page at %s (%s)", response.url, marker)
            return False
        if response.status != 200:
            self.crawler.stats.inc_value(runstats.dropped(f"http_{response.status}"))
            return False
        return True
