"""Distributed mode: with KZNEWS_REDIS_URL set, crawl processes share one Redis queue and dupefilter."""

from __future__ import annotations

import importlib
import logging
import os
import socket
import time
import uuid
import warnings
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured, ScrapyDeprecationWarning
from scrapy.utils.misc import build_from_crawler, load_object

from crawler.redisqueue import LEAVE_LUA, REGISTER_LUA, redis_keys
from pipelines import runstats

try:  # the optional extra kznews[distributed]; DistributedAddon says so when it is missing
    from scrapy_redis import connection
    from scrapy_redis.dupefilter import RFPDupeFilter as _RedisRFPDupeFilter
    from scrapy_redis.scheduler import Scheduler as _RedisScheduler
except ImportError:  # pragma: no cover - exercised only without the extra
    connection = None
    _RedisRFPDupeFilter = _RedisScheduler = object  # type: ignore[assignment,misc]

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

log = logging.getLogger(__name__)

REDIS_URL_SETTING = "KZNEWS_REDIS_URL"  # also read from the environment variable of the same name
IDLE_CLOSE_SETTING = "KZNEWS_REDIS_IDLE_CLOSE"
FILTER_ALL_SETTING = "KZNEWS_REDIS_FILTER_ALL"
# Long enough for a busy worker's slowest page (DOWNLOAD_TIMEOUT 30 s) to queue what it found.
DEFAULT_IDLE_CLOSE_S = 60.0
HEARTBEAT_S = 2.0  # how often a worker says it is alive (and busy, when it is)
BUSY_TTL_S = 2 * HEARTBEAT_S + 1  # a busy mark older than this is over
# A worker silent this long is taken for dead (killed -9): it no longer keeps the shared state alive.
WORKER_TTL_S = 60.0
SCHEDULER_PATH = "crawler.distributed.RedisScheduler"
DUPEFILTER_PATH = "crawler.distributed.RedisDupeFilter"
SERIALIZER_PATH = "crawler.redisqueue"  # a module with loads() / dumps(), as scrapy-redis expects
QUEUE_PATH = "scrapy_redis.queue.PriorityQueue"  # atomic pop (MULTI), honours Request.priority
# This worker's crawl activity as Scrapy's public signals tell it; any of them makes the worker busy.
ACTIVITY_SIGNALS = (
    signals.request_scheduled,  # a callback queued a request (request_dropped follows when filtered)
    signals.request_reached_downloader,
    signals.request_left_downloader,  # also when the download failed
    signals.response_received,
    signals.item_scraped,
    signals.item_dropped,
    signals.item_error,
)


def redis_url(settings: BaseSettings) -> str | None:
    """``KZNEWS_REDIS_URL`` from the settings, else the environment; None when distributed mode is off."""
    return settings.get(REDIS_URL_SETTING) or os.environ.get(REDIS_URL_SETTING) or None


class DistributedAddon:
    """Scrapy add-on: with KZNEWS_REDIS_URL set, schedule through Redis; otherwise it stays out of the way."""

    def __init__(self, url: str):
        self.url = url

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DistributedAddon:
        """Disabled (silently) unless KZNEWS_REDIS_URL is set; a clear error when scrapy-redis is missing."""
        url = redis_url(crawler.settings)
        if not url:
            raise NotConfigured
        if connection is None:
            raise RuntimeError(
                f"{REDIS_URL_SETTING} is set but scrapy-redis is missing: pip install 'kznews[distributed]'"
            )
        return cls(url)

    def update_settings(self, settings: BaseSettings) -> None:
        """Add-on priority: anything given in settings.py or with -s still wins."""
        for name, value in (
            ("SCHEDULER", SCHEDULER_PATH),
            ("DUPEFILTER_CLASS", DUPEFILTER_PATH),
            ("REDIS_URL", self.url),
            ("SCHEDULER_SERIALIZER", SERIALIZER_PATH),
            ("SCHEDULER_QUEUE_CLASS", QUEUE_PATH),
        ):
            settings.set(name, value, priority="addon")


class RedisDupeFilter(_RedisRFPDupeFilter):
    """scrapy-redis's shared fingerprint set, with the crawler's fingerprinter (REQUEST_FINGERPRINTER_CLASS).

    scrapy-redis 0.9.1 hashes its own JSON of method/URL/body, ignoring Scrapy's fingerprinter settings.
    """

    def __init__(self, server: Any, key: str, fingerprinter: Any, debug: bool = False):
        super().__init__(server, key, debug)
        self.fingerprinter = fingerprinter

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisDupeFilter:
        """The dupefilter of the crawler's spider, on the crawl's Redis server."""
        assert crawler.spider is not None, "the dupefilter is built once the spider exists"
        server = connection.get_redis_from_settings(crawler.settings)
        key = redis_keys(crawler.settings, crawler.spider.name).dupefilter
        return cls(server, key, crawler.request_fingerprinter, crawler.settings.getbool("DUPEFILTER_DEBUG"))

    def request_fingerprint(self, request: Request) -> str:
        """Hex of the crawler's request fingerprint."""
        return self.fingerprinter.fingerprint(request).hex()

    def close(self, reason: str = "") -> None:
        """Keep the shared set: RedisScheduler decides when it goes (scrapy-redis deletes it here)."""


class RedisScheduler(_RedisScheduler):
    """scrapy-redis's scheduler with a worker registry, shared idle detection and last-out cleanup.

    - Seeding: every worker runs the spider's start requests; the shared dupefilter lets the first copy of
      each through, so the seeds are queued once however many workers start.
    - Filtering: NewsSpider marks its requests ``dont_filter`` (it deduplicates per process, and a JOBDIR
      dupefilter must not hide unstored pages), which across workers would fetch every page once per
      worker: the shared dupefilter therefore sees every request except retries (``retry_times`` in
      meta); ``KZNEWS_REDIS_FILTER_ALL=False`` restores Scrapy's rule (``dont_filter`` passes).
    - Closing: a worker closes once the shared queue is empty, it is idle itself and no other live worker
      has been busy (any ACTIVITY_SIGNALS in the last BUSY_TTL_S) for ``KZNEWS_REDIS_IDLE_CLOSE`` seconds:
      a busy worker may still queue new pages.
    - ``SCHEDULER_PERSIST=False`` (default): the first worker to start (none other live) clears what a dead
      run left, the LAST one to close deletes queue and dupefilter (scrapy-redis would let the first one
      delete them under the others). ``True`` keeps both: a stopped crawl resumes, seen seeds stay
      filtered; ``SCHEDULER_FLUSH_ON_START=True`` clears them anyway when a worker starts alone.
    - Workers register in ``:workers`` (atomically with that flush) and heartbeat every HEARTBEAT_S; one
      silent for WORKER_TTL_S is taken for dead.
    """

    def __init__(self, crawler: Crawler, server: Any, dupefilter: RedisDupeFilter):
        settings = crawler.settings
        assert crawler.spider is not None, "the scheduler is built once the spider exists"
        self.keys = redis_keys(settings, crawler.spider.name)
        # scrapy-redis itself flushes neither on open nor on close: it would clear the shared state under
        # the other workers. The atomic first-in / last-out steps (REGISTER_LUA, LEAVE_LUA) do it instead.
        super().__init__(
            server,
            persist=True,
            flush_on_start=False,
            queue_key=self.keys.requests,
            queue_cls=settings.get("SCHEDULER_QUEUE_CLASS") or QUEUE_PATH,
            dupefilter=dupefilter,
            serializer=importlib.import_module(settings.get("SCHEDULER_SERIALIZER") or SERIALIZER_PATH),
        )
        self.crawler = crawler
        self.stats = crawler.stats
        self.clear_when_last_out = not settings.getbool("SCHEDULER_PERSIST")
        self.flush_on_start_alone = settings.getbool("SCHEDULER_FLUSH_ON_START") or self.clear_when_last_out
        self.filter_all = settings.getbool(FILTER_ALL_SETTING, True)
        self.idle_close = settings.getfloat(IDLE_CLOSE_SETTING, DEFAULT_IDLE_CLOSE_S)
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.clock: Any = None  # the reactor unless a test sets a twisted.internet.task.Clock
        self._heartbeat: Any = None
        self._idle_since: float | None = None
        self._last_busy_mark = -HEARTBEAT_S
        self._last_activity = float("-inf")  # time.monotonic() of the last ACTIVITY_SIGNALS

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisScheduler:
        """Read REDIS_URL/REDIS_PARAMS, SCHEDULER_*, KZNEWS_REDIS_* settings; fail early if Redis is down."""
        server = connection.get_redis_from_settings(crawler.settings)
        server.ping()
        dupefilter_cls = load_object(crawler.settings.get("DUPEFILTER_CLASS", DUPEFILTER_PATH))
        dupefilter = build_from_crawler(dupefilter_cls, crawler)
        if not isinstance(dupefilter, RedisDupeFilter):
            raise ValueError(f"RedisScheduler needs DUPEFILTER_CLASS = {DUPEFILTER_PATH!r} (or a subclass)")
        return cls(crawler, server, dupefilter)

    def open(self, spider: Spider) -> None:
        """Join the worker registry (flush first if asked and alone), open the queue, start the heartbeat."""
        others = self._register(flush_if_alone=self.flush_on_start_alone)
        with warnings.catch_warnings():
            # scrapy-redis 0.9.1 reports a resumed queue through Spider.log(), which Scrapy deprecated.
            warnings.filterwarnings("ignore", "Spider.log", ScrapyDeprecationWarning)
            super().open(spider)
        log.info(
            "distributed worker %s joins %s: %d other live workers, %d requests queued%s",
            self.worker_id,
            self.keys.requests,
            others,
            len(self.queue),
            " (cleared what an earlier run left)" if self.flush_on_start_alone and not others else "",
        )
        for signal in ACTIVITY_SIGNALS:
            self.crawler.signals.connect(self._on_activity, signal=signal)
        self.crawler.signals.connect(self._on_idle, signal=signals.spider_idle)
        if self.clock is None:
            from twisted.internet import reactor  # installed by the crawl by now

            self.clock = reactor
        self._heartbeat = self.clock.callLater(HEARTBEAT_S, self._beat)

    def close(self, reason: str) -> None:
        """Leave the registry; the last worker out clears queue and dupefilter unless SCHEDULER_PERSIST."""
        if self._heartbeat is not None and self._heartbeat.active():
            self._heartbeat.cancel()
        for signal in ACTIVITY_SIGNALS:
            self.crawler.signals.disconnect(self._on_activity, signal=signal)
        self.crawler.signals.disconnect(self._on_idle, signal=signals.spider_idle)
        keys = (self.keys.workers, self.keys.requests, self.keys.dupefilter, self.keys.busy)
        args = (self.worker_id, self._now(), WORKER_TTL_S, int(self.clear_when_last_out))
        others = int(self.server.eval(LEAVE_LUA, len(keys), *keys, *args))
        if others:
            log.info("distributed worker %s leaves; %d workers still live", self.worker_id, others)
        elif self.clear_when_last_out:
            log.info("last worker out: cleared %s and %s", self.keys.requests, self.keys.dupefilter)
        else:
            log.info("last worker out; SCHEDULER_PERSIST keeps %d queued requests", len(self))
        super().close(reason)

    def enqueue_request(self, request: Request) -> bool:
        """Queue ``request`` in Redis unless the shared dupefilter has seen it."""
        if self._filtered(request) and self.df.request_seen(request):
            self.df.log(request, self.spider)
            self.stats.inc_value(runstats.DUPEFILTER_FILTERED)
            return False
        self.queue.push(request)
        self.stats.inc_value(runstats.REDIS_ENQUEUED)
        return True

    def next_request(self) -> Request | None:
        """Pop the best request of the shared queue (never blocks the reactor).

        Anyone who can write to Redis can queue an entry: one that does not decode to a request this spider
        could have made (an allowed class, a callback of the spider, an http(s) URL on the site's hosts) is
        dropped as ``queue_refused``, counted and logged in one line, and the next one is taken.
        """
        while True:
            try:
                request = self.queue.pop()
            except (ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:  # json.JSONDecodeError too
                self._refuse(f"{type(exc).__name__}: {str(exc)[:200]}")
                continue
            refusal = request is not None and self.spider.refuse_queued(request)
            if not refusal:
                break
            self._refuse(f"{refusal} <{request.url[:200]}>")
        if request is not None:
            self.stats.inc_value(runstats.REDIS_DEQUEUED)
            self._idle_since = None
            self._on_activity()
            self._mark_busy()
        return request

    def _refuse(self, why: str) -> None:
        self.stats.inc_value(runstats.dropped("queue_refused"))
        log.warning("refused a request from the Redis queue: %s", why)

    # --- shared liveness -------------------------------------------------------------------------------

    def _now(self) -> float:
        """Redis server time: workers on machines with skewed clocks still agree."""
        seconds, micros = self.server.time()
        return seconds + micros / 1e6

    def _filtered(self, request: Request) -> bool:
        if self.filter_all:
            return not request.meta.get("retry_times")
        return not request.dont_filter

    def _register(self, flush_if_alone: bool = False) -> int:
        """Heartbeat into the registry; returns how many other workers are live."""
        keys = (self.keys.workers, self.keys.requests, self.keys.dupefilter)
        args = (self.worker_id, self._now(), WORKER_TTL_S, int(flush_if_alone))
        return int(self.server.eval(REGISTER_LUA, len(keys), *keys, *args))

    def _mark_busy(self, idle_for: float = 0.0) -> None:
        """Tell the other workers that this one was active ``idle_for`` seconds ago."""
        if time.monotonic() - self._last_busy_mark < HEARTBEAT_S / 2:
            return  # marked a moment ago: spare Redis two calls per request
        self._last_busy_mark = time.monotonic()
        self.server.zadd(self.keys.busy, {self.worker_id: self._now() - idle_for})

    def _on_activity(self) -> None:
        # Only a timestamp: signals fire several times per request; the heartbeat tells Redis.
        self._last_activity = time.monotonic()

    def _beat(self) -> None:
        self._heartbeat = self.clock.callLater(HEARTBEAT_S, self._beat)
        try:
            self._register()
            idle_for = time.monotonic() - self._last_activity
            if idle_for < BUSY_TTL_S:  # so others see it busy until BUSY_TTL_S after its last activity
                self._mark_busy(idle_for)
        except Exception as exc:  # a Redis hiccup must not stop the heartbeat loop
            log.warning("distributed heartbeat failed: %s", exc)

    def _others_busy(self) -> int:
        now = self._now()
        busy = self.server.zrangebyscore(self.keys.busy, now - BUSY_TTL_S, "+inf")
        ids = (w.decode() if isinstance(w, bytes) else w for w in busy)  # bytes unless decode_responses
        return sum(1 for worker in ids if worker != self.worker_id)

    def _on_idle(self, spider: Spider) -> None:
        """Keep this worker while others may still queue pages, or until KZNEWS_REDIS_IDLE_CLOSE passed."""
        now = self._now()
        others_busy = self._others_busy()
        if others_busy or self._idle_since is None:
            self._idle_since = now
        if others_busy or now - self._idle_since < self.idle_close:
            raise DontCloseSpider
        log.info("shared queue empty and no worker busy for %.0f s: closing", now - self._idle_since)
