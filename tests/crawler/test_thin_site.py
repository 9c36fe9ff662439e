"""Thin profiles crawl loopback sites end to end: what they do not state is discovered, counted, shown in the
run summary, and the pages found are stored through the generic extraction path."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from crawler.fixturesite import FIXTURE_NOW
from tests.crawls import read_store
from tests.thin_site import (
    DALA,
    SARYARQA,
    SARYARQA_NAVIGATION,
    STORIES,
    ZHAIYQ,
    crawl_profile,
    serve_thin_sites,
    served,
    stories_on,
)


@pytest.fixture(scope="module")
def thin_server():
    with serve_thin_sites() as server:
        yield server


def test_a_thin_profile_finds_its_sitemap_and_feeds_and_stores_their_stories(thin_server, tmp_path):
    database_url = f"sqlite:///{tmp_path / 'dala.sqlite3'}"
    summary = crawl_profile(thin_server, DALA.name, database_url)
    stored = read_store(database_url)
    wanted = {*stories_on("www.dala.test"), *stories_on("kaz.dala.test")}
    assert set(stored.articles) == wanted  # sitemap (robots.txt) 2, RSS 2 of which 1 shared, Atom 1
    for url in wanted:
        lang, title, hours_ago, *_ = STORIES[url]
        article = stored.articles[url]
        assert (article.title, article.lang, article.edition) == (title, lang, lang)
        assert article.published_at == FIXTURE_NOW - timedelta(hours=hours_ago)
        assert len(article.paragraphs) == 4 and "Читайте также" not in article.text
    stats = stored.run()["stats"]
    assert stats["kznews/autodiscovery/sitemap/robots_txt"] == 1
    assert stats["kznews/autodiscovery/feed/home_page"] == 2  # RSS on www, Atom on kaz
    assert stats.get("kznews/outside_url_rules/dala") is None  # no patterns stated: nothing to fall outside
    assert "  discovered: sitemap 1 (robots.txt), feed 2 (home page <link>), probes 0/6 used" in summary
    assert "  edition not in the profile (not crawled): en https://en.dala.test/" in summary
    assert served(thin_server, "en.dala.test") == Counter()  # reported, not crawled
    asked = served(thin_server, "www.dala.test")
    assert asked.pop("/robots.txt") == 2  # Scrapy's robots.txt middleware reads it, then discovery does
    assert set(asked.values()) == {1}  # every other page once: the RSS item in the sitemap too
    assert "/sitemap.xml" not in served(thin_server, "kaz.dala.test")  # found something: no probing


def test_a_profile_stating_nothing_probes_common_paths_within_robots_txt(thin_server, tmp_path):
    database_url = f"sqlite:///{tmp_path / 'zhaiyq.sqlite3'}"
    summary = crawl_profile(thin_server, ZHAIYQ.name, database_url)
    stored = read_store(database_url)
    assert set(stored.articles) == set(stories_on("www.zhaiyq.test"))
    paths = served(thin_server, "www.zhaiyq.test")
    assert "/sitemap.xml" not in paths  # robots.txt forbids it: the probe is spent, never sent
    assert paths["/rss"] == 1 and paths["/feed"] == 1 and "/sitemap_index.xml" not in paths  # found: done
    assert "  discovered: feed 1 (probe), probes 3/6 used" in summary
    stats = stored.run()["stats"]
    assert stats["kznews/autodiscovery/feed/probe"] == 1 and stats["kznews/autodiscovery/probes_used"] == 3


def test_a_site_with_no_sitemap_or_feed_anywhere_is_crawled_from_its_home_page_links(thin_server, tmp_path):
    database_url = f"sqlite:///{tmp_path / 'saryarqa.sqlite3'}"
    summary = crawl_profile(thin_server, SARYARQA.name, database_url)
    stored = read_store(database_url)
    assert set(stored.articles) == set(stories_on("www.saryarqa.test"))
    assert (
        "  discovered: links 1 (nothing else found: the home page's links followed), probes 6/6 used"
        in summary
    )
    paths = served(thin_server, "www.saryarqa.test")
    assert [
        path for path in SARYARQA_NAVIGATION if path in paths
    ] == []  # menus, tags, pagination: not stories
    assert paths["/"] == 2  # once for feed links, once for story links
    assert stored.run()["stats"]["kznews/discovered/home_links"] == 2
