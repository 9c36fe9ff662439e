"""Resume: requests survive JOBDIR disk queues; a crawl SIGKILLed halfway finishes on restart, once each."""

from __future__ import annotations

import asyncio
import pickle
import signal
import sqlite3
import subprocess
import threading
import time
from collections import deque
from urllib.parse import urlsplit

import pytest
from scrapy.utils.request import request_from_dict

from crawler.fixturesite import DEFAULT_MANIFEST, load_manifest
from crawler.profiles import PROFILES
from crawler.profiles.schema import Listing, Rss, Sitemap
from tests.crawler.test_incremental import crawl_stats
from tests.crawler.test_spiders import PAGES, drain, fixture_response, make_spider
from tests.crawls import ROOT, crawl_command
from tests.fixture_data import EXPECTED
from tests.mockserver import FixtureHandler, FixtureServer

KILL_AFTER = 3  # articles stored before the first run is killed
SOURCE_CALLBACKS = {Sitemap: "parse_sitemap", Rss: "parse_rss", Listing: "parse_listing"}
REDIRECT_TARGET = "https://www.inform.kz/kz/turkistan-oblysynda-makta-zhinau-nauqany-ayaqtaluga-zhaqyn-3f9b12"


def all_requests(site):
    """Every request the spider makes while discovering the fixture site (discovery pages and articles)."""
    spider = make_spider(site)

    async def collect():
        return [r async for r in spider.start()]

    queue = deque(asyncio.run(collect()))
    made = []
    while queue:
        request = queue.popleft()
        made.append(request)
        if request.url in PAGES and request.callback != spider.parse_article:
            queue.extend(drain(request.callback(fixture_response(request.url, request), **request.cb_kwargs)))
    return spider, made


@pytest.mark.parametrize("site", sorted(PROFILES))
def test_every_request_pickles_for_a_disk_queue_and_comes_back_working(site):
    spider, made = all_requests(site)
    stated = {SOURCE_CALLBACKS[type(source)] for source in PROFILES[site].sources}
    assert {"parse_article", *stated} <= {r.callback.__name__ for r in made}  # discovery's own too, if any
    for request in made:
        # What scrapy.squeues.PickleLifoDiskQueue does, then what the next process reads back.
        restored = request_from_dict(
            pickle.loads(pickle.dumps(request.to_dict(spider=spider), 4)), spider=spider
        )
        assert restored.callback == request.callback and restored.cb_kwargs == request.cb_kwargs
        assert restored.dont_filter and all(isinstance(v, str | int) for v in restored.cb_kwargs.values())
    # a request naming its source by URL (a stated one, or one discovery found)
    source = next(
        r for r in made if r.callback.__name__ in SOURCE_CALLBACKS.values()
    )  # a source named by URL
    fresh = make_spider(site)  # the next process
    restored = request_from_dict(source.to_dict(spider=spider), spider=fresh)
    again = drain(restored.callback(fixture_response(restored.url, restored), **restored.cb_kwargs))
    assert again  # the source named by its URL is found again in the profile


def test_a_queued_source_the_profile_no_longer_has_is_dropped_and_counted():
    spider = make_spider("tengrinews")
    response = fixture_response("https://tengrinews.kz/news/page/1/")
    assert drain(spider.parse_listing(response, "https://tengrinews.kz/old-lenta/{page}/", 1)) == []
    assert spider.crawler.stats.get_value("kznews/dropped/unknown_source") == 1


class GatedHandler(FixtureHandler):
    """Serves the fixture site; article pages past the first few wait until the gate opens."""

    server: GatedServer

    def do_GET(self) -> None:
        """Hold an article page while the gate is closed and enough were served."""
        if self.path in self.server.article_paths:
            with self.server.lock:
                self.server.articles_served += 1
                hold = self.server.articles_served > KILL_AFTER
            if hold:
                self.server.gate.wait(timeout=60)
        try:
            super().do_GET()
        except (BrokenPipeError, ConnectionResetError):  # the crawler was killed while we waited
            pass


class GatedServer(FixtureServer):
    """The fixture server with a gate on article pages."""

    def __init__(self, article_urls):
        super().__init__(load_manifest(DEFAULT_MANIFEST))
        self.RequestHandlerClass = GatedHandler
        self.article_paths = {f"/{urlsplit(u).hostname}{urlsplit(u).path}" for u in article_urls}
        self.articles_served = 0
        self.gate = threading.Event()

    def host_map(self):
        origins = {f"{urlsplit(u).scheme}://{urlsplit(u).hostname}" for u in load_manifest(DEFAULT_MANIFEST)}
        return {origin: f"{self.base_url}/{urlsplit(origin).hostname}" for origin in sorted(origins)}


@pytest.fixture
def gated_site():
    wanted = [u for u, e in EXPECTED.items() if e["site"] == "kazinform"]
    server = GatedServer(wanted)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.gate.set()
        server.shutdown()
        server.server_close()


def rows(db_path, query):
    with sqlite3.connect(db_path, timeout=30) as connection:
        return connection.execute(query).fetchall()


def article_count(db_path):
    try:
        return rows(db_path, "SELECT count(*) FROM articles")[0][0]
    except sqlite3.OperationalError:  # database or table not created yet
        return 0


@pytest.mark.slow
def test_a_crawl_killed_halfway_resumes_with_the_same_jobdir_without_duplicates_or_losses(
    gated_site, tmp_path
):
    expected = {u for u, e in EXPECTED.items() if e["site"] == "kazinform"}
    db_path = tmp_path / "kznews.sqlite3"
    jobdir = tmp_path / "job"
    command = crawl_command(
        "kazinform",
        f"sqlite:///{db_path}",
        {
            "KZNEWS_HOST_MAP": gated_site.host_map(),
            "JOBDIR": jobdir,
            "KZNEWS_DB_BATCH_SIZE": 1,  # every article is committed as soon as it is cleaned
            "KZNEWS_EXTRACT_WORKERS": 0,  # no worker processes left behind by the SIGKILL
            "KZNEWS_RETRY_BACKOFF_MAX": 1,
        },
    )
    with (tmp_path / "killed.log").open("w") as log:
        killed = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 90
        while article_count(db_path) < KILL_AFTER and time.monotonic() < deadline and killed.poll() is None:
            time.sleep(0.1)
        time.sleep(0.5)  # let anything in flight land: the count must stay at KILL_AFTER
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=30)
    assert killed.returncode == -signal.SIGKILL, (tmp_path / "killed.log").read_text()[-3000:]
    before = {row[0] for row in rows(db_path, "SELECT canonical_url FROM articles")}
    assert len(before) == KILL_AFTER < len(expected)  # killed halfway, the rest held at the server
    # counted with each committed batch: a killed run's row shows what it stored
    assert rows(db_path, "SELECT status, stored FROM crawl_runs") == [("running", KILL_AFTER)]
    assert (jobdir / "requests.queue").is_dir() and (jobdir / "requests.seen").exists()

    served_before = len(gated_site.requests)
    gated_site.gate.set()
    resumed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    stats = crawl_stats(resumed.stderr)

    stored = rows(db_path, "SELECT canonical_url, url FROM articles")
    assert {canonical for canonical, _ in stored} == expected  # nothing lost
    assert len(stored) == len(expected) == len({url for _, url in stored})  # nothing twice
    assert stats["kznews/stored"] == len(expected) - KILL_AFTER
    assert stats["scheduler/enqueued/disk"] > 0 and "scheduler/unserializable" not in stats
    # Articles stored before the kill are not fetched again; only a redirect target may be, as its alias
    # is recorded at the end of a run (the killed run had no end).
    refetched = {path for path in gated_site.requests[served_before:] if path in gated_site.article_paths} & {
        f"/{urlsplit(u).hostname}{urlsplit(u).path}" for u in before
    }
    assert refetched <= {f"/{urlsplit(REDIRECT_TARGET).hostname}{urlsplit(REDIRECT_TARGET).path}"}
    assert stats["kznews/skipped/known"] >= KILL_AFTER - len(refetched)

    runs = rows(db_path, "SELECT id, status FROM crawl_runs ORDER BY id")
    # The killed run's row is closed by `kznews harvest` (stale runs marked failed), not by the crawl.
    assert runs[0][1] in ("running", "failed") and runs[1][1] == "finished" and len(runs) == 2
    assert rows(db_path, "SELECT last_run_id FROM site_state") == [(runs[1][0],)]
