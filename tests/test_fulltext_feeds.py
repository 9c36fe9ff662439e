"""Full-text feeds: an RSS item's own text is kept with its page request and stored, cleaned as a page is,
when the page is blocked or unreachable (body_source "feed"); the page's text replaces it once it can be
fetched. Regional sites' articles carry their region."""

import asyncio
import json
from datetime import datetime, timedelta

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler
from sqlalchemy import select
from twisted.internet.error import DNSLookupError
from twisted.python.failure import Failure

from crawler.fixturesite import FIXTURE_NOW
from crawler.goldens import GOLDENS_DIR
from crawler.profiles import PROFILES
from crawler.spiders.fulltext import (
    FEED_TEXT_META,
    MAX_FEED_TEXT_CHARS,
    keep_feed_texts,
    page_unreachable,
    read_feed_texts,
    stand_in_page,
)
from crawler.spiders.sites import SPIDERS, spider_class_for
from db.engine import make_engine, make_sessionmaker
from db.exportformats import FIELDS
from db.models import ArticleVersion
from pipelines import runstats
from pipelines.article import Article, FeedText, RawPage, Rejection
from pipelines.core import extract_html
from pipelines.feedtext import clean_feed_item, clean_fetched
from pipelines.options import DEFAULT_OPTIONS, SiteRules
from pipelines.scrapy_adapters import CleaningPipeline
from tests import fulltext_site as site
from tests.crawler.test_spiders import T2, T4, TENGRI_RSS, drain, fixture_response
from tests.crawls import read_store
from tests.mockserver import FixtureServer, index_by_path, serving

TENGRI_FEED = "https://tengrinews.kz/news.rss"
RULES = SiteRules(name="qaragandy", region="KZ-35")
NOW = FIXTURE_NOW
TEXT = (
    "<p>Двадцать электробусов китайского производства начали работать на маршрутах в верхней части "
    "Алматы.</p><p>Новые машины вышли на маршруты № 12, 63 и 141, которые связывают микрорайоны у подножия "
    "гор с центром города, и каждый вмещает до 85 пассажиров.</p><p>Читайте также: Сколько стоит проезд в "
    "Алматы</p>"
    "<p>Зарядные станции установили на конечных остановках в микрорайонах Калкаман и Горный Гигант, полная "
    "зарядка занимает около трех часов.</p><script>track()</script>"
)


def feed(*items: str, namespaces: bool = True) -> bytes:
    declared = (
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:yandex="http://news.yandex.ru"'
        if namespaces
        else ""
    )
    channel = "".join(items)
    return f'<?xml version="1.0"?><rss version="2.0"{declared}><channel>{channel}</channel></rss>'.encode()


def stand_in(feed_text: FeedText, status: int = 0, body: bytes = b"") -> RawPage:
    return RawPage(
        url="https://www.qaragandy.test/?id=1&mod=news_read",
        body=body,
        status=status,
        site="qaragandy",
        edition="ru",
        fetched_at=NOW,
        feed_text=feed_text,
    )


ITEM = FeedText(
    html=TEXT,
    title="  На улицы Алматы вышли\n электробусы ",
    published="Tue, 28 Apr 2026 04:15:00 +0000",
    author="news@tengrinews.kz (Айгуль Бекова)",
    lang="ru",
    script="Cyrl",
)


class TestReadFeedTexts:
    def test_reads_content_encoded_and_yandex_full_text_by_normalized_link(self):
        body = feed(
            "<item><title>A</title><link>https://x.kz/a?utm_source=rss</link>"
            "<pubDate>Tue, 28 Apr 2026 09:15:00 +0500</pubDate><dc:creator>Автор А</dc:creator>"
            "<content:encoded><![CDATA[<p>Текст А</p>]]></content:encoded></item>",
            "<item><title>B</title><guid>https://x.kz/b</guid><author>b@x.kz (Б)</author>"
            "<yandex:full-text>Строка 1\nСтрока 2</yandex:full-text></item>",
            "<item><title>C</title><link>https://x.kz/c</link><description>Только анонс</description></item>",
        )
        texts, too_large = read_feed_texts(body)
        assert texts == {
            "https://x.kz/a": {
                "html": "<p>Текст А</p>",
                "title": "A",
                "published": "Tue, 28 Apr 2026 09:15:00 +0500",
                "author": "Автор А",
            },
            "https://x.kz/b": {"html": "Строка 1\nСтрока 2", "title": "B", "author": "b@x.kz (Б)"},
        }
        assert too_large == set()

    def test_a_prefix_the_feed_never_declared_is_read_too(self):
        body = feed(
            "<item><link>https://x.kz/a</link><content:encoded>Текст</content:encoded></item>",
            namespaces=False,
        )
        assert read_feed_texts(body)[0] == {"https://x.kz/a": {"html": "Текст"}}

    def test_a_text_over_the_bound_is_named_and_not_kept(self):
        big = "x" * (MAX_FEED_TEXT_CHARS + 1)
        body = feed(f"<item><link>https://x.kz/a</link><content:encoded>{big}</content:encoded></item>")
        assert read_feed_texts(body) == ({}, {"https://x.kz/a"})

    def test_garbage_gives_nothing(self):
        assert read_feed_texts(b"\x00not xml") == ({}, set())

    def test_tengrinews_feed_carries_the_full_text_of_t2_only(self):
        texts, _ = read_feed_texts(fixture_response(TENGRI_FEED).body)
        assert list(texts) == [T2]


class TestFeedTextCleaning:
    def test_a_tengrinews_item_cleans_into_the_body_its_page_gives(self):
        """The same cleaning as pages: the feed's markup, junk and all, ends as the page's golden body."""
        texts, _ = read_feed_texts(fixture_response(TENGRI_FEED).body)
        raw = stand_in(FeedText(**texts[T2], lang="ru", script="Cyrl"))
        article = clean_feed_item(raw, PROFILES["tengrinews"].rules)
        golden = json.loads(
            (GOLDENS_DIR / "tengrinews" / "ru_2026_04_28_almatyi-elektrobusy.json").read_text()
        )
        assert list(article.paragraphs) == golden["paragraphs"]
        assert article.published_at.isoformat() == golden["published_at"]
        assert article.title == golden["title"]
        assert {r.rule for r in article.removed} == {"photo_credit", "read_also", "site_junk"}

    def test_title_date_author_language_and_marks_come_from_the_item(self):
        article = clean_fetched(stand_in(ITEM), RULES)
        assert isinstance(article, Article)
        assert article.body_source == "feed" and article.region == "KZ-35"
        assert article.title == "На улицы Алматы вышли электробусы"
        assert article.published_at.isoformat() == "2026-04-28T09:15:00+05:00"  # +0000 shown at the site's
        assert (article.date_source, article.author, article.lang, article.script) == (
            "feed",
            "Айгуль Бекова",
            "ru",
            "Cyrl",
        )
        assert "Читайте также: Сколько стоит проезд в Алматы" not in article.text
        assert not any("track()" in p for p in article.paragraphs)
        assert article.canonical_url == article.url == "https://www.qaragandy.test/?id=1&mod=news_read"

    def test_yandex_plain_text_is_one_paragraph_a_line(self):
        lines = [p.removeprefix("<p>") for p in TEXT.split("</p>") if p.startswith("<p>")]
        article = clean_feed_item(stand_in(FeedText(html="\n".join(lines), title="T")), RULES)
        assert len(article.paragraphs) == 3

    def test_a_bare_mailbox_is_no_author_and_a_future_date_no_date(self):
        later = (NOW + timedelta(days=2)).strftime("%a, %d %b %Y %H:%M:%S +0500")
        article = clean_feed_item(stand_in(FeedText(html=TEXT, title="T", published=later, author="a@b.kz")))
        assert (article.author, article.published_at, article.date_source) == (None, None, None)

    def test_the_edition_language_stands_when_detection_cannot_tell(self):
        text = "<p>" + " ".join(["12345"] * 60) + "</p>"
        article = clean_feed_item(stand_in(FeedText(html=text, title="123", lang="kk", script="Cyrl")))
        assert (article.lang, article.script) == ("kk", "Cyrl")

    def test_a_short_feed_text_is_rejected_as_a_page_would_be(self):
        result = clean_fetched(stand_in(FeedText(html="<p>Коротко.</p>", title="T")), RULES)
        assert isinstance(result, Rejection) and result.reason == "too_short"

    def test_a_challenge_page_answered_with_200_gives_way_to_the_feed_text(self):
        body = site.CHALLENGE_200.read_bytes()
        assert clean_fetched(stand_in(ITEM, status=200, body=body), RULES).body_source == "feed"

    def test_a_page_that_is_there_wins_over_the_feed_text(self):
        page = site._story(154201)
        article = clean_fetched(stand_in(ITEM, status=200, body=page), RULES)
        assert article.body_source == "page" and site.UPDATE in article.paragraphs

    def test_without_feed_text_an_unavailable_page_stays_rejected(self):
        raw = RawPage(url="https://x.kz/a", body=b"", status=403)
        assert clean_fetched(raw).reason == "http_status"

    def test_pages_carry_their_site_region(self):
        article = extract_html(site._story(154201), "https://www.qaragandy.test/?id=1", rules=RULES, now=NOW)
        assert article.region == "KZ-35" and article.body_source == "page"
        assert extract_html(site._story(154201), "https://x.kz/1", now=NOW).region is None


def qaragandy_spider():
    cls = spider_class_for(site.PROFILE)
    return cls.from_crawler(get_crawler(cls, {"ITEM_PIPELINES": {}}), now=NOW.isoformat())


def stats_of(spider):
    return spider.crawler.stats.get_stats()


class TestSpider:
    def test_rss_requests_carry_their_item_text_only_when_it_has_one(self):
        cls = SPIDERS["tengrinews"]
        spider = cls.from_crawler(get_crawler(cls, {"ITEM_PIPELINES": {}}), now=NOW.isoformat())
        requests = {r.url: r for r in drain(spider.parse_rss(fixture_response(TENGRI_FEED), TENGRI_RSS))}
        assert requests[T2].meta[FEED_TEXT_META]["title"] == "На улицы Алматы вышли 20 новых электробусов"
        assert FEED_TEXT_META not in requests[T4].meta
        assert stats_of(spider)[runstats.FEED_TEXT_KEPT] == 1

    def test_keep_counts_texts_over_the_bound(self):
        counted = []
        big = "x" * (MAX_FEED_TEXT_CHARS + 1)
        body = feed(f"<item><link>https://x.kz/a</link><content:encoded>{big}</content:encoded></item>")
        kept = keep_feed_texts([Request("https://x.kz/a")], body, counted.append)
        assert FEED_TEXT_META not in kept[0].meta and counted == [runstats.FEED_TEXT_TOO_LARGE]

    def test_a_challenged_article_yields_its_feed_text_in_its_place(self):
        spider = qaragandy_spider()
        request = self.article_request()
        page = site._blocked(request.url, "challenge_403")
        response = HtmlResponse(
            request.url, status=403, headers=page.headers, body=page.body, request=request
        )
        (raw,) = spider.parse_article(response, "ru")
        assert (raw.status, raw.body, raw.site, raw.edition) == (403, b"", "qaragandy", "ru")
        assert raw.feed_text.title == "T" and (raw.feed_text.lang, raw.feed_text.script) == ("ru", "Cyrl")
        assert stats_of(spider)[runstats.BLOCKED] == 1

    def test_a_fetched_article_carries_its_feed_text_for_the_core_to_fall_back_on(self):
        spider = qaragandy_spider()
        request = self.article_request()
        response = HtmlResponse(request.url, body=site._story(154201), request=request)
        (raw,) = spider.parse_article(response, "ru")
        assert raw.body and raw.feed_text.html == "<p>Текст</p>"

    def test_an_unreachable_article_yields_its_feed_text_and_a_404_does_not(self):
        spider = qaragandy_spider()
        failure = Failure(DNSLookupError("no such host"))
        failure.request = self.article_request()
        (raw,) = spider.request_failed(failure)
        assert (raw.status, raw.feed_text.html) == (0, "<p>Текст</p>")
        assert spider.request_failed(self.failed(Request("https://www.qaragandy.test/rss.php"))) is None

    @pytest.mark.parametrize(
        ("reason", "unreachable"),
        [("dns_error", True), ("timeout", True), ("http_503", True), ("http_500", True), ("http_404", False),
         ("robots_forbidden", False), ("offsite", False), ("too_large", False), ("http_5xx", False)],
    )  # fmt: skip
    def test_unreachable_means_no_answer_or_a_server_error(self, reason, unreachable):
        assert page_unreachable(reason) is unreachable

    def test_no_stand_in_without_feed_text(self):
        assert stand_in_page(Request("https://www.qaragandy.test/?id=1&mod=news_read"), site.PROFILE) is None

    @staticmethod
    def article_request():
        url = site.story_url(154201)
        text = {"html": "<p>Текст</p>", "title": "T"}
        return Request(url, cb_kwargs={"edition": "ru"}, meta={FEED_TEXT_META: text})

    @staticmethod
    def failed(request):
        failure = Failure(DNSLookupError("no such host"))
        failure.request = request
        return failure


class TestCleaningPipeline:
    def pipeline(self):
        crawler = get_crawler()
        crawler.stats.open_spider()
        return CleaningPipeline(crawler, workers=0, options=DEFAULT_OPTIONS)

    def test_a_stand_in_is_cleaned_from_its_feed_text_and_counted(self):
        pipeline = self.pipeline()
        article = asyncio.run(pipeline.process_item(stand_in(ITEM, status=403)))
        assert article.body_source == "feed"
        stats = pipeline.stats.get_stats()
        assert (
            stats[runstats.FEED_TEXT_CLEANED] == 1 and runstats.BLOCKED not in stats
        )  # the spider counted it

    def test_a_challenge_the_core_recognised_is_counted_blocked(self):
        pipeline = self.pipeline()
        asyncio.run(pipeline.process_item(stand_in(ITEM, status=200, body=site.CHALLENGE_200.read_bytes())))
        stats = pipeline.stats.get_stats()
        assert stats[runstats.FEED_TEXT_CLEANED] == 1 and stats[runstats.BLOCKED] == 1


@pytest.fixture
def qaragandy():
    with serving(FixtureServer(site.site_pages(blocked=True))) as server:
        yield server


@pytest.mark.slow
def test_a_blocked_site_is_stored_from_its_feed_then_its_pages_replace_the_feed_texts(qaragandy, tmp_path):
    database_url = f"sqlite:///{tmp_path / 'fulltext.sqlite3'}"
    site.crawl(qaragandy.base_url, database_url)
    stored = read_store(database_url)
    assert sorted(stored.articles) == sorted(site.FROM_FEED)
    for url, article in stored.articles.items():
        story_id = int(url.split("id=")[1].split("&")[0])
        assert (article.body_source, article.region, article.site) == ("feed", "KZ-35", "qaragandy")
        assert article.title == site.STORIES[story_id][0]
        assert list(article.paragraphs) == site.story_paragraphs(story_id)  # the read-also line cleaned out
        assert article.published_at.isoformat() == site.published(story_id)
        assert article.author == site.author(story_id)
    stats = stored.run()["stats"]
    assert stats[runstats.FEED_TEXT_CLEANED] == len(site.FROM_FEED)
    assert stats[runstats.FEED_TEXT_KEPT] == len(site.FROM_FEED)
    assert stats[runstats.FEED_TEXT_TOO_LARGE] == 1
    assert stats[runstats.BLOCKED] == site.BLOCKED  # 403s counted by the spider, the 200 one by the pipeline
    assert stats[runstats.dropped("http_500")] == 1

    qaragandy.pages = index_by_path(site.site_pages(blocked=False))  # the pages can be fetched now
    site.crawl(qaragandy.base_url, database_url)
    stored = read_store(database_url)
    assert sorted(stored.articles) == sorted(site.story_url(i) for i in site.STORIES)
    assert {a.body_source for a in stored.articles.values()} == {"page"}
    assert all(a.paragraphs[-1] == site.UPDATE for a in stored.articles.values())
    assert sorted(url for url, version, _ in stored.versions) == sorted(
        site.FROM_FEED
    )  # the feed texts, kept
    stats = stored.run()["stats"]
    assert stats[runstats.REFETCH_FEED_TEXT] == len(site.FROM_FEED)
    assert (stats[runstats.UPDATED], stats[runstats.STORED]) == (len(site.FROM_FEED), 2)
    engine = make_engine(database_url)
    try:
        with make_sessionmaker(engine)() as session:
            sources = session.execute(select(ArticleVersion.version, ArticleVersion.body_source)).all()
    finally:
        engine.dispose()
    assert sorted(sources) == [(1, "feed")] * len(site.FROM_FEED)

    site.crawl(qaragandy.base_url, database_url)  # stored from the pages now: not fetched again
    stats = read_store(database_url).run()["stats"]
    assert runstats.REFETCH_FEED_TEXT not in stats and stats[runstats.SKIPPED_KNOWN] == len(site.STORIES)


def test_region_and_body_source_are_export_columns():
    assert {"region", "body_source"} <= set(FIELDS)


def test_stand_in_fetch_time_is_now():
    raw = stand_in_page(TestSpider.article_request(), site.PROFILE)
    assert abs(raw.fetched_at - datetime.now(raw.fetched_at.tzinfo)) < timedelta(minutes=1)
