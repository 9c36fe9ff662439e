"""crawler/middlewares/onsite.py: a request off the site is refused before it is fetched."""

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.test import get_crawler

from crawler.fixturesite import FIXTURE_NOW
from crawler.middlewares.onsite import SiteHostsMiddleware
from crawler.spiders.sites import SPIDERS


@pytest.fixture
def middleware():
    crawler = get_crawler(SPIDERS["kazinform"], {"ITEM_PIPELINES": {}})
    crawler.spider = SPIDERS["kazinform"].from_crawler(crawler, now=FIXTURE_NOW.isoformat())
    return SiteHostsMiddleware.from_crawler(crawler)


def test_a_request_on_the_sites_hosts_goes_through(middleware):
    assert middleware.process_request(Request("https://www.inform.kz/ru/x-a1f3c9", dont_filter=True)) is None
    assert middleware.process_request(Request("http://qz.inform.kz/news/x")) is None


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8080/internal/admin", "https://evil.example/ru/x-a1f3c9", "ftp://www.inform.kz/x"],
)
def test_a_redirect_off_the_site_is_refused_unfetched(middleware, url):
    redirected = Request(url, dont_filter=True, meta={"redirect_urls": ["https://www.inform.kz/ru/y"]})
    with pytest.raises(
        IgnoreRequest, match=r"^offsite request refused: .*redirected from https://www\.inform"
    ):
        middleware.process_request(redirected)


def test_a_spider_without_a_profile_is_left_alone():
    crawler = get_crawler(settings_dict={"ITEM_PIPELINES": {}})
    crawler.spider = object()
    assert SiteHostsMiddleware.from_crawler(crawler).process_request(Request("https://any.where/")) is None
