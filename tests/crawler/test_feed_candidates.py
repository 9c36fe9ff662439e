"""Feeds list article candidates whatever the include patterns say; listings and other sitemaps do not."""

from scrapy.http import HtmlResponse, Request, XmlResponse

from crawler.profiles import PROFILES
from crawler.profiles.schema import Rss, Sitemap
from tests.crawler.test_spiders import drain, make_spider, source_of, stats

NEW_SCHEME = "https://tengrinews.kz/stories/a-story-in-a-scheme-the-profile-does-not-know/"
EXCLUDED = "https://tengrinews.kz/tag/almaty/"
KNOWN = "https://tengrinews.kz/kazakhstan_news/sinoptiki-poobeschali-zamorozki-severe-kazahstana-587310/"


def rss(*links):
    items = "".join(f"<item><title>x</title><link>{link}</link></item>" for link in links)
    body = f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()
    url = "https://tengrinews.kz/news.rss"
    return XmlResponse(url, body=body, request=Request(url))


def sitemap(url, *locs):
    entries = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'.encode()
    return XmlResponse(url, body=body, request=Request(url))


def test_an_rss_item_outside_the_patterns_is_fetched_and_flagged():
    spider = make_spider("tengrinews")
    requests = drain(spider.parse_rss(rss(NEW_SCHEME, EXCLUDED, KNOWN), source_of("tengrinews", Rss)))
    assert [(r.url, r.cb_kwargs["outside_rules"]) for r in requests] == [(NEW_SCHEME, True), (KNOWN, False)]
    assert stats(spider)["kznews/skipped/not_article"] == 1  # the excluded tag page


def test_a_news_sitemap_is_a_feed_and_another_sitemap_is_not():
    spider = make_spider("tengrinews")
    source = source_of("tengrinews", Sitemap)
    news = drain(spider.parse_sitemap(sitemap("https://tengrinews.kz/sitemap-news.xml", NEW_SCHEME), source))
    assert [r.url for r in news] == [NEW_SCHEME]
    other = make_spider("tengrinews")
    tags = drain(other.parse_sitemap(sitemap("https://tengrinews.kz/sitemap-pages.xml", NEW_SCHEME), source))
    assert tags == [] and stats(other)["kznews/skipped/not_article"] == 1


def test_a_listing_link_outside_the_patterns_is_not_a_candidate():
    spider = make_spider("tengrinews")
    listing = next(s for s in PROFILES["tengrinews"].sources if hasattr(s, "url_template"))
    url = listing.page_url(1)
    card = f'<div class="content_main_item"><a href="{NEW_SCHEME}">x</a></div>'
    response = HtmlResponse(url, body=f"<html><body>{card}</body></html>".encode(), request=Request(url))
    requests = [
        r for r in drain(spider.parse_listing(response, listing, 1)) if r.callback == spider.parse_article
    ]
    assert requests == [] and stats(spider)["kznews/skipped/not_article"] == 1


def test_the_spider_passes_the_flag_to_the_page():
    spider = make_spider("tengrinews")
    response = HtmlResponse(
        NEW_SCHEME, body=b"<html><body><p>x</p></body></html>", request=Request(NEW_SCHEME)
    )
    (page,) = drain(spider.parse_article(response, edition="ru", outside_rules=True))
    assert page.outside_rules is True
