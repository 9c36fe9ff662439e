"""Distributed mode: several `scrapy crawl` processes share one Redis request queue and dupefilter.

Set ``KZNEWS_REDIS_URL`` (environment or ``-s``) and start the same ``scrapy crawl <site>`` on as many
machines as you like, all writing to one PostgreSQL ``KZNEWS_DATABASE_URL``. ``DistributedAddon`` (in
``ADDONS``) then swaps in ``RedisScheduler`` and ``RedisDupeFilter``, built on scrapy-redis 0.9.1 and
adapted to Scrapy 2.19: fingerprints from ``crawler.request_fingerprinter``, no ``spider`` argument to the
stats, no pickles in Redis (requests are stored as JSON, see :func:`dumps`), and a queue lifecycle that
is safe with several workers.

Keys: ``<KZNEWS_REDIS_PREFIX>:<spider>:requests`` (sorted set), ``:dupefilter`` (set of fingerprints),
``:workers`` and ``:busy`` (sorted sets of worker ids by last heartbeat / last activity, Redis clock).

Lifecycle:

- Seeding: every worker runs the spider's start requests; the shared dupefilter lets the first copy of
  each through and drops the others, so the seeds are queued once however many workers start.
- Filtering: NewsSpider marks its requests ``dont_filter`` (it deduplicates per process, and a JOBDIR
  dupefilter must not hide unstored pages), which across workers would fetch every page once per worker:
  the shared dupefilter therefore sees every request except retries (``retry_times`` in meta);
  ``KZNEWS_REDIS_FILTER_ALL=False`` restores Scrapy's rule (``dont_filter`` passes).
- Closing: a worker closes once the shared queue is empty, it is idle itself and no other live worker
  has been busy for ``KZNEWS_REDIS_IDLE_CLOSE`` seconds (a busy worker may still queue new pages).
- ``SCHEDULER_PERSIST=False`` (default): every run starts afresh. The first worker to start (none other
  live) clears what a dead run left, and the LAST worker to close deletes the queue and the dupefilter
  (scrapy-redis would let the first worker to finish delete them under the others).
  ``True``: both are kept; a stopped or killed crawl resumes its queue, and seeds already seen are
  filtered out. ``SCHEDULER_FLUSH_ON_START=True`` clears them anyway when a worker starts alone.
- Workers register in ``:workers`` (atomically with that first-worker flush) and heartbeat every
  HEARTBEAT_S; one silent for WORKER_TTL_S is taken for dead.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
import os
import socket
import time
import uuid
from typing import TYPE_CHECKING, Any, NamedTuple

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.misc import build_from_crawler, load_object

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
PREFIX_SETTING = "KZNEWS_REDIS_PREFIX"  # likewise; one prefix per independent harvest (or test)
DEFAULT_PREFIX = "kznews"
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
SERIALIZER_PATH = "crawler.distributed"  # this module: loads() / dumps() below
QUEUE_PATH = "scrapy_redis.queue.PriorityQueue"  # atomic pop (MULTI), honours Request.priority
# Dataclasses (profile sources in cb_kwargs) are rebuilt from the queue only from these packages.
DECODABLE_MODULES = ("crawler.", "pipelines.")
_MARK = "__kznews__"
# KEYS: workers, requests, dupefilter; ARGV: worker id, now, worker TTL, flush (1/0).
# Returns the other live workers; when none and asked, clears the crawl state in the same atomic step.
_REGISTER_LUA = """
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[2]) - tonumber(ARGV[3]))
local others = redis.call('ZCARD', KEYS[1]) - 1
if others == 0 and ARGV[4] == '1' then redis.call('DEL', KEYS[2], KEYS[3]) end
return others
"""
# KEYS: workers, requests, dupefilter, busy; ARGV: worker id, now, worker TTL, flush (1/0).
# Leaves the registry; the last one out clears the crawl state when asked, in the same atomic step.
_LEAVE_LUA = """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[2]) - tonumber(ARGV[3]))
local others = redis.call('ZCARD', KEYS[1])
if others == 0 and ARGV[4] == '1' then redis.call('DEL', KEYS[2], KEYS[3]) end
return others
"""


def redis_url(settings: BaseSettings) -> str | None:
    """``KZNEWS_REDIS_URL`` from the settings, else the environment; None when distributed mode is off."""
    return settings.get(REDIS_URL_SETTING) or os.environ.get(REDIS_URL_SETTING) or None


class RedisKeys(NamedTuple):
    """The Redis keys of one spider's shared crawl state."""

    requests: str
    dupefilter: str
    workers: str
    busy: str


def redis_keys(settings: BaseSettings, spider_name: str) -> RedisKeys:
    """Keys under ``<prefix>:<spider>:`` (prefix: KZNEWS_REDIS_PREFIX setting, environment, or kznews)."""
    prefix = settings.get(PREFIX_SETTING) or os.environ.get(PREFIX_SETTING) or DEFAULT_PREFIX
    base = f"{prefix}:{spider_name}"
    if "%" in base:  # scrapy-redis %-formats the queue key (twice)
        raise ValueError(f"Redis key prefix {base!r} must not contain '%'")
    return RedisKeys(f"{base}:requests", f"{base}:dupefilter", f"{base}:workers", f"{base}:busy")


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


# --- requests as plain JSON ---------------------------------------------------------------------------


def dumps(obj: Any) -> bytes:
    """JSON for a ``Request.to_dict()``: bytes base64'd, tuples and dataclasses tagged; no pickle.

    Raises:
        TypeError: naming the path of a value that is not plain data (e.g. ``request['meta']['x']``).
    """
    return json.dumps(
        _to_plain(obj, "request"), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode()


def loads(data: bytes | str) -> Any:
    """The inverse of :func:`dumps`."""
    return _from_plain(json.loads(data))


def _to_plain(value: Any, path: str) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, bytes):
        return {_MARK: "bytes", "b64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, list):
        return [_to_plain(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, tuple):
        return {_MARK: "tuple", "items": [_to_plain(v, f"{path}[{i}]") for i, v in enumerate(value)]}
    if isinstance(value, dict):
        if _MARK not in value and all(isinstance(k, str) for k in value):
            return {k: _to_plain(v, f"{path}[{k!r}]") for k, v in value.items()}
        items = [[_to_plain(k, path), _to_plain(v, f"{path}[{k!r}]")] for k, v in value.items()]
        return {_MARK: "dict", "items": items}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        fields = {
            f.name: _to_plain(getattr(value, f.name), f"{path}.{f.name}")
            for f in dataclasses.fields(value)
            if f.init
        }
        return {_MARK: "dataclass", "class": f"{cls.__module__}.{cls.__qualname__}", "fields": fields}
    raise TypeError(
        f"{path} is a {type(value).__name__}: the Redis queue holds plain data, bytes, tuples, dataclasses"
    )


def _from_plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_from_plain(v) for v in value]
    if not isinstance(value, dict):
        return value
    kind = value.get(_MARK)
    if kind is None:
        return {k: _from_plain(v) for k, v in value.items()}
    if kind == "bytes":
        return base64.b64decode(value["b64"])
    if kind == "tuple":
        return tuple(_from_plain(v) for v in value["items"])
    if kind == "dict":
        return {_from_plain(k): _from_plain(v) for k, v in value["items"]}
    if kind == "dataclass":
        path = value["class"]
        if not path.startswith(DECODABLE_MODULES):
            raise ValueError(
                f"refusing to rebuild {path} from the Redis queue: not under {DECODABLE_MODULES}"
            )
        cls = load_object(path)
        if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
            raise ValueError(f"{path} in the Redis queue is not a dataclass")
        return cls(**{k: _from_plain(v) for k, v in value["fields"].items()})
    raise ValueError(f"unknown tag {kind!r} in the Redis queue")


# --- dupefilter and scheduler -------------------------------------------------------------------------


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
    """scrapy-redis's scheduler with a worker registry, shared idle detection and last-out cleanup."""

    def __init__(
        self, crawler: Crawler, server: Any, keys: RedisKeys, dupefilter: RedisDupeFilter, **kwargs: Any
    ):
        flush_on_start = kwargs.pop("flush_on_start", False)
        super().__init__(server, queue_key=keys.requests, dupefilter=dupefilter, **kwargs)
        self.crawler = crawler
        self.stats = crawler.stats
        self.keys = keys
        self.flush_on_start_alone = flush_on_start or not self.persist
        self.filter_all = crawler.settings.getbool(FILTER_ALL_SETTING, True)
        self.idle_close = crawler.settings.getfloat(IDLE_CLOSE_SETTING, DEFAULT_IDLE_CLOSE_S)
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.clock: Any = None  # the reactor unless a test sets a twisted.internet.task.Clock
        self._heartbeat: Any = None
        self._idle_since: float | None = None
        self._last_busy_mark = -HEARTBEAT_S

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisScheduler:
        """Read REDIS_URL/REDIS_PARAMS, SCHEDULER_*, KZNEWS_REDIS_* settings; fail early if Redis is down."""
        settings = crawler.settings
        assert crawler.spider is not None, "the scheduler is built once the spider exists"
        server = connection.get_redis_from_settings(settings)
        server.ping()
        dupefilter = build_from_crawler(
            load_object(settings.get("DUPEFILTER_CLASS", DUPEFILTER_PATH)), crawler
        )
        if not isinstance(dupefilter, RedisDupeFilter):
            raise ValueError(f"RedisScheduler needs DUPEFILTER_CLASS = {DUPEFILTER_PATH!r} (or a subclass)")
        serializer = load_object(settings.get("SCHEDULER_SERIALIZER") or SERIALIZER_PATH)
        return cls(
            crawler,
            server,
            redis_keys(settings, crawler.spider.name),
            dupefilter,
            persist=settings.getbool("SCHEDULER_PERSIST"),
            flush_on_start=settings.getbool("SCHEDULER_FLUSH_ON_START"),
            queue_cls=settings.get("SCHEDULER_QUEUE_CLASS") or QUEUE_PATH,
            serializer=serializer,
        )

    def open(self, spider: Spider) -> None:
        """Join the worker registry, flush first when asked and alone, start the heartbeat."""
        # Not scrapy-redis's open(): its flush ignores other live workers; it calls deprecated Spider.log().
        self.spider = spider
        queue_cls = load_object(self.queue_cls)
        self.queue = queue_cls(
            server=self.server, spider=spider, key=self.queue_key, serializer=self.serializer
        )
        others = self._register(flush_if_alone=self.flush_on_start_alone)
        cleared = self.flush_on_start_alone and not others
        log.info(
            "distributed worker %s joins %s: %d other live workers, %d requests queued%s",
            self.worker_id,
            self.keys.requests,
            others,
            len(self.queue),
            " (cleared what an earlier run left)" if cleared else "",
        )
        self.crawler.signals.connect(self._on_idle, signal=signals.spider_idle)
        if self.clock is None:
            from twisted.internet import reactor  # installed by the crawl by now

            self.clock = reactor
        self._heartbeat = self.clock.callLater(HEARTBEAT_S, self._beat)

    def close(self, reason: str) -> None:
        """Leave the registry; the last worker out clears queue and dupefilter unless SCHEDULER_PERSIST."""
        if self._heartbeat is not None and self._heartbeat.active():
            self._heartbeat.cancel()
        self.crawler.signals.disconnect(self._on_idle, signal=signals.spider_idle)
        keys = (self.keys.workers, self.keys.requests, self.keys.dupefilter, self.keys.busy)
        args = (self.worker_id, self._now(), WORKER_TTL_S, int(not self.persist))
        others = int(self.server.eval(_LEAVE_LUA, len(keys), *keys, *args))
        if others:
            log.info("distributed worker %s leaves; %d workers still live", self.worker_id, others)
        elif self.persist:
            log.info("last worker out; SCHEDULER_PERSIST keeps %d queued requests", len(self))
        else:
            log.info("last worker out: cleared %s and %s", self.keys.requests, self.keys.dupefilter)

    def enqueue_request(self, request: Request) -> bool:
        """Queue ``request`` in Redis unless the shared dupefilter has seen it."""
        if self._filtered(request) and self.df.request_seen(request):
            self.df.log(request, self.spider)
            self.stats.inc_value("dupefilter/filtered")
            return False
        self.queue.push(request)
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        """Pop the best request of the shared queue (never blocks the reactor)."""
        request = self.queue.pop()
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
            self._idle_since = None
            self._mark_busy()
        return request

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
        return int(self.server.eval(_REGISTER_LUA, len(keys), *keys, *args))

    def _mark_busy(self) -> None:
        if time.monotonic() - self._last_busy_mark < HEARTBEAT_S / 2:
            return  # marked a moment ago: spare Redis two calls per request
        self._last_busy_mark = time.monotonic()
        self.server.zadd(self.keys.busy, {self.worker_id: self._now()})

    def _locally_busy(self) -> bool:
        engine = self.crawler.engine
        if engine is None:
            return False
        scraper_slot = getattr(engine.scraper, "slot", None)
        return bool(engine.downloader.active) or (scraper_slot is not None and not scraper_slot.is_idle())

    def _beat(self) -> None:
        self._heartbeat = self.clock.callLater(HEARTBEAT_S, self._beat)
        try:
            self._register()
            if self._locally_busy():
                self._mark_busy()
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
