"""Sitemaps read into URL candidates: urlsets and sitemap indexes (gzipped or not), robots.txt Sitemap: lines.

Our own reader rather than ``scrapy.utils.sitemap``, whose API "is subject to change without notice"
(it exists for SitemapSpider): the same lxml iterparse, which keeps memory flat on 50,000-URL files.
"""

from __future__ import annotations

import zlib
from io import BytesIO
from typing import NamedTuple
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import lxml.etree

from crawler.spiders.discovery import Candidate, parse_w3c_datetime, repair_loc

SITEMAP_MAXSIZE = 50 * 1024 * 1024
"""A sitemap's size limit on the wire and inflated: the protocol's 50 MB (pages: DOWNLOAD_MAXSIZE)."""
GZIP_MAGIC = b"\x1f\x8b"
INFLATE_CHUNK = 65_536
NEWS_NAMESPACE = "{http://www.google.com/schemas/sitemap-news/0.9}"
"""Google News sitemap entries (<news:news>): a sitemap that has them lists a site's stories."""


class SitemapDoc(NamedTuple):
    """A parsed sitemap: its root element's name, its entries, whether it is a Google News sitemap."""

    kind: str  # "urlset", "sitemapindex", or another root (not a sitemap)
    entries: list[Candidate]
    news: bool


def sitemap_body(body: bytes, max_size: int) -> bytes | None:
    """The sitemap's XML: gunzipped when it is gzip (``.xml.gz``); None when truncated or over ``max_size``
    bytes inflated (0: no limit)."""
    if not body.startswith(GZIP_MAGIC):
        return body
    inflater = zlib.decompressobj(wbits=31)
    parts, size, data = [], 0, body
    try:
        while data and not inflater.eof:
            chunk = inflater.decompress(data, INFLATE_CHUNK)
            size += len(chunk)
            if max_size and size > max_size:
                return None
            parts.append(chunk)
            data = inflater.unconsumed_tail
    except zlib.error:
        return None
    return b"".join(parts) if inflater.eof else None


def read_sitemap(body: bytes, tz: ZoneInfo) -> SitemapDoc:
    """Parse a sitemap or sitemap index: the repaired locations with their lastmod."""
    events = lxml.etree.iterparse(
        BytesIO(body),
        events=("start", "end"),
        recover=True,
        resolve_entities=False,
        no_network=True,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )
    kind, found, news = "", [], False
    try:
        for event, element in events:
            name = _local_name(element)
            if event == "start":
                kind = kind or name
                news = news or str(element.tag).startswith(NEWS_NAMESPACE)
            elif name in ("url", "sitemap"):
                fields = {_local_name(child): (child.text or "").strip() for child in element}
                if loc := repair_loc(fields.get("loc", "")):
                    found.append(Candidate(loc, parse_w3c_datetime(fields.get("lastmod"), tz)))
                element.clear()
    except lxml.etree.XMLSyntaxError:  # nothing parsable at all (an HTML error page, an empty body)
        pass
    return SitemapDoc(kind, found, news)


def sitemap_urls(robots: bytes, base_url: str) -> list[str]:
    """The URLs of a robots.txt's ``Sitemap:`` lines, resolved against its URL."""
    urls = []
    for line in robots.splitlines():
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"sitemap" and (url := value.strip().decode("utf-8", "replace")):
            urls.append(urljoin(base_url, url))
    return urls


def _local_name(element: lxml.etree._Element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""
