import asyncio
import inspect
import logging
from collections import deque

import pytest
from scrapy.exceptions import DropItem
from scrapy.http import Request
from scrapy.responsetypes import responsetypes
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.test import get_crawler

from crawler.fixturesite import FIXTURE_NOW, load_manifest
from crawler.profiles import PROFILES
from crawler.profiles.schema import Listing, Rss, Sitemap
from crawler.spiders.discovery import normalize_url, parse_card_date, repair_loc
from crawler.spiders.sites import SPIDERS
from pipelines.article import RawPage
from pipelines.options import DEFAULT_OPTIONS
from pipelines.scrapy_adapters import CleaningPipeline
from tests.fixture_data import EXPECTED

PAGES = load_manifest()
SETTINGS = {"ITEM_PIPELINES": {}, "KZNEWS_HOST_MAP": {}}


def make_spider(site, **kwargs):
    cls = SPIDERS[site]
    crawler = get_crawler(cls, SETTINGS)
    kwargs.setdefault("now", FIXTURE_NOW.isoformat())
    return cls.from_crawler(crawler, **kwargs)


def fixture_response(url, request=None):
    page = PAGES[url]
    headers = page.response_headers()
    cls = responsetypes.from_args(headers=headers, url=url, body=page.body)
    return cls(url=url, status=page.status, headers=headers, body=page.body, request=request or Request(url))


def source_of(site, kind, needle=""):
    return next(
        s
        for s in PROFILES[site].sources
        if isinstance(s, kind) and needle in getattr(s, "url", "") + getattr(s, "url_template", "")
    )


def stats(spider):
    return spider.crawler.stats.get_stats()


def drain(output):
    """A callback's output as a list (discovery callbacks are async generators), an awaitable's result."""
    if hasattr(output, "__aiter__"):

        async def collect():
            return [item async for item in output]

        return asyncio.run(collect())
    if inspect.isawaitable(output):
        return asyncio.run(output)
    return list(output)


def urls(requests):
    return [r.url for r in drain(requests)]


TENGRI_SITEMAP = source_of("tengrinews", Sitemap, "tengrinews.kz/sitemap-index")
TENGRI_RSS = source_of("tengrinews", Rss, "news.rss")
TENGRI_LISTING = source_of("tengrinews", Listing, "news/page")
T1 = "https://tengrinews.kz/kazakhstan_news/akim-astanyi-vstretilsya-gubernatorom-chelyabinskoy-oblasti-321745/"
T2 = "https://tengrinews.kz/kazakhstan_news/almatyi-vyishli-20-novyih-elektrobusov-587320/"
T3 = "https://tengrinews.kz/internet/moshenniki-poddelyivayut-proverku-brauzera-587250/"
T4 = "https://tengrinews.kz/kazakhstan_news/sinoptiki-poobeschali-zamorozki-severe-kazahstana-587310/"
GONE = "https://tengrinews.kz/kazakhstan_news/udalennaya-novost-o-rozyigryishe-prizov-587200/"
PRESS = "https://tengrinews.kz/press_releases/novyiy-jilkompleks-premium-klassa-587305/"
K1 = "https://www.inform.kz/ru/v-astane-izmenyat-shemu-dvizheniya-na-prospekte-kabanbay-batyra-a1f3c94e"
CF = "https://www.inform.kz/ru/chto-izmenitsya-v-kazahstane-s-1-maya-cf0a11b8"


class TestArguments:
    def test_unknown_edition_is_a_clear_error(self):
        with pytest.raises(ValueError, match="tengrinews has no edition kk-Latn; editions: ru, kk, en"):
            make_spider("tengrinews", lang="ru,kk-Latn")

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"since": "28.04.2026"}, "expected YYYY-MM-DD"),
            ({"max_pages": "0"}, "positive integer"),
            ({"since": "2026-04-28", "until": "2026-04-01"}, "is after until"),
            ({"now": "2026-04-28T12:00"}, "offset"),
        ],
    )
    def test_bad_arguments(self, kwargs, message):
        with pytest.raises(ValueError, match=message):
            make_spider("kazinform", **kwargs)

    def test_start_requests_only_the_selected_editions_sources(self):
        async def collect(spider):
            return [r async for r in spider.start()]

        requests = asyncio.run(collect(make_spider("kazinform", lang="kk-Latn")))
        assert urls(requests) == [
            "https://qz.inform.kz/robots.txt",
            "https://qz.inform.kz/category/ortalyk-aziya_c211/?page=1",
        ]
        everything = asyncio.run(collect(make_spider("kazinform")))
        assert len(everything) == len(PROFILES["kazinform"].sources)

    def test_spiders_are_generated_one_per_profile_and_loadable(self):
        assert {cls.name for cls in SPIDERS.values()} == set(PROFILES)
        settings = Settings()
        settings.setmodule("crawler.settings")
        loader = SpiderLoader.from_settings(settings)
        assert sorted(loader.list()) == sorted(PROFILES)
        assert loader.load("tengrinews").profile is PROFILES["tengrinews"]

    def test_user_agent_follows_an_overridden_contact(self):
        crawler = get_crawler(SPIDERS["kazinform"], {"KZNEWS_CONTACT": "mailto:ops@example.org"})
        assert crawler.settings["USER_AGENT"].endswith("(+mailto:ops@example.org)")
        assert crawler.settings.getfloat("DOWNLOAD_DELAY") == PROFILES["kazinform"].politeness.download_delay


class TestSitemaps:
    def test_index_follows_only_news_children(self):
        spider = make_spider("tengrinews")
        out = drain(
            spider.parse_sitemap(fixture_response("https://tengrinews.kz/sitemap-index.xml"), TENGRI_SITEMAP)
        )
        assert urls(out) == ["https://tengrinews.kz/sitemap-news.xml"]

    def test_urlset_yields_articles_and_counts_repaired_offsite_locs(self):
        spider = make_spider("tengrinews")
        out = drain(
            spider.parse_sitemap(fixture_response("https://tengrinews.kz/sitemap-news.xml"), TENGRI_SITEMAP)
        )
        assert urls(out) == [T1, T4, GONE]
        assert all(r.callback == spider.parse_article for r in out)
        assert stats(spider)["kznews/offsite/tengrisport.kz"] == 1  # the glued tengrinews.kzhttps://... loc
        assert stats(spider)["kznews/offsite/tengriauto.kz"] == 1
        assert stats(spider)["kznews/discovered/sitemap"] == 3

    def test_lastmod_window(self):
        spider = make_spider("tengrinews", since="2026-04-01", until="2026-04-26")
        out = drain(
            spider.parse_sitemap(fixture_response("https://tengrinews.kz/sitemap-news.xml"), TENGRI_SITEMAP)
        )
        assert urls(out) == [GONE]  # T1 is from 2017, T4 from 04-27
        assert stats(spider)["kznews/skipped/out_of_window"] == 2

    def test_index_children_unchanged_since_before_the_window_are_skipped(self):
        spider = make_spider("kazinform", since="2026-04-21")
        source = source_of("kazinform", Sitemap, "www.inform.kz")
        out = drain(spider.parse_sitemap(fixture_response("https://www.inform.kz/sitemap.xml"), source))
        assert urls(out) == [
            "https://www.inform.kz/sitemap-news-ru.xml",
            "https://www.inform.kz/sitemap-news-kz.xml",
        ]
        assert stats(spider)["kznews/skipped/old_sitemap"] == 1

    def test_robots_txt_names_the_sitemaps(self):
        spider = make_spider("kazinform")
        source = source_of("kazinform", Sitemap, "qz.inform.kz")
        out = drain(spider.parse_sitemap(fixture_response("https://qz.inform.kz/robots.txt"), source))
        assert urls(out) == ["https://qz.inform.kz/sitemap-news.xml"]

    def test_gzipped_sitemap(self):
        import gzip

        spider = make_spider("tengrinews")
        page = PAGES["https://tengrinews.kz/sitemap-news.xml"]
        url = "https://tengrinews.kz/sitemap-news.xml.gz"
        response = responsetypes.from_args(url=url)(
            url=url, body=gzip.compress(page.body), request=Request(url)
        )
        assert urls(spider.parse_sitemap(response, TENGRI_SITEMAP)) == [T1, T4, GONE]

    def test_edition_of_shared_sitemap_urls_comes_from_the_path(self):
        spider = make_spider("kazinform", lang="kk")
        source = source_of("kazinform", Sitemap, "www.inform.kz")
        out = drain(
            spider.parse_sitemap(fixture_response("https://www.inform.kz/sitemap-news-ru.xml"), source)
        )
        assert out == [] and stats(spider)["kznews/skipped/edition"] == 2


class TestRss:
    def test_items_with_pubdate_window(self):
        spider = make_spider("tengrinews", since="2026-04-28")
        out = drain(spider.parse_rss(fixture_response("https://tengrinews.kz/news.rss"), TENGRI_RSS))
        assert urls(out) == [T2]
        assert stats(spider)["kznews/offsite/tengrisport.kz"] == 1

    def test_tracking_parameters_are_stripped_and_deduplicated_across_sources(self):
        spider = make_spider("kazinform")
        rss = drain(
            spider.parse_rss(
                fixture_response("https://www.inform.kz/ru/rss/"), source_of("kazinform", Rss, "/ru/")
            )
        )
        assert urls(rss) == [K1]
        listing = source_of("kazinform", Listing, "lenta")
        out = drain(
            spider.parse_listing(fixture_response("https://www.inform.kz/ru/lenta/?page=1"), listing, 1)
        )
        assert urls(out) == [CF, "https://www.inform.kz/ru/lenta/?page=2"]  # K1 was already seen


class TestListings:
    def test_cards_next_page_and_offsite_card(self):
        spider = make_spider("tengrinews")
        out = drain(
            spider.parse_listing(fixture_response("https://tengrinews.kz/news/page/1/"), TENGRI_LISTING, 1)
        )
        assert urls(out) == [PRESS, T4, "https://tengrinews.kz/news/page/2/"]  # robots.txt stops PRESS later
        assert stats(spider)["kznews/offsite/tengrisport.kz"] == 1
        assert stats(spider)["kznews/discovered/listing"] == 2

    def test_relative_card_dates_resolve_against_now(self):
        spider = make_spider("tengrinews", since="2026-04-28")
        out = drain(
            spider.parse_listing(fixture_response("https://tengrinews.kz/news/page/1/"), TENGRI_LISTING, 1)
        )
        assert urls(out) == [PRESS, "https://tengrinews.kz/news/page/2/"]  # T4's card says Вчера

    def test_stops_on_a_page_entirely_older_than_since(self):
        spider = make_spider("tengrinews", since="2026-04-25")
        out = drain(
            spider.parse_listing(fixture_response("https://tengrinews.kz/news/page/2/"), TENGRI_LISTING, 2)
        )
        assert out == []
        assert stats(spider)["kznews/listing_stop/old"] == 1

    def test_stops_at_max_pages(self):
        spider = make_spider("tengrinews", max_pages="1")
        out = drain(
            spider.parse_listing(fixture_response("https://tengrinews.kz/news/page/1/"), TENGRI_LISTING, 1)
        )
        assert "https://tengrinews.kz/news/page/2/" not in urls(out)
        assert stats(spider)["kznews/listing_stop/max_pages"] == 1

    def test_stops_when_two_pages_in_a_row_bring_nothing_new(self):
        spider = make_spider("tengrinews")  # KZNEWS_STOP_AFTER_STALE_PAGES: default 2
        page2 = drain(
            spider.parse_listing(fixture_response("https://tengrinews.kz/news/page/2/"), TENGRI_LISTING, 2)
        )
        assert urls(page2) == [T3, "https://tengrinews.kz/news/page/3/"]
        assert page2[-1].cb_kwargs["stale"] == 0
        page3 = fixture_response("https://tengrinews.kz/news/page/3/")
        (page4,) = drain(spider.parse_listing(page3, TENGRI_LISTING, 3))  # nothing new: one more page
        assert page4.url == "https://tengrinews.kz/news/page/4/" and page4.cb_kwargs["stale"] == 1
        assert drain(spider.parse_listing(page3, TENGRI_LISTING, 4, stale=1)) == []  # the list shifted again
        assert stats(spider)["kznews/listing_stop/nothing_new"] == 1

    def test_uncarded_listing_takes_only_article_links(self):
        spider = make_spider("kazinform")
        source = source_of("kazinform", Listing, "qz.inform.kz")
        url = "https://qz.inform.kz/category/ortalyk-aziya_c211/?page=1"
        out = drain(spider.parse_listing(fixture_response(url), source, 1))
        assert urls(out) == [
            "https://qz.inform.kz/news/ortalyq-aziya-elderi-su-resurstaryn-talqylady-4e7a21/",
            "https://qz.inform.kz/category/ortalyk-aziya_c211/?page=2",
        ]
        assert not any(k.startswith("kznews/offsite") for k in stats(spider))


class TestArticles:
    def test_article_becomes_a_raw_page(self):
        spider = make_spider("kazinform")
        url = "https://www.inform.kz/ru/agrarii-kostanayskoy-oblasti-nachali-vesenniy-sev-5be27d3a"
        request = Request(
            url,
            meta={"kznews_warc": {"file": "a.warc.gz", "offset": 42, "fetched_at": FIXTURE_NOW.isoformat()}},
        )
        (page,) = spider.parse_article(fixture_response(url, request), edition="ru")
        assert isinstance(page, RawPage)
        assert (page.url, page.site, page.edition, page.status) == (url, "kazinform", "ru", 200)
        assert page.headers == {"Content-Type": "text/html; charset=windows-1251"}
        assert page.body.decode("cp1251").count("Аграрии Костанайской области начали весенний сев") >= 2
        assert (page.warc_file, page.warc_offset, page.fetched_at) == ("a.warc.gz", 42, FIXTURE_NOW)

    def test_challenge_page_is_counted_never_yielded_and_reported(self, caplog):
        spider = make_spider("kazinform")
        assert drain(spider.parse_article(fixture_response(CF), edition="ru")) == []
        assert stats(spider)["kznews/blocked"] == 1 and stats(spider)["kznews/blocked/www.inform.kz"] == 1
        with caplog.at_level(logging.WARNING):
            spider.closed("finished")
        assert "site kazinform is blocking the crawler: 1 challenge pages (www.inform.kz: 1)" in caplog.text

    def test_challenge_served_as_200_is_left_to_the_cleaning_pool_and_counted_there(self, caplog):
        spider = make_spider("kazinform")
        spider.crawler.spider = spider
        url = CF
        response = responsetypes.from_args(url=url)(
            url=url, status=200, body=PAGES[CF].body, request=Request(url)
        )  # no cf-mitigated header: only the body tells
        (page,) = spider.parse_article(response, edition="ru")
        assert "kznews/blocked" not in stats(spider)
        pipeline = CleaningPipeline(spider.crawler, workers=0, options=DEFAULT_OPTIONS)
        with pytest.raises(DropItem, match="challenge page: markup:"):
            asyncio.run(pipeline.process_item(page))
        assert stats(spider)["kznews/blocked"] == 1 and stats(spider)["kznews/blocked/www.inform.kz"] == 1
        assert not any(key.startswith("kznews/dropped/") for key in stats(spider))
        with caplog.at_level(logging.WARNING):
            spider.closed("finished")
        assert "site kazinform is blocking the crawler: 1 challenge pages (www.inform.kz: 1)" in caplog.text

    def test_non_200_pages_let_through_are_dropped(self):
        spider = make_spider("tengrinews")
        url = T2
        response = responsetypes.from_args(url=url)(
            url=url, status=503, body=b"<html>busy" + b"<a href=x>" * 9, request=Request(url)
        )
        assert drain(spider.parse_article(response, edition="ru")) == []
        assert stats(spider)["kznews/dropped/http_503"] == 1


def discover_all(site):
    """Run every discovery document of the fixture site through the spider; article requests by source."""
    spider = make_spider(site)
    found = {}
    queue = deque()

    async def collect():
        return [r async for r in spider.start()]

    queue.extend(asyncio.run(collect()))
    while queue:
        request = queue.popleft()
        if request.url not in PAGES:
            continue
        if request.callback == spider.parse_article:
            page = PAGES[request.url]
            final = page.location or request.url
            found.setdefault(final, set()).add(request.cb_kwargs.get("via", "?"))
            continue
        via = request.callback.__name__.removeprefix("parse_")
        output = request.callback(fixture_response(request.url, request), **request.cb_kwargs)
        for produced in drain(output):
            if produced.callback == spider.parse_article:
                produced.cb_kwargs["via"] = via
            queue.append(produced)
    return found


class TestDiscoveryCoverage:
    @pytest.mark.parametrize("site", sorted(PROFILES))
    def test_every_fixture_article_is_discovered_and_every_kind_of_source_is_used(self, site):
        expected = EXPECTED
        wanted = {u for u, e in expected.items() if e["site"] == site}
        found = discover_all(site)
        assert wanted <= set(found)
        only = {via for url, vias in found.items() if url in wanted and len(vias) == 1 for via in vias}
        if site == "tengrinews":
            assert only == {"sitemap", "rss", "listing"}
        via_of = {Sitemap: "sitemap", Rss: "rss", Listing: "listing"}
        kinds = {via_of[type(source)] for source in PROFILES[site].sources}
        assert kinds <= {via for vias in found.values() for via in vias}


class TestUrlHelpers:
    def test_repair_glued_loc(self):
        assert (
            repair_loc("https://tengrinews.kzhttps://tengrisport.kz/a-125400/")
            == "https://tengrisport.kz/a-125400/"
        )
        assert repair_loc(" https://tengrinews.kz/a-125400/ ") == "https://tengrinews.kz/a-125400/"

    def test_normalize_url_strips_tracking_and_fragment(self):
        assert (
            normalize_url("https://Tengrinews.kz/a/b-12345/?utm_source=x#comm")
            == "https://tengrinews.kz/a/b-12345/"
        )

    @pytest.mark.parametrize(
        ("text", "lang", "day"),
        [
            ("Вчера", "ru", "2026-04-27"),
            ("01 декабря 2025", "ru", "2025-12-01"),
            ("21:38, 18 Августа 2026", "ru", "2026-08-18"),
            ("09:16, 04 Май 2026", "ru", "2026-05-04"),
            ("17:36, 30 Qańtar 2026", "kk", "2026-01-30"),
            ("14:20, 25 Сәуір 2026", "kk", "2026-04-25"),
        ],
    )
    def test_card_dates(self, text, lang, day):
        from zoneinfo import ZoneInfo

        tz = ZoneInfo("Asia/Almaty")
        assert parse_card_date(text, lang, FIXTURE_NOW, tz).astimezone(tz).date().isoformat() == day
