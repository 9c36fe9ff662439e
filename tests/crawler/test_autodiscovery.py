"""Autodiscovery: feed links, hreflang editions, probes and document kinds read from pages; the spider's
decisions on what it found (deduplicated against the profile, probed within budget, counted, summarised)."""

from __future__ import annotations

import asyncio
import inspect
import logging

import pytest
from parsel import Selector
from scrapy.http import HtmlResponse, Request, TextResponse
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from crawler.fixturesite import FIXTURE_NOW
from crawler.profiles import PROFILES
from crawler.runview import format_summary
from crawler.spiders.discovery import read_rss
from crawler.spiders.entrypoints import document_kind, feed_links, hreflang_editions, probe_urls
from crawler.spiders.sites import spider_class_for
from pipelines import runstats
from tests.thin_site import DALA, ZHAIYQ, site_pages

PAGES = site_pages()
SITEMAP = (
    b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    b"<url><loc>https://www.zhaiyq.test/a/1</loc></url></urlset>"
)


def make_spider(profile, lang=None, **settings):
    cls = spider_class_for(profile)
    crawler = get_crawler(cls, {"ITEM_PIPELINES": {}, "KZNEWS_HOST_MAP": {}, **settings})
    return cls.from_crawler(crawler, now=FIXTURE_NOW.isoformat(), lang=lang)


def drain(output):
    if hasattr(output, "__aiter__"):

        async def collect():
            return [item async for item in output]

        return asyncio.run(collect())
    return asyncio.run(output) if inspect.isawaitable(output) else list(output)


def start_urls(spider):
    return [r.url for r in drain(spider.start())]


def response(url, body=None, status=200):
    body = PAGES[url].body if body is None else body
    cls = HtmlResponse if body.lstrip().startswith(b"<html") else TextResponse
    return cls(url, status=status, body=body, request=Request(url), headers={"Content-Type": "text/html"})


def failure(url, error):
    result = Failure(error)
    result.request = Request(url)
    return result


def stats(spider):
    return spider.crawler.stats.get_stats()


class TestReadingPages:
    def test_feed_links_of_a_home_page(self):
        page = Selector(
            text='<head><link rel="alternate" type="application/rss+xml; charset=utf-8" href="/rss.xml">'
            '<link rel="Alternate" type="application/atom+xml" href="https://x.kz/atom">'
            '<link rel="stylesheet" type="text/css" href="/s.css">'
            '<link rel="alternate" type="application/rss+xml" href="/rss.xml">'
            '<link rel="alternate" hreflang="kk" href="/kz/"></head>'
        )
        assert feed_links(page, "https://x.kz/ru/") == ["https://x.kz/rss.xml", "https://x.kz/atom"]

    def test_hreflang_editions_read_as_edition_tags(self):
        page = Selector(
            text='<link rel="alternate" hreflang="kz" href="/kz/"><link rel="alternate" hreflang="kk-Latn" '
            'href="https://qz.x.kz/"><link rel="alternate" hreflang="x-default" href="/">'
            '<link rel="canonical" hreflang="ru" href="/ru/">'
        )
        assert hreflang_editions(page, "https://x.kz/") == [
            ("kk", "https://x.kz/kz/"),
            ("kk-Latn", "https://qz.x.kz/"),
        ]

    def test_probes_try_a_path_on_every_origin_before_the_next_path(self):
        urls = probe_urls(["https://a.kz", "https://b.kz", "https://a.kz"])
        assert urls[:4] == [
            "https://a.kz/sitemap.xml",
            "https://b.kz/sitemap.xml",
            "https://a.kz/rss",
            "https://b.kz/rss",
        ]

    @pytest.mark.parametrize(
        ("body", "kind"),
        [
            (SITEMAP, "sitemap"),
            (b'<?xml version="1.0"?><sitemapindex><sitemap><loc>x</loc></sitemap></sitemapindex>', "sitemap"),
            (b'<rss version="2.0"><channel></channel></rss>', "feed"),
            (b'<feed xmlns="http://www.w3.org/2005/Atom"></feed>', "feed"),
            (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', "feed"),
            (b"<!DOCTYPE html><html><body>Not found</body></html>", None),
            (b"<note>xml, but neither</note>", None),
            (b"", None),
            (b'{"json": true}', None),
        ],
    )
    def test_what_a_probed_document_is(self, body, kind):
        assert document_kind(body) == kind

    def test_atom_entries_and_rdf_items(self):
        atom = PAGES["https://kaz.dala.test/atom.xml"].body
        (entry,) = read_rss(atom)
        assert entry.url.startswith("https://kaz.dala.test/news/5001-") and entry.when == FIXTURE_NOW
        rdf = (
            b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"'
            b' xmlns:dc="http://purl.org/dc/elements/1.1/"><item><link>https://x.kz/1</link>'
            b"<dc:date>2026-04-28T09:00:00+05:00</dc:date></item></rdf:RDF>"
        )
        (item,) = read_rss(rdf)
        assert (item.url, item.when.isoformat()) == ("https://x.kz/1", "2026-04-28T09:00:00+05:00")


class TestWhenDiscoveryRuns:
    def test_a_thin_profile_asks_robots_txt_and_home_page_of_each_crawled_edition(self):
        assert start_urls(make_spider(DALA)) == [
            "https://www.dala.test/robots.txt",
            "https://kaz.dala.test/robots.txt",
            "https://www.dala.test/",
            "https://kaz.dala.test/",
        ]
        assert start_urls(make_spider(DALA, lang="kk")) == [
            "https://kaz.dala.test/robots.txt",
            "https://kaz.dala.test/",
        ]

    def test_a_profile_stating_its_entry_points_is_left_alone_unless_always(self):
        kazinform = PROFILES["kazinform"]
        stated = start_urls(make_spider(kazinform, lang="kk-Latn"))
        assert runstats.PROBE_BUDGET not in stats(make_spider(kazinform))
        always = start_urls(make_spider(kazinform, lang="kk-Latn", KZNEWS_DISCOVERY="always"))
        # the stated robots.txt is not asked twice; the home page is added after the stated sources
        assert always == [*stated, "https://qz.inform.kz/"]
        assert start_urls(make_spider(DALA, KZNEWS_DISCOVERY="off")) == []

    @pytest.mark.parametrize(
        ("settings", "message"),
        [
            (
                {"KZNEWS_DISCOVERY": "sometimes"},
                "KZNEWS_DISCOVERY 'sometimes' is not one of auto, always, off",
            ),
            ({"KZNEWS_DISCOVERY_PROBES": "-1"}, "KZNEWS_DISCOVERY_PROBES '-1' is not a whole number"),
        ],
    )
    def test_bad_settings_are_one_line_errors(self, settings, message):
        with pytest.raises(ValueError, match=message):
            make_spider(DALA, **settings)


class TestWhatIsFound:
    def test_robots_sitemaps_are_added_once_and_counted(self):
        spider = make_spider(DALA)
        drain(spider.start())
        robots = response("https://www.dala.test/robots.txt")
        assert [r.url for r in spider.parse_found_robots(robots)] == ["https://www.dala.test/sitemap.xml"]
        assert [r.url for r in spider.parse_found_robots(robots)] == []  # answered already: nothing again
        assert stats(spider)[runstats.autodiscovered("sitemap", "robots_txt")] == 1

    def test_home_page_feeds_and_unstated_editions(self, caplog):
        caplog.set_level(logging.INFO)
        spider = make_spider(DALA)
        drain(spider.start())
        home = response("https://www.dala.test/")
        assert [r.url for r in spider.parse_home_page(home)] == ["https://www.dala.test/rss.xml"]
        found = stats(spider)
        assert found[runstats.autodiscovered("feed", "home_page")] == 1
        assert found[runstats.unstated_edition("en", "https://en.dala.test/")] == 1
        assert [k for k in found if "unstated_edition" in k] == [
            runstats.unstated_edition("en", "https://en.dala.test/")
        ]
        assert "names edition en at https://en.dala.test/, which profile dala does not state" in caplog.text

    def test_an_offsite_feed_is_counted_not_followed(self):
        spider = make_spider(ZHAIYQ)
        drain(spider.start())
        home = response(
            "https://www.zhaiyq.test/",
            b'<html><head><link rel="alternate" type="application/rss+xml" href="https://feeds.example/z">'
            b"</head><body></body></html>",
        )
        assert spider.parse_home_page(home) == []
        assert stats(spider)["kznews/offsite/feeds.example"] == 1

    def test_a_sitemap_found_by_another_process_is_found_again(self):
        spider = make_spider(ZHAIYQ)
        sitemap = response("https://www.zhaiyq.test/sitemap-9.xml", SITEMAP)
        assert [r.url for r in drain(spider.parse_sitemap(sitemap, sitemap.url))] == [
            "https://www.zhaiyq.test/a/1"
        ]
        off = make_spider(ZHAIYQ, KZNEWS_DISCOVERY="off")
        assert drain(off.parse_sitemap(sitemap, sitemap.url)) == []
        assert stats(off)["kznews/dropped/unknown_source"] == 1


class TestProbing:
    def answer_lookups(self, spider):
        """robots.txt without Sitemap lines, a home page without feed links: the first probe."""
        drain(spider.start())
        spider.parse_found_robots(response("https://www.zhaiyq.test/robots.txt"))
        return [r.url for r in spider.parse_home_page(response("https://www.zhaiyq.test/"))]

    def test_probes_start_when_lookups_found_nothing_and_stop_at_the_budget(self):
        spider = make_spider(ZHAIYQ, KZNEWS_DISCOVERY_PROBES=2)
        assert self.answer_lookups(spider) == ["https://www.zhaiyq.test/sitemap.xml"]
        miss = failure("https://www.zhaiyq.test/sitemap.xml", ValueError("404"))
        assert [r.url for r in spider.probe_failed(miss)] == ["https://www.zhaiyq.test/rss"]
        soft_404 = response("https://www.zhaiyq.test/rss")
        # an HTML page, and the budget is spent: nothing found anywhere, the home page is read for its links
        (fallback,) = drain(spider.parse_probe(soft_404))
        assert (fallback.url, fallback.callback) == ("https://www.zhaiyq.test/", spider.parse_home_links)
        assert stats(spider)[runstats.PROBES_USED] == 2
        assert "probes 2/2 used" in format_summary("zhaiyq", stats(spider))

    def test_a_probe_that_is_a_sitemap_is_read_at_once(self):
        spider = make_spider(ZHAIYQ)
        self.answer_lookups(spider)
        probe = response("https://www.zhaiyq.test/sitemap.xml", SITEMAP)
        assert [r.url for r in drain(spider.parse_probe(probe))] == ["https://www.zhaiyq.test/a/1"]
        assert stats(spider)[runstats.autodiscovered("sitemap", "probe")] == 1

    def test_no_probe_while_a_lookup_is_pending_or_when_something_was_found(self):
        spider = make_spider(ZHAIYQ)
        drain(spider.start())
        assert spider.parse_found_robots(response("https://www.zhaiyq.test/robots.txt")) == []
        dala = make_spider(DALA)
        drain(dala.start())
        dala.parse_found_robots(response("https://www.dala.test/robots.txt"))
        dala.parse_found_robots(response("https://kaz.dala.test/robots.txt"))
        dala.parse_home_page(response("https://kaz.dala.test/"))
        last = dala.parse_home_page(response("https://www.dala.test/"))  # every lookup answered now
        assert [r.url for r in last] == ["https://www.dala.test/rss.xml"]  # found things: no probe
        assert stats(dala).get(runstats.PROBES_USED) is None

    def test_a_redirected_home_page_is_answered_all_the_same(self):
        spider = make_spider(ZHAIYQ)
        drain(spider.start())
        spider.parse_found_robots(response("https://www.zhaiyq.test/robots.txt"))
        asked = Request("https://www.zhaiyq.test/ru/", meta={"redirect_urls": ["https://www.zhaiyq.test/"]})
        home = HtmlResponse(asked.url, body=b"<html><body>home</body></html>", request=asked)
        assert [r.url for r in spider.parse_home_page(home)] == ["https://www.zhaiyq.test/sitemap.xml"]

    def test_a_profile_stating_feeds_is_never_probed(self):
        spider = make_spider(PROFILES["kazinform"], lang="kk-Latn", KZNEWS_DISCOVERY="always")
        drain(spider.start())
        assert spider.parse_home_page(response("https://qz.inform.kz/", b"<html><body></body></html>")) == []
        assert stats(spider).get(runstats.PROBES_USED) is None


class TestThinProfileUrls:
    def test_without_include_patterns_any_on_site_url_of_a_sitemap_is_fetched_and_not_flagged(self):
        spider = make_spider(ZHAIYQ)
        sitemap = response("https://www.zhaiyq.test/sitemap-all.xml", SITEMAP)
        (request,) = drain(spider.parse_sitemap(sitemap, sitemap.url))
        assert request.cb_kwargs["outside_rules"] is False
        assert stats(spider).get("kznews/skipped/not_article") is None


class TestSummary:
    def test_summary_line_and_no_line_when_discovery_did_not_run(self):
        found = {
            runstats.PROBE_BUDGET: 6,
            runstats.PROBES_USED: 3,
            runstats.autodiscovered("feed", "home_page"): 1,
            runstats.autodiscovered("sitemap", "robots_txt"): 2,
            runstats.unstated_edition("kk", "https://kaz.x.kz/"): 1,
        }
        summary = format_summary("x", found)
        assert "  discovered: sitemap 2 (robots.txt), feed 1 (home page <link>), probes 3/6 used" in summary
        assert "  edition not in the profile (not crawled): kk https://kaz.x.kz/" in summary
        assert "discovered" not in format_summary("x", {runstats.PROBES_USED: 0})
        assert "discovered: nothing, probes 0/6 used" in format_summary("x", {runstats.PROBE_BUDGET: 6})
