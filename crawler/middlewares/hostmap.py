"""HostMapMiddleware: fetch a real site's URLs from a mirror (fixture server, staging) transparently.

``KZNEWS_HOST_MAP = {"https://www.inform.kz": "http://127.0.0.1:8123/www.inform.kz"}`` sends a request for
``https://www.inform.kz/ru/lenta?page=2`` to ``http://127.0.0.1:8123/www.inform.kz/ru/lenta?page=2`` and
hands the response back under the real URL, with a Location pointing into the mirror mapped back too. So
robots.txt, redirects, retries, URL rules, WARC records and stored URLs all see the real URLs.

It sits nearest the network (990, after WarcArchiveMiddleware at 950) and downloads the mirror URL itself
through the crawler's download handlers: returning a rewritten Request would send it back through the
scheduler and every middleware under the mirror URL, and rewriting the request in place is undone by
Scrapy's per-request URL parse cache. The price: mirror fetches skip the downloader's per-host delay and
concurrency slots, which a loopback or staging mirror does not need.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def map_url(url: str, mapping: Mapping[str, str]) -> str | None:
    """``url`` with its first matching prefix replaced (a prefix matches up to "/", "?" or the end)."""
    for source, target in mapping.items():
        if url == source or (url.startswith(source) and url[len(source)] in "/?#"):
            return target + url[len(source) :]
    return None


class HostMapMiddleware:
    """Rewrite requests to the mirror before download, and responses back to the real URL after."""

    def __init__(self, crawler: Crawler, host_map: Mapping[str, str]):
        self.crawler = crawler
        self.to_mirror = {k.rstrip("/"): v.rstrip("/") for k, v in host_map.items()}
        self.to_real = {v: k for k, v in self.to_mirror.items()}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Build from KZNEWS_HOST_MAP (a dict, or its JSON text from -s); NotConfigured when empty."""
        host_map = crawler.settings.getdict("KZNEWS_HOST_MAP")
        if not host_map:
            raise NotConfigured  # bare: the usual case, and Scrapy logs a message as a WARNING
        logger.info("host map active: %s", ", ".join(f"{k} -> {v}" for k, v in host_map.items()))
        return cls(crawler, host_map)

    async def process_request(self, request: Request) -> Response | None:
        """Download a mapped request from its mirror; let any other request through."""
        mirror_url = map_url(request.url, self.to_mirror)
        if mirror_url is None:
            return None
        self.crawler.stats.inc_value("kznews/hostmap/mirrored")
        assert self.crawler.engine is not None
        handlers = self.crawler.engine.downloader.handlers
        response = await handlers.download_request_async(request.replace(url=mirror_url))
        return self.to_real_response(response, request)

    def to_real_response(self, response: Response, request: Request) -> Response:
        """The mirror's response under the real URL, its Location (if into the mirror) mapped back."""
        headers = response.headers.copy()
        location = headers.get("Location")
        if location:
            real = map_url(location.decode("latin-1"), self.to_real)
            if real is not None:
                headers["Location"] = real
        return response.replace(url=request.url, headers=headers, request=request)
