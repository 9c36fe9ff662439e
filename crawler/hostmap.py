"""Fetch a real site's URLs from a mirror (fixture server, staging) transparently: KZNEWS_HOST_MAP.

``KZNEWS_HOST_MAP = {"https://www.inform.kz": "http://127.0.0.1:8123/www.inform.kz"}`` sends a request for
``https://www.inform.kz/ru/lenta?page=2`` to ``http://127.0.0.1:8123/www.inform.kz/ru/lenta?page=2`` and
hands the response back under the real URL, with a Location pointing into the mirror mapped back too. So
robots.txt, redirects, retries, URL rules, downloader slots, WARC records and stored URLs all see the real
URLs. ``HostMapAddon`` (in ADDONS) installs ``HostMapDownloadHandler`` for http and https only when the
map is set; the handler wraps Scrapy's own HTTP handler, the public extension point for how a request is
downloaded.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import build_from_crawler, load_object

from pipelines import runstats

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

HANDLER_PATH = "crawler.hostmap.HostMapDownloadHandler"


def map_url(url: str, mapping: Mapping[str, str]) -> str | None:
    """``url`` with its first matching prefix replaced (a prefix matches up to "/", "?" or the end)."""
    for source, target in mapping.items():
        if url == source or (url.startswith(source) and url[len(source)] in "/?#"):
            return target + url[len(source) :]
    return None


class HostMapAddon:
    """Scrapy add-on: with KZNEWS_HOST_MAP set, download http(s) through HostMapDownloadHandler."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Disabled (silently: the usual case) unless KZNEWS_HOST_MAP is set."""
        if not crawler.settings.getdict("KZNEWS_HOST_MAP"):
            raise NotConfigured
        return cls()

    def update_settings(self, settings: BaseSettings) -> None:
        """Point the http and https download handlers at the host-mapping one."""
        handlers = dict(settings.getdict("DOWNLOAD_HANDLERS"))
        handlers.update(http=HANDLER_PATH, https=HANDLER_PATH)
        settings.set("DOWNLOAD_HANDLERS", handlers, priority="addon")


class HostMapDownloadHandler(BaseDownloadHandler):
    """Download mapped URLs from their mirror through Scrapy's HTTP handler; the rest as usual."""

    def __init__(self, crawler: Crawler, inner: Any, host_map: Mapping[str, str]) -> None:
        super().__init__(crawler)
        self.inner = inner
        self.to_mirror = {k.rstrip("/"): v.rstrip("/") for k, v in host_map.items()}
        self.to_real = {v: k for k, v in self.to_mirror.items()}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Build from KZNEWS_HOST_MAP (a dict, or its JSON text from -s) around Scrapy's own https handler
        (DOWNLOAD_HANDLERS_BASE, which serves http too)."""
        host_map = crawler.settings.getdict("KZNEWS_HOST_MAP")
        logger.info("host map active: %s", ", ".join(f"{k} -> {v}" for k, v in host_map.items()))
        inner = load_object(crawler.settings.getdict("DOWNLOAD_HANDLERS_BASE")["https"])
        return cls(crawler, build_from_crawler(inner, crawler), host_map)

    async def download_request(self, request: Request) -> Response:
        """The mirror's response for a mapped request, under the real URL; any other request as usual."""
        mirror_url = map_url(request.url, self.to_mirror)
        if mirror_url is None:
            return await self.inner.download_request(request)
        self.crawler.stats.inc_value(runstats.HOSTMAP_MIRRORED)
        response = await self.inner.download_request(request.replace(url=mirror_url))
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

    async def close(self) -> None:
        """Close Scrapy's handler."""
        await self.inner.close()
