"""End to end over loopback: the real Scrapy engine and downloader crawl the fixture site from the mock
server through KZNEWS_HOST_MAP, with the full item pipelines (cleaning in a worker, storage in SQLite)."""

from __future__ import annotations

import subprocess
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.crawler.conftest import MockServer, serve_fixture_site
from tests.crawls import CRAWL_TIMEOUT_S, EXPECTED, ROOT, crawl_command, expected_urls, mismatches, read_store

pytestmark = pytest.mark.slow

SITES = ("kazinform", "tengrinews")
DISALLOWED = "https://tengrinews.kz/press_releases/novyiy-jilkompleks-premium-klassa-587305/"
THROTTLED = "https://www.inform.kz/ru/v-kazahstane-vyroslo-chislo-individualnyh-predprinimateley-0c4e81f7"
OLD_URL = "https://www.inform.kz/kz/turkistan-oblysynda-makta-zhinau-nauqany-ayaqtaluga-zhaqyn_a1234567"
REDIRECTED_TO = "https://www.inform.kz/kz/turkistan-oblysynda-makta-zhinau-nauqany-ayaqtaluga-zhaqyn-3f9b12"
CHALLENGE = "https://www.inform.kz/ru/chto-izmenitsya-v-kazahstane-s-1-maya-cf0a11b8"
DELETED = "https://tengrinews.kz/kazakhstan_news/udalennaya-novost-o-rozyigryishe-prizov-587200/"


def server_path(url: str) -> str:
    """The mock server path that serves ``url``."""
    parts = urlsplit(url)
    return f"/{parts.hostname}{parts.path}" + (f"?{parts.query}" if parts.query else "")


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    """A server of its own: the 429-once page must not have been spent by another module's crawl."""
    with serve_fixture_site() as running:
        yield running


@pytest.fixture(scope="module")
def crawled(server, tmp_path_factory) -> dict[str, Any]:
    """Both sites crawled at once (two `scrapy crawl` processes), each into its own SQLite file."""
    root = tmp_path_factory.mktemp("e2e")
    settings = {
        "KZNEWS_HOST_MAP": server.host_map(),
        "KZNEWS_RETRY_BACKOFF_MAX": 1,  # the 429 says Retry-After: 1
        "LOG_LEVEL": "DEBUG",
    }
    urls = {site: f"sqlite:///{root}/{site}.sqlite3" for site in SITES}
    processes = {
        site: subprocess.Popen(
            crawl_command(site, urls[site], settings),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for site in SITES
    }
    logs = {site: process.communicate(timeout=CRAWL_TIMEOUT_S)[1] for site, process in processes.items()}
    for site, process in processes.items():
        assert process.returncode == 0, f"{site} crawl failed:\n{logs[site][-4000:]}"
    stores = {site: read_store(url) for site, url in urls.items()}
    return {"stores": stores, "logs": logs, "served": Counter(server.log())}


LISTING_PAGE_2 = {"kazinform": "/www.inform.kz/ru/lenta/?page=2", "tengrinews": "/tengrinews.kz/news/page/2/"}
ONLY_ON_LISTING_PAGE_2 = {
    "kazinform": "https://www.inform.kz/ru/agrarii-kostanayskoy-oblasti-nachali-vesenniy-sev-5be27d3a",
    "tengrinews": "https://tengrinews.kz/internet/moshenniki-poddelyivayut-proverku-brauzera-587250/",
}


@pytest.mark.parametrize("site", SITES)
def test_discovers_through_sitemap_rss_and_listing_pagination(crawled, site):
    stats = crawled["stores"][site].run()["stats"]
    for via in ("sitemap", "rss", "listing"):
        assert stats.get(f"kznews/discovered/{via}", 0) > 0, via
    assert crawled["served"][LISTING_PAGE_2[site]] == 1
    assert ONLY_ON_LISTING_PAGE_2[site] in crawled["stores"][site].articles


@pytest.mark.parametrize("site", SITES)
def test_stores_every_expected_article_with_its_fields(crawled, site):
    store = crawled["stores"][site]
    assert set(store.articles) == expected_urls(site)
    problems = {url: mismatches(article, EXPECTED[url]) for url, article in store.articles.items()}
    assert {url: p for url, p in problems.items() if p} == {}
    run = store.run()
    assert run["status"] == "finished"
    assert run["stored"] == len(expected_urls(site))


def test_never_fetches_a_path_robots_txt_disallows(crawled):
    assert not any("/press_releases/" in path for path in crawled["served"])
    assert crawled["stores"]["tengrinews"].run()["stats"].get("robotstxt/forbidden", 0) >= 1
    assert DISALLOWED not in crawled["stores"]["tengrinews"].articles


def test_retries_the_429_and_stores_the_page(crawled):
    assert crawled["served"][server_path(THROTTLED)] == 2  # 429 with Retry-After, then 200
    stats = crawled["stores"]["kazinform"].run()["stats"]
    assert stats["downloader/response_status_count/429"] == 1
    assert stats["retry/count"] >= 1
    assert mismatches(crawled["stores"]["kazinform"].articles[THROTTLED], EXPECTED[THROTTLED]) == []


def test_follows_the_redirect_and_stores_the_target(crawled):
    served = crawled["served"]
    assert served[server_path(OLD_URL)] == 1
    assert served[server_path(REDIRECTED_TO)] == 1  # once: the old URL's target was not fetched twice
    articles = crawled["stores"]["kazinform"].articles
    assert REDIRECTED_TO in articles
    assert OLD_URL not in articles
    assert crawled["stores"]["kazinform"].run()["stats"]["downloader/response_status_count/301"] == 1


def test_counts_the_challenge_page_as_blocked_and_does_not_store_it(crawled):
    assert crawled["served"][server_path(CHALLENGE)] == 1
    run = crawled["stores"]["kazinform"].run()
    assert run["stats"]["kznews/blocked"] == 1
    assert run["blocked"] == 1
    assert CHALLENGE not in crawled["stores"]["kazinform"].articles
    assert "site kazinform is blocking the crawler: 1 challenge pages" in crawled["logs"]["kazinform"]


def test_a_deleted_story_is_a_counted_404_not_an_article(crawled):
    assert crawled["served"][server_path(DELETED)] == 1
    stats = crawled["stores"]["tengrinews"].run()["stats"]
    assert stats["httperror/response_ignored_status_count/404"] >= 1
    assert DELETED not in crawled["stores"]["tengrinews"].articles
