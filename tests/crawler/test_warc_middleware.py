"""Tests for crawler/middlewares/warc.py: settings, record, replay, and a real crawl replayed offline."""

import gzip
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.middlewares.warc import WarcArchiveMiddleware
from crawler.warcstore import iter_responses, read_record
from crawler.warcwriter import write_archive

REPO = Path(__file__).resolve().parents[2]
SITE = "http://fixture.invalid"
PAGE = b"<html><head><title>%s</title></head><body><p>text</p></body></html>"


class NewsSpider(Spider):
    name = "fixture"


def make_mw(settings):
    crawler = get_crawler(NewsSpider, settings)
    crawler.spider = crawler._create_spider()
    crawler.stats.open_spider()
    mw = build_from_crawler(WarcArchiveMiddleware, crawler)
    mw.spider_opened(crawler.spider)
    return mw, crawler


def stat(crawler, key):
    return crawler.stats.get_value(key)


@pytest.fixture
def archive(tmp_path):
    path = tmp_path / "replay.warc.gz"
    write_archive(
        path,
        [
            (f"{SITE}/a", 200, {"Content-Type": "text/html; charset=utf-8", "X-Id": "a"}, PAGE % b"A"),
            (f"{SITE}/feed.xml", 200, {"Content-Type": "application/xml"}, b"<?xml version='1.0'?><rss/>"),
            (f"{SITE}/robots.txt", 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow:\n"),
        ],
    )
    return path


class TestSettings:
    def test_off_when_neither_archive_nor_replay(self):
        with pytest.raises(NotConfigured):
            build_from_crawler(WarcArchiveMiddleware, get_crawler(NewsSpider))

    def test_enabled_false_wins(self, tmp_path):
        crawler = get_crawler(NewsSpider, {"KZNEWS_ARCHIVE": str(tmp_path), "KZNEWS_WARC_ENABLED": False})
        with pytest.raises(NotConfigured):
            build_from_crawler(WarcArchiveMiddleware, crawler)

    def test_missing_replay_path_fails_instead_of_going_online(self, tmp_path):
        crawler = get_crawler(NewsSpider, {"KZNEWS_REPLAY": str(tmp_path / "missing")})
        with pytest.raises(FileNotFoundError):
            build_from_crawler(WarcArchiveMiddleware, crawler)

    def test_replay_wins_over_archive_with_a_warning(self, tmp_path, archive, caplog):
        with caplog.at_level(logging.WARNING):
            mw, _ = make_mw({"KZNEWS_REPLAY": str(archive), "KZNEWS_ARCHIVE": str(tmp_path / "out")})

        assert mw.writer is None and mw.replay is not None
        assert "replaying" in caplog.text
        assert not (tmp_path / "out").exists()


class TestRecord:
    def test_records_every_hop_and_sets_provenance(self, tmp_path):
        mw, crawler = make_mw({"KZNEWS_ARCHIVE": str(tmp_path)})
        first = Request(f"{SITE}/old")
        moved = Response(first.url, status=301, headers={"Location": "/new"}, request=first)
        second = first.replace(url=f"{SITE}/new")
        final = HtmlResponse(second.url, body=PAGE % b"New", request=second)

        assert mw.process_response(first, moved) is moved
        hop = dict(first.meta["kznews_warc"])
        assert mw.process_response(second, final) is final
        mw.spider_closed(crawler.spider)

        assert stat(crawler, "warc/record") == 2
        assert second.meta["kznews_warc"]["offset"] > hop["offset"]
        assert read_record(tmp_path / hop["file"], hop["offset"]).status == 301
        archived = read_record(
            tmp_path / final.meta["kznews_warc"]["file"], final.meta["kznews_warc"]["offset"]
        )
        assert (archived.url, archived.body) == (final.url, final.body)
        assert final.meta["kznews_warc"]["fetched_at"].startswith("20")
        (path,) = tmp_path.glob("kznews-fixture-*-00000.warc.gz")
        assert str(path) == hop["file"]  # the path as configured: what reprocess opens

    def test_rotates_files_at_max_bytes(self, tmp_path):
        mw, crawler = make_mw({"KZNEWS_ARCHIVE": str(tmp_path), "KZNEWS_ARCHIVE_MAX_BYTES": 1000})
        for n in range(5):
            request = Request(f"{SITE}/{n}")
            mw.process_response(request, HtmlResponse(request.url, body=PAGE % str(n).encode() * 30))
        mw.spider_closed(crawler.spider)

        assert len(list(tmp_path.glob("*.warc.gz"))) == 5

    def test_unusable_archive_dir_fails_at_open(self, tmp_path):
        blocker = tmp_path / "file"
        blocker.write_text("")
        with pytest.raises(NotADirectoryError):
            make_mw({"KZNEWS_ARCHIVE": str(blocker / "sub")})

    def test_write_error_mid_crawl_is_counted_and_the_page_kept(self, tmp_path):
        mw, crawler = make_mw({"KZNEWS_ARCHIVE": str(tmp_path / "warc")})
        (tmp_path / "warc").rmdir()  # e.g. the archive volume went away
        request = Request(f"{SITE}/a")
        response = HtmlResponse(request.url, body=b"x")

        assert mw.process_response(request, response) is response
        assert stat(crawler, "warc/store_error") == 1 and "kznews_warc" not in request.meta

    def test_process_request_does_nothing_when_recording(self, tmp_path):
        mw, _ = make_mw({"KZNEWS_ARCHIVE": str(tmp_path)})
        assert mw.process_request(Request(f"{SITE}/a")) is None


class TestReplay:
    def test_hit_returns_the_archived_response(self, archive):
        mw, crawler = make_mw({"KZNEWS_REPLAY": str(archive)})
        request = Request(f"{SITE}/a")

        response = mw.process_request(request)

        assert isinstance(response, HtmlResponse)
        assert (response.url, response.status, response.body) == (request.url, 200, PAGE % b"A")
        assert response.headers["X-Id"] == b"a" and response.request is request
        assert response.css("title::text").get() == "A"
        assert request.meta["kznews_warc"]["file"] == str(archive)
        assert read_record(archive, request.meta["kznews_warc"]["offset"]).url == request.url
        assert stat(crawler, "warc/replay_hit") == 1

    @pytest.mark.parametrize(("path", "cls"), [("/feed.xml", XmlResponse), ("/robots.txt", TextResponse)])
    def test_response_class_follows_content_type(self, archive, path, cls):
        mw, _ = make_mw({"KZNEWS_REPLAY": str(archive)})
        assert type(mw.process_request(Request(SITE + path))) is cls

    def test_miss_is_a_counted_404(self, archive, caplog):
        mw, crawler = make_mw({"KZNEWS_REPLAY": str(archive)})
        with caplog.at_level(logging.DEBUG, logger="crawler.middlewares.warc"):
            response = mw.process_request(Request(f"{SITE}/unknown"))

        assert response.status == 404 and response.url == f"{SITE}/unknown"
        assert stat(crawler, "warc/replay_miss") == 1 and stat(crawler, "warc/replay_hit") is None
        assert "Not in the archive" in caplog.text

    def test_non_get_request_is_a_miss(self, archive):
        mw, crawler = make_mw({"KZNEWS_REPLAY": str(archive)})
        assert mw.process_request(Request(f"{SITE}/a", method="POST")).status == 404
        assert stat(crawler, "warc/replay_miss") == 1

    def test_directory_of_several_files(self, tmp_path):
        for n in range(3):
            write_archive(tmp_path / f"part-{n}.warc.gz", [(f"{SITE}/{n}", 200, {}, b"body %d" % n)])
        mw, crawler = make_mw({"KZNEWS_REPLAY": str(tmp_path)})

        bodies = [mw.process_request(Request(f"{SITE}/{n}")).body for n in range(3)]

        assert bodies == [b"body 0", b"body 1", b"body 2"]
        assert stat(crawler, "warc/replay_hit") == 3


class TestRecordThenReplay:
    def test_replay_gives_back_what_was_recorded_as_sent(self, tmp_path):
        recorder, crawler = make_mw({"KZNEWS_ARCHIVE": str(tmp_path)})
        request = Request(f"{SITE}/gz")
        headers = {
            "Content-Type": "text/html; charset=utf-8",
            "Content-Encoding": "gzip",
            "Set-Cookie": ["a=1", "b=2"],
        }
        sent = Response(
            request.url, status=200, headers=headers, body=gzip.compress(PAGE % b"Gz"), request=request
        )
        recorder.process_response(request, sent)
        recorder.spider_closed(crawler.spider)

        replayer, crawler = make_mw({"KZNEWS_REPLAY": str(tmp_path)})
        replayed = replayer.process_request(Request(request.url))

        assert (replayed.url, replayed.status, replayed.body) == (sent.url, sent.status, sent.body)
        assert replayed.headers == sent.headers and "warc_replay" in replayed.flags
        # replay hands Scrapy the raw bytes; the compression middleware decodes them as on a live fetch
        decoded = build_from_crawler(HttpCompressionMiddleware, crawler).process_response(
            replayed.request, replayed
        )
        assert isinstance(decoded, HtmlResponse) and decoded.css("title::text").get() == "Gz"


SPIDER = """
import json
import scrapy


class FixtureSpider(scrapy.Spider):
    name = "fixture"
    custom_settings = {
        "DOWNLOADER_MIDDLEWARES": {"crawler.middlewares.warc.WarcArchiveMiddleware": 950},
        "ROBOTSTXT_OBEY": True,
        "DNS_TIMEOUT": 2,
        "DOWNLOAD_TIMEOUT": 5,
        "RETRY_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
    }

    def __init__(self, start, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [start]

    def parse(self, response):
        yield from response.follow_all(css="a", callback=self.parse_article)

    def parse_article(self, response):
        title = response.css("h1::text").get()
        yield {"url": response.url, "title": title, "warc": response.meta["kznews_warc"]}

    def closed(self, reason):
        with open(self.settings["STATS_OUT"], "w") as fh:
            json.dump(self.crawler.stats.get_stats(), fh, default=str)
"""

SERVER = """
import gzip
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

INDEX = b'<html><body><a href="/1">1</a><a href="/old">2</a><a href="/gone">3</a></body></html>'
ARTICLE = "<html><body><h1>%s</h1></body></html>"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/old":
            return self.reply(301, b"", Location="/2")
        pages = {"/": INDEX, "/1": ARTICLE % "Бірінші", "/2": ARTICLE % "Second"}
        if self.path not in pages:
            return self.reply(404, b"not found")
        body = pages[self.path] if isinstance(pages[self.path], bytes) else pages[self.path].encode()
        if self.path == "/1":  # served compressed, as the news sites do
            return self.reply(200, gzip.compress(body), **{"Content-Encoding": "gzip"})
        return self.reply(200, body)

    def reply(self, status, body, **headers):
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


def run_spider(workdir: Path, start: str, **settings) -> tuple[list[dict], dict]:
    """Run the fixture spider with `scrapy runspider` outside the repo (no scrapy.cfg applies)."""
    (workdir / "spider.py").write_text(SPIDER)
    items, stats = workdir / "items.jsonl", workdir / "stats.json"
    args = [
        arg for key, value in {**settings, "STATS_OUT": stats}.items() for arg in ("-s", f"{key}={value}")
    ]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "runspider",
            "spider.py",
            "-a",
            f"start={start}",
            "-O",
            str(items),
            *args,
        ],
        cwd=workdir,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found = sorted((json.loads(line) for line in items.read_text().splitlines()), key=lambda i: i["url"])
    return found, json.loads(stats.read_text())


@pytest.fixture
def loopback_site(tmp_path):
    script = tmp_path / "server.py"
    script.write_text(SERVER)
    server = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        yield f"http://127.0.0.1:{server.stdout.readline().strip()}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.slow
def test_real_crawl_runs_entirely_from_the_archive(tmp_path):
    article = b"<html><body><h1>%s</h1></body></html>"
    index = b'<html><body><a href="/1">1</a><a href="/old">2</a><a href="/gone">3</a></body></html>'
    html = {"Content-Type": "text/html; charset=utf-8"}
    write_archive(
        tmp_path / "site.warc.gz",
        [
            (f"{SITE}/", 200, html, index),
            (
                f"{SITE}/1",
                200,
                {**html, "Content-Encoding": "gzip"},
                gzip.compress(article % "Бірінші".encode()),
            ),
            (f"{SITE}/old", 301, {"Location": f"{SITE}/2"}, b""),
            (f"{SITE}/2", 200, html, article % b"Second"),
        ],
    )

    found, stats = run_spider(tmp_path, f"{SITE}/", KZNEWS_REPLAY=tmp_path / "site.warc.gz")

    assert [(i["url"], i["title"]) for i in found] == [(f"{SITE}/1", "Бірінші"), (f"{SITE}/2", "Second")]
    for item in found:
        assert read_record(tmp_path / item["warc"]["file"], item["warc"]["offset"]).url == item["url"]
    assert stats["warc/replay_hit"] == 4  # index, /1, /old (301), /2
    assert stats["warc/replay_miss"] == 2  # robots.txt and /gone
    assert stats.get("downloader/exception_count") is None  # nothing tried the network
    assert stats["downloader/response_status_count/301"] == 1


@pytest.mark.slow
def test_live_crawl_recorded_then_replayed_offline_gives_the_same_items(tmp_path, loopback_site):
    live_dir, replay_dir, archive = tmp_path / "live", tmp_path / "replay", tmp_path / "warc"
    live_dir.mkdir()
    replay_dir.mkdir()

    live, live_stats = run_spider(live_dir, f"{loopback_site}/", KZNEWS_ARCHIVE=archive)

    assert [i["title"] for i in live] == ["Бірінші", "Second"]
    # robots.txt (404), index, /1, /old (301), /2, /gone (404): every hop as fetched
    assert live_stats["warc/record"] == 6
    archived = {a.url: a for a in iter_responses(archive, decode_content=False)}
    assert archived[f"{loopback_site}/old"].status == 301
    assert archived[f"{loopback_site}/1"].header("Content-Encoding") == "gzip"  # stored as sent
    assert gzip.decompress(archived[f"{loopback_site}/1"].body).decode().count("Бірінші") == 1
    for item in live:
        record = read_record(archive / item["warc"]["file"], item["warc"]["offset"])
        assert record.url == item["url"] and item["title"] in record.body.decode()

    # the server is still up: only the hit/miss stats prove nothing left the archive
    replayed, replay_stats = run_spider(replay_dir, f"{loopback_site}/", KZNEWS_REPLAY=archive)

    assert [(i["url"], i["title"]) for i in replayed] == [(i["url"], i["title"]) for i in live]
    assert [i["warc"]["offset"] for i in replayed] == [i["warc"]["offset"] for i in live]
    assert replay_stats["warc/replay_hit"] == 6 and replay_stats.get("warc/replay_miss") is None
