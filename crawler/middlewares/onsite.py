"""SiteHostsMiddleware: no request leaves the site, a redirect's target included."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request

OFFSITE_MESSAGE = "offsite request refused"
"""How the IgnoreRequest starts; crawler/spiders/failures.py names the drop ``offsite`` by it."""


class SiteHostsMiddleware:
    """Refuse, before it is fetched (and before its robots.txt is), a request that is not http(s) on the
    spider profile's hosts: a redirect off the site (to another site, to ``127.0.0.1``), a foreign entry.

    Scrapy's OffsiteMiddleware lets ``dont_filter`` requests through, and every NewsSpider request is one (its
    incremental filter decides what is new), so it cannot do this. The refusal reaches the request's errback,
    which counts it as ``kznews/dropped/offsite``. Spiders without a profile are left alone.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteHostsMiddleware:
        """The middleware reads the running spider's profile."""
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        """Let a request on the site through; raise IgnoreRequest for any other."""
        profile = getattr(self.crawler.spider, "profile", None)
        if profile is None or profile.article_urls.in_scope(request.url):
            return
        redirected_from = (request.meta.get("redirect_urls") or [None])[0]
        origin = f" (redirected from {redirected_from})" if redirected_from else ""
        raise IgnoreRequest(f"{OFFSITE_MESSAGE}: {request.url[:200]}{origin}")
