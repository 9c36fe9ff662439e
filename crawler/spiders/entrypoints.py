"""Where a site's sitemaps and feeds may be: its home page's feed ``<link>``s and ``hreflang`` editions, the
common paths to probe, and what a fetched document turns out to be."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

import lxml.etree
from parsel import Selector

from pipelines.pagelinks import absolute_url, edition_lang

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
"""``<link rel="alternate" type=...>`` values naming a feed (a ``; charset=`` suffix allowed)."""
PROBE_PATHS = (
    "/sitemap.xml",
    "/rss",
    "/feed",
    "/sitemap_index.xml",
    "/rss.xml",
    "/news-sitemap.xml",
    "/rss.php",
    "/sitemap-news.xml",
    "/feed/atom",
)
"""Common sitemap and feed paths, most frequent first, sitemaps and feeds interleaved: WordPress ``/feed``
and ``/sitemap_index.xml`` (Yoast), ``/rss.xml`` (lada.kz, zakon.kz), ``/rss.php`` (ekaraganda.kz), ``/rss``
(nur.kz, kapital.kz), kz-sites.md §3-10. A site is probed only as far as KZNEWS_DISCOVERY_PROBES allows."""
SITEMAP_ROOTS = frozenset({"urlset", "sitemapindex"})
FEED_ROOTS = frozenset({"rss", "feed", "RDF"})


def feed_links(selector: Selector, base_url: str) -> list[str]:
    """The absolute URLs of a page's ``<link rel="alternate">`` RSS / Atom / RDF feeds, in page order."""
    found: dict[str, None] = {}
    for link in selector.xpath("//link[@href and @type]"):
        rel = (link.attrib.get("rel") or "").lower().split()
        kind = link.attrib["type"].split(";")[0].strip().lower()
        if "alternate" in rel and kind in FEED_TYPES and (url := absolute_url(link.attrib["href"], base_url)):
            found.setdefault(url)
    return list(found)


def hreflang_editions(selector: Selector, base_url: str) -> list[tuple[str, str]]:
    """(edition tag, absolute URL) of a page's ``<link rel="alternate" hreflang>``: "kk", "kk-Latn", "ru" ...
    (pipelines.pagelinks.edition_lang); ``x-default`` and unreadable tags left out, one URL once."""
    found: dict[str, str] = {}
    for link in selector.xpath("//link[@hreflang and @href]"):
        if "alternate" not in (link.attrib.get("rel") or "").lower().split():
            continue
        tag, url = edition_lang(link.attrib["hreflang"]), absolute_url(link.attrib["href"], base_url)
        if tag and url:
            found.setdefault(url, tag)
    return [(tag, url) for url, tag in found.items()]


def probe_urls(origins: Iterable[str]) -> list[str]:
    """The probe URLs of a site's origins (``https://host``): a path on every origin, then the next path."""
    origins = list(dict.fromkeys(origins))
    return [urljoin(origin, path) for path in PROBE_PATHS for origin in origins]


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def document_kind(body: bytes) -> str | None:
    """ "sitemap" (urlset or sitemap index), "feed" (RSS, Atom, RDF) or None (an HTML page, an error page):
    what a probed URL turned out to serve, by its root element (many sites answer any path with a page)."""
    if body.lstrip()[:1] != b"<" or b"<html" in body[:1024].lower():
        return None
    parser = lxml.etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    try:
        root = lxml.etree.fromstring(body, parser)
    except lxml.etree.XMLSyntaxError:
        return None
    if root is None or not isinstance(root.tag, str):
        return None
    name = root.tag.rpartition("}")[2]
    return "sitemap" if name in SITEMAP_ROOTS else "feed" if name in FEED_ROOTS else None
