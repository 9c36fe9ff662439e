"""Listings paged by offset, and "load more" endpoints answering JSON whose field holds the cards' HTML."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import pytest
from scrapy.http import Request, TextResponse
from scrapy.utils.test import get_crawler

from crawler.fixturesite import FIXTURE_NOW
from crawler.profiles.schema import Listing
from crawler.spiders.discovery import read_load_more
from crawler.spiders.sites import spider_class_for
from tests.crawls import read_store
from tests.thin_site import AQTOBE, crawl_profile, serve_thin_sites, served, stories_on

ENDPOINT = "https://www.aqtobe.test/article/more-list?count=3&offset={offset}"


class TestListingSchema:
    def test_offset_is_the_page_index_times_the_step(self):
        listing = Listing("https://diapazon.kz/article/more-list?count=30&offset={offset}", step=30)
        assert [listing.page_url(page) for page in (1, 2, 3)] == [
            "https://diapazon.kz/article/more-list?count=30&offset=0",
            "https://diapazon.kz/article/more-list?count=30&offset=30",
            "https://diapazon.kz/article/more-list?count=30&offset=60",
        ]

    def test_page_and_offset_together_and_another_first_page(self):
        listing = Listing("https://x.kz/more?p={page}&from={offset}", first_page=0, step=20)
        assert listing.page_url(0) == "https://x.kz/more?p=0&from=0"
        assert listing.page_url(2) == "https://x.kz/more?p=2&from=40"

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"url_template": "https://x.kz/news/"}, r"has no \{page\} or \{offset\}"),
            ({"url_template": "https://x.kz/?o={offset}", "step": 0}, "step 0 is not a positive integer"),
            ({"url_template": "https://x.kz/?p={page}", "more_field": "more"}, "more_field needs html_field"),
        ],
    )
    def test_bad_listings_are_one_line_errors(self, fields, message):
        with pytest.raises(ValueError, match=message):
            Listing(**fields)


class TestReadLoadMore:
    def test_dotted_field_and_more_flag(self):
        body = json.dumps({"data": {"html": "<div class=card>1</div>"}, "meta": {"has_more": False}}).encode()
        assert read_load_more(body, "data.html", "meta.has_more") == ("<div class=card>1</div>", False)
        assert read_load_more(body, "data.html", None) == ("<div class=card>1</div>", None)
        assert read_load_more(body, "data.html", "meta.missing") == ("<div class=card>1</div>", None)

    def test_a_list_of_snippets_is_joined(self):
        body = json.dumps({"items": ["<a href=/1>1</a>", "<a href=/2>2</a>"], "more": 1}).encode()
        assert read_load_more(body, "items", "more") == ("<a href=/1>1</a>\n<a href=/2>2</a>", True)

    @pytest.mark.parametrize(
        "body", [b"<html>not json</html>", b'{"html": null}', b'{"data": 3}', b"[1, 2]", b"\xff\xfe{"]
    )
    def test_an_answer_without_the_html_field_is_none(self, body):
        assert read_load_more(body, "data.html", None) is None


def make_spider(profile=AQTOBE, **settings):
    cls = spider_class_for(profile)
    crawler = get_crawler(cls, {"ITEM_PIPELINES": {}, "KZNEWS_HOST_MAP": {}, **settings})
    return cls.from_crawler(crawler, now=FIXTURE_NOW.isoformat())


def answer(spider, page, payload, stale=0):
    """The spider's requests for one JSON answer of its listing's ``page``."""
    source = spider.profile.sources[0]
    url = source.page_url(page)
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    response = TextResponse(
        url, body=body, headers={"Content-Type": "application/json"}, request=Request(url)
    )

    async def collect():
        return [r async for r in spider.parse_listing(response, source.url_template, page, stale)]

    return [r.url for r in asyncio.run(collect())]


def cards(*ids):
    return "".join(f'<div class="card"><a href="/news/{i}-story">Story {i}</a></div>' for i in ids)


def stat(spider, key):
    return spider.crawler.stats.get_value(key)


class TestLoadMoreAnswers:
    def test_cards_of_the_html_field_are_followed_then_the_next_offset(self):
        spider = make_spider()
        got = answer(spider, 1, {"data": {"html": cards(1, 2) + '<a href="https://evil.example/x">ad</a>'}})
        assert got == [
            "https://www.aqtobe.test/news/1-story",
            "https://www.aqtobe.test/news/2-story",
            ENDPOINT.format(offset=3),
        ]
        assert stat(spider, "kznews/offsite/evil.example") == 1

    def test_the_answer_saying_no_more_ends_the_listing(self):
        listing = replace(AQTOBE.sources[0], more_field="more")
        spider = make_spider(replace(AQTOBE, sources=(listing,)))
        assert answer(spider, 2, {"data": {"html": cards(3)}, "more": False}) == [
            "https://www.aqtobe.test/news/3-story"
        ]
        assert stat(spider, "kznews/listing_stop/no_more") == 1

    def test_an_empty_html_field_ends_the_listing(self):
        spider = make_spider()
        assert answer(spider, 3, {"data": {"html": "  "}}) == []
        assert stat(spider, "kznews/listing_stop/no_more") == 1

    def test_a_page_bringing_nothing_new_twice_ends_the_listing(self):
        spider = make_spider()
        assert answer(spider, 1, {"data": {"html": cards(1)}})[-1] == ENDPOINT.format(offset=3)
        assert answer(spider, 2, {"data": {"html": cards(1)}}) == [ENDPOINT.format(offset=6)]
        assert answer(spider, 3, {"data": {"html": cards(1)}}, stale=1) == []
        assert stat(spider, "kznews/listing_stop/nothing_new") == 1

    def test_an_answer_that_is_not_the_json_named_is_a_counted_drop(self, caplog):
        spider = make_spider()
        assert answer(spider, 1, b"<html><body>maintenance</body></html>") == []
        assert stat(spider, "kznews/dropped/bad_listing_answer") == 1
        assert "not JSON with an HTML field 'data.html' (check the listing's html_field)" in caplog.text


@pytest.fixture
def thin_server():
    with serve_thin_sites() as server:
        yield server


def test_a_load_more_listing_on_loopback_is_followed_until_it_brings_nothing_new(thin_server, tmp_path):
    database_url = f"sqlite:///{tmp_path / 'aqtobe.sqlite3'}"
    crawl_profile(thin_server, AQTOBE.name, database_url, KZNEWS_DISCOVERY="off")
    stored = read_store(database_url)
    assert set(stored.articles) == set(stories_on("www.aqtobe.test"))
    offsets = sorted(
        int(path.rpartition("=")[2]) for path in served(thin_server, "www.aqtobe.test") if "more-list" in path
    )
    # 0, 3, 6 bring 3 + 3 + 1 stories; 9 and 12 repeat the last cards: nothing new twice, no offset 15
    assert offsets == [0, 3, 6, 9, 12]
    assert stored.run()["stats"]["kznews/listing_stop/nothing_new"] == 1
