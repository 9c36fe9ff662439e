"""crawler/spiders/sitemaps.py: urlsets, indexes, gzip with a size cap, robots.txt Sitemap: lines."""

import gzip
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from crawler.spiders.sitemaps import read_sitemap, sitemap_body, sitemap_urls

ALMATY = ZoneInfo("Asia/Almaty")
URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc> https://tengrinews.kz/a-1/ </loc><lastmod>2026-04-27T17:42:00Z</lastmod></url>
  <url><loc>https://tengrinews.kzhttps://tengrisport.kz/b-2/</loc><lastmod>2026-04-27</lastmod></url>
  <url><lastmod>2026-04-27</lastmod></url>
</urlset>"""


def test_urlset_locations_are_repaired_and_dated():
    kind, found, news = read_sitemap(URLSET, ALMATY)
    assert (kind, news) == ("urlset", False)
    assert [(c.url, c.when) for c in found] == [
        ("https://tengrinews.kz/a-1/", datetime(2026, 4, 27, 17, 42, tzinfo=UTC)),
        ("https://tengrisport.kz/b-2/", datetime(2026, 4, 27, tzinfo=ALMATY)),
    ]


def test_index_and_unparsable_bodies():
    index = b"<sitemapindex><sitemap><loc>https://x.kz/news.xml</loc></sitemap></sitemapindex>"
    assert read_sitemap(index, ALMATY)[0] == "sitemapindex"
    assert read_sitemap(b"", ALMATY) == ("", [], False)
    assert read_sitemap(b"<html><body>Not found</body></html>", ALMATY) == ("html", [], False)


def test_google_news_entries_mark_a_news_sitemap():
    body = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        b' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://x.kz/a</loc>'
        b"<news:news><news:title>A</news:title></news:news></url></urlset>"
    )
    assert read_sitemap(body, ALMATY).news


def test_gzip_is_inflated_within_the_size_limit():
    packed = gzip.compress(URLSET)
    assert sitemap_body(packed, 0) == URLSET
    assert sitemap_body(packed, len(URLSET)) == URLSET
    assert sitemap_body(packed, len(URLSET) - 1) is None  # over the limit: refused, not cut
    assert sitemap_body(packed[:-20], 0) is None  # truncated
    assert sitemap_body(URLSET, 10) == URLSET  # plain XML is passed through


def test_robots_sitemap_lines_resolve_against_the_robots_url():
    robots = (
        b"User-agent: *\nDisallow: /press_releases/\nSitemap: /sitemap-news.xml\nsitemap:https://x.kz/a.xml\n"
    )
    assert sitemap_urls(robots, "https://qz.inform.kz/robots.txt") == [
        "https://qz.inform.kz/sitemap-news.xml",
        "https://x.kz/a.xml",
    ]
