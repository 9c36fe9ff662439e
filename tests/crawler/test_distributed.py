import json
import os
import re
import subprocess
import sys
import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
from scrapy import Request
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.request import request_from_dict
from scrapy.utils.test import get_crawler
from sqlalchemy import text
from twisted.internet.task import Clock

from crawler import distributed
from crawler.distributed import RedisScheduler
from crawler.fixturesite import FIXTURE_NOW, load_manifest
from crawler.profiles import PROFILES
from crawler.profiles.schema import Sitemap
from crawler.redisqueue import dumps, loads
from crawler.spiders.sites import SPIDERS
from db.engine import make_engine, make_sessionmaker
from db.migrate import ensure_schema
from db.repository import upsert_articles
from pipelines.article import Article
from tests.crawler.conftest import ROOT
from tests.fixture_data import EXPECTED
from tests.mockserver import index_by_path
from tests.services import require_redis_url

ADDON = {"crawler.distributed.DistributedAddon": 0}
SPIDER = SPIDERS["kazinform"]


@pytest.fixture
def no_redis_env(monkeypatch):
    monkeypatch.delenv("KZNEWS_REDIS_URL", raising=False)
    monkeypatch.delenv("KZNEWS_REDIS_PREFIX", raising=False)


@pytest.fixture
def redis_prefix(no_redis_env):
    """A fresh key namespace on the test Redis; only its own keys are deleted afterwards."""
    import redis

    url = require_redis_url()
    prefix = f"kznews-test-{uuid.uuid4().hex[:12]}"
    client = redis.Redis.from_url(url)
    yield url, prefix, client
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


# --- wiring ---------------------------------------------------------------------------------------------


def test_addon_stays_out_of_the_way_without_a_redis_url(no_redis_env):
    crawler = get_crawler(SPIDER, {"ADDONS": ADDON})
    assert crawler.settings["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"
    assert crawler.settings["DUPEFILTER_CLASS"] == "scrapy.dupefilters.RFPDupeFilter"


@pytest.mark.parametrize("via", ["setting", "environment"])
def test_addon_switches_to_redis_when_the_url_is_set(no_redis_env, monkeypatch, via):
    settings = {"ADDONS": ADDON}
    if via == "setting":
        settings["KZNEWS_REDIS_URL"] = "redis://127.0.0.1:6399/3"
    else:
        monkeypatch.setenv("KZNEWS_REDIS_URL", "redis://127.0.0.1:6399/3")
    crawler = get_crawler(SPIDER, settings)
    assert crawler.settings["SCHEDULER"] == "crawler.distributed.RedisScheduler"
    assert crawler.settings["DUPEFILTER_CLASS"] == "crawler.distributed.RedisDupeFilter"
    assert crawler.settings["REDIS_URL"] == "redis://127.0.0.1:6399/3"
    assert crawler.settings["SCHEDULER_SERIALIZER"] == "crawler.redisqueue"


def test_explicit_settings_beat_the_addon(no_redis_env):
    crawler = get_crawler(
        SPIDER, {"ADDONS": ADDON, "KZNEWS_REDIS_URL": "redis://x:1/0", "SCHEDULER_QUEUE_CLASS": "my.Queue"}
    )
    assert crawler.settings["SCHEDULER_QUEUE_CLASS"] == "my.Queue"


def test_keys_are_namespaced_per_prefix_and_spider(no_redis_env):
    crawler = get_crawler(SPIDER, {"KZNEWS_REDIS_PREFIX": "harvest7"})
    keys = distributed.redis_keys(crawler.settings, "kazinform")
    assert keys.requests == "harvest7:kazinform:requests"
    assert keys.dupefilter == "harvest7:kazinform:dupefilter"
    assert distributed.redis_keys(get_crawler(SPIDER).settings, "tengrinews").workers == (
        "kznews:tengrinews:workers"
    )
    with pytest.raises(ValueError, match="must not contain '%'"):
        distributed.redis_keys(crawler.settings, "a%(spider)s")


# --- requests as JSON -----------------------------------------------------------------------------------


def test_a_spider_request_survives_the_queue_as_plain_json():
    crawler = get_crawler(SPIDER, {"ITEM_PIPELINES": {}})
    spider = SPIDER.from_crawler(crawler, now=FIXTURE_NOW.isoformat())
    source = "https://www.inform.kz/sitemap.xml"  # sources travel by URL
    request = Request(
        "https://www.inform.kz/ru/lenta/?page=2",
        callback=spider.parse_listing,
        method="POST",
        body=b"\x00\xffbinary",
        headers={"X-Test": "1"},
        cb_kwargs={"source": source, "page": 2},
        meta={"retry_times": 1, "redirect_urls": ["https://a.kz/"], "pair": (1, "b"), "raw": {b"k": b"v"}},
        priority=10,
        dont_filter=True,
    )
    data = dumps(request.to_dict(spider=spider))
    assert b"pickle" not in data and isinstance(json.loads(data), dict)  # plain JSON text
    back = request_from_dict(loads(data), spider=spider)
    assert back.url == request.url and back.method == "POST" and back.body == b"\x00\xffbinary"
    assert back.callback == spider.parse_listing
    assert back.cb_kwargs == {"source": source, "page": 2}
    assert back.meta == request.meta  # the tuple stays a tuple, bytes keys stay bytes
    assert back.headers.getlist("X-Test") == [b"1"]
    assert (back.priority, back.dont_filter) == (10, True)


def test_what_json_cannot_hold_is_a_clear_error():
    with pytest.raises(TypeError, match=r"request\['meta'\]\['when'\] is a object"):
        dumps({"url": "https://a.kz/", "meta": {"when": object()}})


def test_nothing_the_queue_names_is_imported():
    with pytest.raises(ValueError, match=r"refusing request class 'os\.system'"):
        loads(json.dumps({"url": "https://www.inform.kz/ru/x", "_class": "os.system"}))
    with pytest.raises(ValueError, match="unknown tag 'dataclass'"):
        loads(json.dumps({"x": {"__kznews__": "dataclass", "class": "subprocess.Popen", "fields": {}}}))
    plain = loads(json.dumps({"url": "https://www.inform.kz/ru/x", "_class": "scrapy.http.request.Request"}))
    assert "_class" not in plain  # built as a plain Request, without load_object()
    with pytest.raises(TypeError, match=r"request\['cb_kwargs'\]\['source'\] is a Sitemap"):
        dumps({"cb_kwargs": {"source": Sitemap("https://www.inform.kz/sitemap.xml", edition="ru")}})


# --- scheduler lifecycle on a real Redis ----------------------------------------------------------------


def make_scheduler(url, prefix, **settings):
    crawler = get_crawler(
        SPIDER,
        {
            "ADDONS": ADDON,
            "ITEM_PIPELINES": {},
            "KZNEWS_REDIS_URL": url,
            "KZNEWS_REDIS_PREFIX": prefix,
            **settings,
        },
    )
    crawler.spider = SPIDER.from_crawler(crawler, now=FIXTURE_NOW.isoformat())
    scheduler = RedisScheduler.from_crawler(crawler)
    scheduler.clock = Clock()  # heartbeats on a fake clock: no reactor in the test process
    scheduler.open(crawler.spider)
    return scheduler


def article(url="https://www.inform.kz/ru/x-a1f3c9", **kwargs):
    return Request(url, dont_filter=True, **kwargs)  # NewsSpider marks every request dont_filter


def test_two_workers_share_one_queue_and_one_dupefilter(redis_prefix):
    url, prefix, client = redis_prefix
    first, second = make_scheduler(url, prefix), make_scheduler(url, prefix)
    assert first.enqueue_request(article()) is True
    assert second.enqueue_request(article()) is False  # dont_filter or not: seen by the other worker
    assert second.enqueue_request(article(meta={"retry_times": 1})) is True  # a retry goes through
    popped = [second.next_request(), first.next_request(), first.next_request()]
    assert [r.url for r in popped[:2]] == [article().url] * 2 and popped[2] is None
    assert second.crawler.stats.get_value("dupefilter/filtered") == 1
    first.close("finished")
    assert client.exists(f"{prefix}:kazinform:dupefilter")  # the second worker still runs on it
    second.close("finished")
    assert not client.keys(f"{prefix}:*")  # the last worker out cleared the crawl


def test_a_request_injected_into_redis_is_refused_unless_the_spider_could_have_made_it(redis_prefix):
    url, prefix, client = redis_prefix
    worker = make_scheduler(url, prefix)
    good = {"url": "https://www.inform.kz/ru/x-a1f3c9", "callback": "parse_article", "dont_filter": True}
    injected = [
        b"not json",
        json.dumps({**good, "_class": "os.system"}),
        json.dumps({**good, "url": "http://127.0.0.1:8080/internal/admin"}),
        json.dumps({**good, "url": "file:///etc/passwd"}),
        json.dumps({**good, "url": "ftp://www.inform.kz/ru/x"}),
        json.dumps({**good, "callback": "close"}),
        json.dumps({**good, "callback": "no_such_method"}),
    ]
    for score, entry in enumerate(injected):
        client.zadd(f"{prefix}:kazinform:requests", {entry: score})
    client.zadd(f"{prefix}:kazinform:requests", {json.dumps(good): len(injected)})
    request = worker.next_request()
    assert request.url == good["url"] and request.callback == worker.spider.parse_article
    assert worker.crawler.stats.get_value("kznews/dropped/queue_refused") == len(injected)
    assert worker.next_request() is None
    worker.close("finished")


def test_persist_keeps_the_queue_for_the_next_run_unless_flushed_on_start(redis_prefix):
    url, prefix, _ = redis_prefix
    worker = make_scheduler(url, prefix, SCHEDULER_PERSIST=True)
    worker.enqueue_request(article())
    worker.enqueue_request(article("https://www.inform.kz/ru/y-b2c3d4"))
    worker.next_request()
    worker.close("shutdown")
    resumed = make_scheduler(url, prefix, SCHEDULER_PERSIST=True)
    assert len(resumed) == 1 and resumed.enqueue_request(article()) is False
    resumed.close("shutdown")
    fresh = make_scheduler(url, prefix, SCHEDULER_PERSIST=True, SCHEDULER_FLUSH_ON_START=True)
    assert len(fresh) == 0 and fresh.enqueue_request(article()) is True
    fresh.close("finished")


def test_without_persist_a_lone_starter_clears_a_dead_runs_leftovers(redis_prefix):
    url, prefix, client = redis_prefix
    client.sadd(f"{prefix}:kazinform:dupefilter", "stale")
    client.zadd(f"{prefix}:kazinform:requests", {"stale": 0})
    worker = make_scheduler(url, prefix)
    assert len(worker) == 0 and not client.exists(f"{prefix}:kazinform:dupefilter")
    worker.close("finished")


def test_an_idle_worker_waits_for_busy_ones_then_closes(redis_prefix):
    url, prefix, client = redis_prefix
    idle = make_scheduler(url, prefix, KZNEWS_REDIS_IDLE_CLOSE=0)
    busy = make_scheduler(url, prefix, KZNEWS_REDIS_IDLE_CLOSE=0)
    busy._mark_busy()  # as when it pops a request
    with pytest.raises(DontCloseSpider):
        idle._on_idle(idle.spider)  # the busy worker may still queue pages
    client.zrem(f"{prefix}:kazinform:busy", busy.worker_id)  # its busy mark expired
    idle._on_idle(idle.spider)  # returns: the spider may close
    busy.close("finished")
    idle.close("finished")


# --- two crawler processes ------------------------------------------------------------------------------


def stat(log: str, name: str) -> int:
    """One value of the stats dump a crawl prints at its end (0 when absent)."""
    found = re.search(rf"'{re.escape(name)}': (\d+)", log)
    return int(found.group(1)) if found else 0


@pytest.mark.slow
@pytest.mark.redis
@pytest.mark.postgres
def test_two_crawler_processes_fetch_each_page_once_and_store_each_article_once(
    fresh_mockserver, redis_prefix, pg_schema_url, tmp_path
):
    mockserver = fresh_mockserver  # its own server: the 429-once page is not spent by another test
    redis_url, prefix, _ = redis_prefix
    env = {
        **os.environ,
        "KZNEWS_REDIS_URL": redis_url,
        "KZNEWS_REDIS_PREFIX": prefix,
        "KZNEWS_DATABASE_URL": pg_schema_url,
    }
    command = [sys.executable, "-m", "scrapy", "crawl", "kazinform", "-a", f"now={FIXTURE_NOW.isoformat()}"]
    for name, value in {
        "KZNEWS_HOST_MAP": json.dumps(mockserver.host_map()),
        "DOWNLOAD_DELAY": "0.3",  # long enough a crawl for both workers to draw from the queue
        "CONCURRENT_REQUESTS": "2",  # a worker holds at most two requests: the rest stay shared
        "AUTOTHROTTLE_ENABLED": "False",
        "KZNEWS_RETRY_BACKOFF_MAX": "1",
        "KZNEWS_REDIS_IDLE_CLOSE": "1",
        "KZNEWS_EXTRACT_WORKERS": "0",
    }.items():
        command += ["-s", f"{name}={value}"]
    logs = [tmp_path / f"worker{i}.log" for i in (1, 2)]
    handles = [path.open("w") for path in logs]
    workers = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
        for handle in handles
    ]
    try:
        codes = [worker.wait(timeout=90) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
        for handle in handles:
            handle.close()
    texts = [path.read_text("utf-8") for path in logs]
    assert codes == [0, 0], "\n\n".join(t[-3000:] for t in texts)

    # Every page once in total, but for two explained exceptions.
    served = Counter(mockserver.log())
    total = sum(served.values())
    robots_middleware = sum(stat(t, "robotstxt/request_count") for t in texts)
    robots = {path: n for path, n in served.items() if path.endswith("/robots.txt")}
    robots_seeds = [
        u for s in PROFILES["kazinform"].sources if (u := getattr(s, "url", "")).endswith("robots.txt")
    ]
    # RobotsTxtMiddleware: each worker fetches each host's robots.txt itself; a seed robots.txt is a page.
    assert sum(robots.values()) == robots_middleware + len(robots_seeds)
    for seed in robots_seeds:
        assert robots.pop(f"/{urlsplit(seed).hostname}/robots.txt") >= 2
    assert all(1 <= n <= len(workers) for n in robots.values()), robots
    retried = [path for path, page in index_by_path(load_manifest()).items() if page.retry_once_429]
    assert retried
    for path in retried:  # 429 with Retry-After, then 200: two fetches, the retry through the queue too
        assert served.pop(path) == 2, path
    pages = {path: n for path, n in served.items() if not path.endswith("/robots.txt")}
    assert pages and all(n == 1 for n in pages.values()), {p: n for p, n in pages.items() if n > 1}

    # Both workers drew from the shared queue, and every other download came through it.
    dequeued = [stat(t, "scheduler/dequeued/redis") for t in texts]
    assert min(dequeued) >= 1 and sum(dequeued) == total - robots_middleware, dequeued

    # Every expected article stored once, by one worker: none written twice.
    expected = EXPECTED
    kazinform = {url for url, fields in expected.items() if fields["site"] == "kazinform"}
    engine = make_engine(pg_schema_url)
    try:
        with engine.connect() as connection:
            stored = Counter(url for (url,) in connection.execute(text("SELECT url FROM articles")))
            versions = connection.execute(text("SELECT count(*) FROM article_versions")).scalar_one()
    finally:
        engine.dispose()
    assert set(stored) == kazinform and set(stored.values()) == {1}
    assert versions == 0
    assert sum(stat(t, "kznews/stored") for t in texts) == len(kazinform)
    assert not any(stat(t, "kznews/updated") or stat(t, "kznews/unchanged") for t in texts)
    assert not redis_prefix[2].keys(f"{prefix}:*")  # the last worker out cleared the crawl


@pytest.mark.postgres
def test_concurrent_upserts_of_one_article_leave_one_row(pg_schema_url):
    """What two workers storing the same article at once would do (the dupefilter normally prevents it)."""
    engine = make_engine(pg_schema_url)
    ensure_schema(engine)
    factory = make_sessionmaker(engine)
    batch = [
        Article(
            url=f"https://www.inform.kz/ru/story-{i}",
            site="kazinform",
            edition="ru",
            lang="ru",
            title=f"Story {i}",
            paragraphs=(f"Body of story {i}.",),
        )
        for i in range(20)
    ]
    barrier = threading.Barrier(4)

    def store() -> None:
        with factory() as session:
            barrier.wait()
            upsert_articles(session, batch)
            session.commit()

    try:
        with ThreadPoolExecutor(4) as pool:
            for future in [pool.submit(store) for _ in range(4)]:
                future.result()  # no IntegrityError from the unique canonical_url
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT canonical_url, count(*) FROM articles GROUP BY 1")).all()
    finally:
        engine.dispose()
    assert sorted(url for url, _ in rows) == sorted(a.url for a in batch)
    assert {n for _, n in rows} == {1}
