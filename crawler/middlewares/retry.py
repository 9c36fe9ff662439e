"""RetryAfterMiddleware: Scrapy's RetryMiddleware, but it waits as the server asks before retrying."""

from __future__ import annotations

import logging
from asyncio import sleep
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request

from pipelines import runstats

if TYPE_CHECKING:
    from scrapy.http import Request, Response
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)


def retry_after_seconds(value: str | bytes | None, now: datetime) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or HTTP-date), None when absent or garbled."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    """Retry like RetryMiddleware (same settings and stats), after a wait.

    The wait is the response's Retry-After (429/503) or else KZNEWS_RETRY_BACKOFF_BASE × 2^(retries so
    far), capped by KZNEWS_RETRY_BACKOFF_MAX. Scrapy 2.19 retries at once and ignores Retry-After. The
    wait holds this request's downloader slot, so the host also sees fewer parallel requests meanwhile.
    """

    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("KZNEWS_RETRY_BACKOFF_BASE", 2.0)
        self.backoff_max = settings.getfloat("KZNEWS_RETRY_BACKOFF_MAX", 120.0)

    def retry_request(self, request: Request, reason: str) -> Request | None:
        """The retry of ``request`` as RetryMiddleware makes it, or None once its retries are spent.

        Settings as RetryMiddleware reads them (RETRY_TIMES, RETRY_PRIORITY_ADJUST, RETRY_GIVE_UP_LOG_LEVEL),
        overridden per request by the ``max_retry_times``, ``priority_adjust`` and ``give_up_log_level``
        meta keys; stats ``retry/count``, ``retry/reason_count/<reason>``, ``retry/max_reached``.
        """
        assert self.crawler.spider is not None, "responses arrive once the spider exists"
        return get_retry_request(
            request,
            spider=self.crawler.spider,
            reason=reason,
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
            give_up_log_level=request.meta.get("give_up_log_level", self.give_up_log_level),
        )

    def retry_delay(self, request: Request, response: Response, now: datetime) -> float:
        """Seconds to wait before retrying ``request`` after ``response``."""
        asked = retry_after_seconds(response.headers.get("Retry-After"), now)
        if asked is None:
            asked = self.backoff_base * 2 ** request.meta.get("retry_times", 0)
        return min(asked, self.backoff_max)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        """Return a retry request after the wait, or the response when it is not retried."""
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self.retry_request(request, str(response.status))
        if retry is None:
            return response
        delay = self.retry_delay(request, response, datetime.now(UTC))
        if delay > 0:
            self.crawler.stats.inc_value(runstats.RETRY_WAITED_SECONDS, round(delay))
            logger.debug("waiting %.1f s before retrying %s (status %d)", delay, request, response.status)
            await sleep(delay)
        return retry
