import asyncio
import json
import re

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler import hostmap
from crawler.hostmap import HostMapAddon, HostMapDownloadHandler, map_url
from tests.crawls import crawl
from tests.fixture_data import EXPECTED

MIRROR = "http://127.0.0.1:8123/www.inform.kz"
HOST_MAP = {"https://www.inform.kz": MIRROR}


class TestMapUrl:
    @pytest.mark.parametrize(
        ("url", "mapped"),
        [
            ("https://www.inform.kz/ru/lenta?page=2", f"{MIRROR}/ru/lenta?page=2"),
            ("https://www.inform.kz", MIRROR),
            ("https://www.inform.kz?x=1", f"{MIRROR}?x=1"),
            ("https://www.inform.kz.evil.org/ru/", None),
            ("https://qz.inform.kz/news/", None),
        ],
    )
    def test_prefix_matches_only_at_a_boundary(self, url, mapped):
        assert map_url(url, HOST_MAP) == mapped


class FakeHttpHandler:
    """Stands in for Scrapy's HTTP download handler: records what it was asked to download."""

    def __init__(self, response_for):
        self.response_for = response_for
        self.requested = []

    async def download_request(self, request):
        self.requested.append(request.url)
        return self.response_for(request)


def middleware(response_for):
    crawler = get_crawler(settings_dict={"KZNEWS_HOST_MAP": HOST_MAP})
    crawler.stats.open_spider()
    handlers = FakeHttpHandler(response_for)
    return HostMapDownloadHandler(crawler, handlers, HOST_MAP), handlers


class TestHostMapDownloadHandler:
    def test_not_configured_when_the_map_is_empty(self):
        with pytest.raises(NotConfigured):
            HostMapAddon.from_crawler(get_crawler(settings_dict={"KZNEWS_HOST_MAP": {}}))

    def test_json_text_from_the_command_line_is_accepted(self, monkeypatch):
        monkeypatch.setattr(hostmap, "build_from_crawler", lambda cls, crawler: FakeHttpHandler(None))
        crawler = get_crawler(settings_dict={"KZNEWS_HOST_MAP": json.dumps(HOST_MAP)})
        assert HostMapDownloadHandler.from_crawler(crawler).to_mirror == HOST_MAP

    def test_the_addon_installs_the_handler_for_http_and_https(self):
        settings = Settings({"KZNEWS_HOST_MAP": HOST_MAP})
        HostMapAddon().update_settings(settings)
        handlers = settings.getdict("DOWNLOAD_HANDLERS")
        assert handlers["http"] == handlers["https"] == "crawler.hostmap.HostMapDownloadHandler"

    def test_mapped_request_is_fetched_from_the_mirror_and_answered_under_the_real_url(self):
        mw, handlers = middleware(lambda r: HtmlResponse(r.url, body=b"<html>ok</html>", request=r))
        request = Request("https://www.inform.kz/ru/lenta?page=2")
        response = asyncio.run(mw.download_request(request))
        assert handlers.requested == [f"{MIRROR}/ru/lenta?page=2"]
        assert response.url == "https://www.inform.kz/ru/lenta?page=2"
        assert response.request is request and response.body == b"<html>ok</html>"
        assert request.url == "https://www.inform.kz/ru/lenta?page=2"  # the request itself is untouched

    def test_location_into_the_mirror_is_mapped_back(self):
        def redirect(r):
            return HtmlResponse(r.url, status=301, headers={"Location": f"{MIRROR}/kz/new-3f9b12"}, request=r)

        mw, _ = middleware(redirect)
        response = asyncio.run(mw.download_request(Request("https://www.inform.kz/kz/old_a1234567")))
        assert response.headers["Location"] == b"https://www.inform.kz/kz/new-3f9b12"

    def test_unmapped_request_goes_to_the_network(self):
        mw, handlers = middleware(lambda r: HtmlResponse(r.url, body=b"live", request=r))
        response = asyncio.run(mw.download_request(Request("https://tengrinews.kz/news.rss")))
        assert handlers.requested == ["https://tengrinews.kz/news.rss"]  # as asked, not through a mirror
        assert response.body == b"live"


@pytest.mark.slow
def test_real_crawl_through_the_mirror(fresh_mockserver, tmp_path):
    """One real `scrapy crawl` per site against the loopback fixture server (no item pipelines)."""
    mockserver = fresh_mockserver  # its own server: the one-time 429 must not be used up by other tests
    before = len(mockserver.log())
    logs = {}
    for site in ("kazinform", "tengrinews"):
        settings = {
            "KZNEWS_HOST_MAP": mockserver.host_map(),
            "ITEM_PIPELINES": {},
            "LOG_LEVEL": "DEBUG",
            "KZNEWS_RETRY_BACKOFF_MAX": 1,
        }
        result = crawl(site, f"sqlite:///{tmp_path}/unused.sqlite3", settings)
        logs[site] = result.stderr
    served = mockserver.log()[before:]
    scraped = {u for log in logs.values() for u in re.findall(r"Scraped from <200 (\S+)>", log)}
    expected = {url: article for url, article in EXPECTED.items() if article["site"] in logs}
    assert scraped == set(expected)
    assert not any("/press_releases/" in path for path in served)  # robots.txt Disallow
    assert "Forbidden by robots.txt" in logs["tengrinews"]
    k3 = "/www.inform.kz/ru/v-kazahstane-vyroslo-chislo-individualnyh-predprinimateley-0c4e81f7"
    assert served.count(k3) == 2  # 429 with Retry-After, then 200
    assert "Redirecting (301)" in logs["kazinform"]
    assert "site kazinform is blocking the crawler: 1 challenge pages" in logs["kazinform"]
    assert not any("sitemap-tags" in p or "sitemap-categories" in p for p in served)
    for site, log in logs.items():
        for via in ("sitemap", "rss", "listing"):
            assert f"'kznews/discovered/{via}'" in log, (site, via)
