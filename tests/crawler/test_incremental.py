"""crawler/incremental.py: stored URLs are not fetched again; real replayed crawls run one after another."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from scrapy.http import Request
from scrapy.utils.test import get_crawler
from sqlalchemy import select

from crawler.fixturesite import DEFAULT_MANIFEST, FIXTURE_NOW, pack_fixture_site
from crawler.incremental import IncrementalFilter
from crawler.spiders.discovery import Candidate
from crawler.spiders.sites import SPIDERS
from crawler.store import CrawlStore
from db.engine import make_sessionmaker
from db.migrate import open_database
from db.models import ArticleRecord
from db.repository import upsert_articles
from db.state import site_state
from pipelines.runstats import REFETCH_BLOCK_PAGE as STAT_BLOCK_PAGE
from pipelines.runstats import REFETCH_LASTMOD as STAT_LASTMOD
from pipelines.runstats import SKIPPED_KNOWN as STAT_KNOWN
from tests import crawls
from tests.crawler.test_spiders import (
    GONE,
    PRESS,
    T1,
    T3,
    T4,
    TENGRI_LISTING,
    TENGRI_SITEMAP,
    drain,
    fixture_response,
    urls,
)
from tests.db.test_repository import make_article

STORING = {"ITEM_PIPELINES": {"pipelines.storage.StoragePipeline": 800}, "KZNEWS_HOST_MAP": {}}
SITEMAP = "https://tengrinews.kz/sitemap-news.xml"
LISTING_1 = "https://tengrinews.kz/news/page/1/"
BLOCK_ROWS = Path(__file__).parents[1] / "pipelines" / "data" / "blockpages" / "stored_rows.json"


def stored_db(tmp_path, articles):
    """A migrated SQLite database holding ``articles``; returns its URL."""
    url = f"sqlite:///{tmp_path}/kznews.sqlite3"
    factory = open_database(url)
    with factory.begin() as session:
        upsert_articles(session, articles)
    factory.kw["bind"].dispose()
    return url


def make_spider(site, settings, **kwargs):
    cls = SPIDERS[site]
    crawler = get_crawler(cls, settings)
    kwargs.setdefault("now", FIXTURE_NOW.isoformat())
    return cls.from_crawler(crawler, **kwargs)


def counters(spider):
    return spider.crawler.stats.get_stats()


class TestFilter:
    def test_without_the_storage_pipeline_every_url_is_new(self, tmp_path):
        url = stored_db(tmp_path, [make_article(1, url=T1)])
        spider = make_spider("tengrinews", {"ITEM_PIPELINES": {}, "KZNEWS_DATABASE_URL": url})
        assert spider.incremental.check is False
        assert urls(spider.parse_sitemap(fixture_response(SITEMAP), TENGRI_SITEMAP)) == [T1, T4, GONE]

    def test_a_database_not_created_yet_is_read_as_empty_and_not_created(self, tmp_path):
        path = tmp_path / "later" / "kznews.sqlite3"
        spider = make_spider("tengrinews", {**STORING, "KZNEWS_DATABASE_URL": f"sqlite:///{path}"})
        assert spider.incremental.check is True
        assert urls(spider.parse_sitemap(fixture_response(SITEMAP), TENGRI_SITEMAP)) == [T1, T4, GONE]
        assert not path.parent.exists()
        drain(spider.incremental.spider_closed(spider, "finished"))  # nothing to record, nothing created
        assert not path.parent.exists()
        assert STAT_KNOWN not in counters(spider)

    def test_a_database_without_schema_fetches_everything_and_says_so(self, tmp_path, caplog):
        path = tmp_path / "empty.sqlite3"
        sqlite3.connect(path).close()
        spider = make_spider("tengrinews", {**STORING, "KZNEWS_DATABASE_URL": f"sqlite:///{path}"})
        assert urls(spider.parse_sitemap(fixture_response(SITEMAP), TENGRI_SITEMAP)) == [T1, T4, GONE]
        assert counters(spider)["kznews/incremental/lookup_errors"] == 1
        assert "incremental lookup failed" in caplog.text

    def test_known_skipped_and_newer_lastmod_refetched(self, tmp_path):
        fetched = datetime(2026, 4, 20, tzinfo=UTC)
        url = stored_db(
            tmp_path, [make_article(n, url=f"https://x.kz/{n}", fetched_at=fetched) for n in (1, 2)]
        )
        counted: list[str] = []
        component = IncrementalFilter(CrawlStore(url), counted.append, check=True, record=True)
        later, earlier = fetched + timedelta(hours=1), fetched - timedelta(hours=1)
        candidates = [
            Candidate("https://x.kz/1", later),
            Candidate("https://x.kz/2", earlier),
            Candidate("https://x.kz/3"),
        ]
        chosen = drain(component.select(candidates, trust_lastmod=True))
        assert [c.url for c in chosen] == ["https://x.kz/1", "https://x.kz/3"]
        assert sorted(counted) == [STAT_LASTMOD, STAT_KNOWN]
        # An RSS pubDate or a listing card date is no modification date: a stored URL stays skipped.
        assert [c.url for c in drain(component.select(candidates, trust_lastmod=False))] == ["https://x.kz/3"]

    @pytest.mark.parametrize("row", ["smartcaptcha_site_ru.html", "ddos_guard_site_ru.html"])
    def test_a_stored_challenge_page_is_fetched_again_until_the_article_replaces_it(self, tmp_path, row):
        page = json.loads(BLOCK_ROWS.read_text("utf-8"))["rows"][row]  # as the core stored it before
        fetched = datetime(2026, 4, 20, tzinfo=UTC)
        text = {"title": page["title"], "paragraphs": tuple(page["paragraphs"])}
        blocked = make_article(1, url="https://x.kz/1", fetched_at=fetched, **text)
        url = stored_db(tmp_path, [blocked, make_article(2, url="https://x.kz/2", fetched_at=fetched)])
        counted: list[str] = []
        component = IncrementalFilter(CrawlStore(url), counted.append, check=True, record=True)
        candidates = [Candidate("https://x.kz/1"), Candidate("https://x.kz/2"), Candidate("https://x.kz/3")]
        chosen = drain(component.select(candidates, trust_lastmod=True))
        assert [c.url for c in chosen] == ["https://x.kz/1", "https://x.kz/3"]
        assert sorted(counted) == [STAT_BLOCK_PAGE, STAT_KNOWN]
        drain(component.select(candidates))  # named again by another source: counted once per run
        assert counted.count(STAT_BLOCK_PAGE) == 1

        factory = open_database(url)  # the fetch stores the real article over it, as a new version
        with factory.begin() as session:
            real = make_article(1, url="https://x.kz/1", fetched_at=fetched + timedelta(days=1))
            assert upsert_articles(session, [real]).updated == 1
            assert session.scalar(select(ArticleRecord.version).where(ArticleRecord.url == real.url)) == 2
        factory.kw["bind"].dispose()
        again = IncrementalFilter(CrawlStore(url), counted.append, check=True, record=True)
        assert [c.url for c in drain(again.select(candidates))] == ["https://x.kz/3"]
        assert counted.count(STAT_BLOCK_PAGE) == 1

    def test_refresh_fetches_stored_urls_and_still_records_state(self, tmp_path):
        url = stored_db(tmp_path, [make_article(1, url=T1)])
        spider = make_spider("tengrinews", {**STORING, "KZNEWS_DATABASE_URL": url}, refresh="1")
        assert (spider.incremental.check, spider.incremental.record) == (False, True)
        assert urls(spider.parse_sitemap(fixture_response(SITEMAP), TENGRI_SITEMAP)) == [T1, T4, GONE]
        with pytest.raises(ValueError, match="refresh"):
            make_spider("tengrinews", STORING, refresh="please")


class TestSpider:
    def test_sitemap_skips_stored_articles(self, tmp_path):
        url = stored_db(tmp_path, [make_article(1, url=T1, site="tengrinews")])
        spider = make_spider("tengrinews", {**STORING, "KZNEWS_DATABASE_URL": url})
        assert urls(spider.parse_sitemap(fixture_response(SITEMAP), TENGRI_SITEMAP)) == [T4, GONE]
        assert counters(spider)[STAT_KNOWN] == 1
        assert counters(spider)["kznews/discovered/sitemap"] == 2

    def test_listing_of_stored_articles_is_stale_and_pagination_stops_after_the_limit(self, tmp_path):
        stored = [make_article(n, url=u) for n, u in enumerate((PRESS, T4, T3))]
        url = stored_db(tmp_path, stored)
        spider = make_spider(
            "tengrinews", {**STORING, "KZNEWS_DATABASE_URL": url, "KZNEWS_STOP_AFTER_STALE_PAGES": 2}
        )
        page1 = drain(spider.parse_listing(fixture_response(LISTING_1), TENGRI_LISTING, 1))
        assert urls(page1) == ["https://tengrinews.kz/news/page/2/"]  # nothing new, one more page
        page2 = fixture_response("https://tengrinews.kz/news/page/2/")
        assert drain(spider.parse_listing(page2, **page1[0].cb_kwargs)) == []
        assert counters(spider)["kznews/listing_stop/nothing_new"] == 1
        assert counters(spider)[STAT_KNOWN] == 3

    def test_stale_limit_one_stops_at_the_first_page_without_news(self, tmp_path):
        url = stored_db(tmp_path, [make_article(n, url=u) for n, u in enumerate((PRESS, T4))])
        spider = make_spider(
            "tengrinews", {**STORING, "KZNEWS_DATABASE_URL": url, "KZNEWS_STOP_AFTER_STALE_PAGES": 1}
        )
        assert drain(spider.parse_listing(fixture_response(LISTING_1), TENGRI_LISTING, 1)) == []

    def test_a_redirected_article_url_becomes_an_alias_and_the_run_is_recorded(self, tmp_path):
        final = "https://www.inform.kz/kz/turkistan-oblysynda-makta-zhinau-nauqany-ayaqtaluga-zhaqyn-3f9b12"
        old = "https://www.inform.kz/kz/turkistan-oblysynda-makta-zhinau-nauqany-ayaqtaluga-zhaqyn_a1234567"
        url = stored_db(tmp_path, [make_article(1, url=final, site="kazinform", published_at=FIXTURE_NOW)])
        spider = make_spider("kazinform", {**STORING, "KZNEWS_DATABASE_URL": url})
        request = Request(final, meta={"redirect_urls": [old]})
        assert len(drain(spider.parse_article(fixture_response(final, request), edition="kk"))) == 1
        drain(spider.incremental.spider_closed(spider, "finished"))
        assert urls(spider.incremental.select([Candidate(old)])) == []  # known through the alias now
        factory = make_sessionmaker(open_database(url).kw["bind"])
        with factory() as session:
            view = site_state(session, "kazinform")
        assert view is not None and view.newest_url == final and view.last_run_id is None

    def test_a_failed_run_records_no_state(self, tmp_path):
        url = stored_db(tmp_path, [make_article(1, site="kazinform")])
        spider = make_spider("kazinform", {**STORING, "KZNEWS_DATABASE_URL": url})
        drain(spider.incremental.spider_closed(spider, "shutdown"))
        with make_sessionmaker(open_database(url).kw["bind"])() as session:
            assert site_state(session, "kazinform") is None


# --- real crawls ---------------------------------------------------------------------------------------

NEW_ARTICLE = "https://www.inform.kz/ru/v-kazahstane-vyroslo-chislo-samozanyatyh-9d8e7f02"
COPIED_ARTICLE = (
    "https://www.inform.kz/ru/v-kazahstane-vyroslo-chislo-individualnyh-predprinimateley-0c4e81f7"
)
BUMPED = "https://www.inform.kz/ru/v-astane-izmenyat-shemu-dvizheniya-na-prospekte-kabanbay-batyra-a1f3c94e"
RU_SITEMAP = "https://www.inform.kz/sitemap-news-ru.xml"


def crawl(site: str, db_url: str, replay: Path, **spider_args: str) -> tuple[dict[str, int], str]:
    """Replay ``site`` from ``replay`` into ``db_url``; returns the crawl's integer stats and its log."""
    settings = {"KZNEWS_REPLAY": replay, "KZNEWS_EXTRACT_WORKERS": 0}
    result = crawls.crawl(site, db_url, settings, **spider_args)
    return crawl_stats(result.stderr), result.stderr


def crawl_stats(log: str) -> dict[str, int]:
    """The integer counters of the "Dumping Scrapy stats" block of a crawl log."""
    block = log.split("Dumping Scrapy stats:", 1)[1]
    return {key: int(value) for key, value in re.findall(r"'([^']+)': (\d+)[,}]", block)}


def extended_manifest(tmp_path: Path) -> Path:
    """The fixture manifest plus one new Kazinform article in the ru sitemap, and one lastmod moved on."""
    entries = json.loads(DEFAULT_MANIFEST.read_text("utf-8"))
    for entry in entries.values():
        if entry.get("file"):
            entry["file"] = str(DEFAULT_MANIFEST.parent / entry["file"])
    copied = Path(entries[COPIED_ARTICLE]["file"]).read_text("utf-8")
    new_page = copied.replace(COPIED_ARTICLE, NEW_ARTICLE).replace(
        "выросло число индивидуальных предпринимателей", "выросло число самозанятых"
    )
    assert new_page.count(NEW_ARTICLE) >= 3 and "самозанятых" in new_page
    (tmp_path / "new.html").write_text(new_page, "utf-8")
    entries[NEW_ARTICLE] = {**entries[COPIED_ARTICLE], "file": str(tmp_path / "new.html")}
    entries[NEW_ARTICLE].pop("retry_once_429", None)
    sitemap = Path(entries[RU_SITEMAP]["file"]).read_text("utf-8")
    bumped = re.sub(
        rf"(<loc>{re.escape(BUMPED)}</loc>\s*<lastmod>)[^<]+", r"\g<1>2026-05-01T09:00:00+05:00", sitemap
    )
    assert bumped != sitemap
    new_entry = (
        f"  <url>\n    <loc>{NEW_ARTICLE}</loc>\n    <lastmod>2026-04-28T11:00:00+05:00</lastmod>\n  </url>\n"
    )
    (tmp_path / "sitemap-news-ru.xml").write_text(
        bumped.replace("</urlset>", new_entry + "</urlset>"), "utf-8"
    )
    entries[RU_SITEMAP]["file"] = str(tmp_path / "sitemap-news-ru.xml")
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(entries, ensure_ascii=False), "utf-8")
    return path


def stored_urls(db_path: Path) -> list[str]:
    with sqlite3.connect(db_path) as connection:
        return [row[0] for row in connection.execute("SELECT canonical_url FROM articles")]


@pytest.mark.slow
def test_second_harvest_fetches_no_article_and_a_new_article_makes_exactly_one_row(tmp_path):
    warc = tmp_path / "site.warc.gz"
    pack_fixture_site(DEFAULT_MANIFEST, warc)
    db_path = tmp_path / "kznews.sqlite3"
    db_url = f"sqlite:///{db_path}"

    first, _ = crawl("kazinform", db_url, warc)
    stored = first["kznews/stored"]
    before = stored_urls(db_path)
    assert stored >= 8 and len(before) == stored
    assert STAT_KNOWN not in first  # the database did not exist before this run

    # The redirecting sitemap loc is known through its alias from the first run on.
    second, _ = crawl("kazinform", db_url, warc)
    assert second.get("kznews/article_pages", 0) == 0
    assert second[STAT_KNOWN] == stored
    assert second.get("kznews/stored", 0) == 0 and second["downloader/request_count"] > 0

    grown = tmp_path / "grown.warc.gz"
    pack_fixture_site(extended_manifest(tmp_path), grown)
    third, _ = crawl("kazinform", db_url, grown)
    assert third["kznews/stored"] == 1 and third[STAT_LASTMOD] == 1
    assert third["kznews/article_pages"] == 2  # the new article and the one whose lastmod moved on
    assert third.get("kznews/unchanged", 0) == 1
    assert sorted(stored_urls(db_path)) == sorted([*before, NEW_ARTICLE])

    refreshed, _ = crawl("kazinform", db_url, grown, refresh="1")
    assert refreshed.get(STAT_KNOWN, 0) == 0
    assert refreshed["kznews/article_pages"] == first["kznews/article_pages"] + 1
    assert refreshed.get("kznews/stored", 0) == 0 and refreshed["kznews/unchanged"] == stored + 1

    factory = open_database(db_url)
    with factory() as session:
        view = site_state(session, "kazinform")
    factory.kw["bind"].dispose()
    assert view is not None and view.last_run_id == 4  # the refresh run, the last one to finish
