"""Autodiscovery: the sitemaps and feeds a profile does not state, found from robots.txt, home pages and, when
those name none, a few probed common paths; when even those find nothing, the home pages' links are followed
(the pages decide). Every find counted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, ClassVar
from urllib.parse import urlsplit

from courlan import is_navigation_page, is_not_crawlable
from scrapy.http import Request, Response, TextResponse
from twisted.python.failure import Failure

from crawler.profiles.schema import Rss, Sitemap, Source
from crawler.spiders.discovery import Candidate
from crawler.spiders.entrypoints import document_kind, feed_links, hreflang_editions, origin_of, probe_urls
from crawler.spiders.failures import failure_reason
from crawler.spiders.sitemaps import SITEMAP_MAXSIZE, sitemap_urls
from pipelines import runstats

MODES = ("auto", "always", "off")
"""KZNEWS_DISCOVERY: ``auto`` for the crawled editions whose profile states no sitemap or feed of them;
``always`` adds discovery to every profile's stated sources; ``off`` crawls the stated sources only."""
HOME_LINKS_MAX = 100
"""Links of a home page followed at most when nothing else was found (a home page lists today's stories)."""
DEFAULT_PROBES = 6
"""KZNEWS_DISCOVERY_PROBES: common paths probed per site at most, one at a time (a 404 costs the site little,
but a guesser should not look like a scanner)."""


class AutodiscoveryMixin:
    """NewsSpider's autodiscovery callbacks; they add found sources to the spider's and use its requests.

    Editions a home page's ``hreflang`` names that the profile does not state are counted and logged, not
    crawled: a profile states what is known, and an edition's script, URL scope and host are facts to check
    before a crawl stores pages under that edition (add it to the profile to crawl it).
    """

    profile: Any
    editions: tuple[str, ...]
    autodiscover: bool = False
    discovering: tuple[str, ...] = ()
    probe_budget: int = DEFAULT_PROBES
    _kinds: ClassVar[dict[str, type[Sitemap] | type[Rss]]] = {"sitemap": Sitemap, "feed": Rss}

    def configure_autodiscovery(self, mode: str, probes: int | str) -> None:
        """Decide whether this run discovers (KZNEWS_DISCOVERY ``mode``) and how many paths it may probe."""
        if mode not in MODES:
            raise ValueError(f"KZNEWS_DISCOVERY {mode!r} is not one of {', '.join(MODES)}")
        if not str(probes).isdigit():
            raise ValueError(f"KZNEWS_DISCOVERY_PROBES {probes!r} is not a whole number >= 0 (0: no probing)")
        # Per edition: a profile may state the feeds of one edition and nothing of another (zakon.kz's kk).
        self.discovering = tuple(
            key
            for key in self.editions
            if mode == "always" or (mode == "auto" and not self.profile.states_feeds((key,)))
        )
        self.autodiscover = bool(self.discovering)
        self.probe_budget = int(probes)
        self._awaiting: set[str] = set()  # robots.txt and home pages not answered yet
        self._found_any = self.profile.states_feeds(self.discovering)  # something known: no probing
        self._probes: list[str] = []
        self._unstated: set[str] = set()
        self._fell_back = False

    def autodiscovery_requests(self) -> list[Request]:
        """The robots.txt of each crawled edition's host and each crawled edition's home page."""
        if not self.autodiscover:
            return []
        self.crawler.stats.set_value(runstats.PROBE_BUDGET, self.probe_budget)
        homes = [self.profile.editions[key].base_url for key in self.discovering]
        requests = [
            *(self._lookup(f"{origin}/robots.txt", self.parse_found_robots) for origin in self._origins()),
            *(self._lookup(url, self.parse_home_page) for url in dict.fromkeys(homes)),
        ]
        requests = [request for request in requests if request is not None]
        return requests or self._answered(None)

    def _origins(self) -> list[str]:
        return list(dict.fromkeys(origin_of(self.profile.editions[key].base_url) for key in self.discovering))

    def _lookup(self, url: str, callback: Any) -> Request | None:
        if url in self._seen_pages:  # a stated source already asks for it
            return None
        self._seen_pages.add(url)
        self._awaiting.add(url)
        return Request(url, callback=callback, errback=self.autodiscovery_failed, dont_filter=True)

    def parse_found_robots(self, response: Response) -> list[Request]:
        """Follow the sitemaps a robots.txt names that the profile does not state."""
        found = sitemap_urls(response.body, response.url) if self._usable(response) else []
        requests = [self._add_found("sitemap", url, "robots_txt") for url in found]
        return [r for r in requests if r is not None] + self._answered(
            _asked_url(response.meta, response.url)
        )

    def parse_home_page(self, response: Response) -> list[Request]:
        """Follow a home page's feed ``<link>``s; count the editions its ``hreflang`` names, unstated."""
        requests: list[Request | None] = []
        if self._usable(response) and isinstance(response, TextResponse):
            requests = [
                self._add_found("feed", url, "home_page")
                for url in feed_links(response.selector, response.url)
            ]
            for tag, url in hreflang_editions(response.selector, response.url):
                if self.profile.edition_for_url(url) is None and url not in self._unstated:
                    self._unstated.add(url)
                    self._inc(runstats.unstated_edition(tag, url))
                    self.logger.info(
                        "%s names edition %s at %s, which profile %s does not state: not crawled (add it to "
                        "the profile to crawl it)",
                        response.url,
                        tag,
                        url,
                        self.profile.name,
                    )
        return [r for r in requests if r is not None] + self._answered(
            _asked_url(response.meta, response.url)
        )

    def autodiscovery_failed(self, failure: Failure) -> list[Request]:
        """A robots.txt or home page that gave nothing: a drop counted with its reason; discovery goes on."""
        reason = failure_reason(failure)
        self._inc(runstats.dropped(reason))
        request = getattr(failure, "request", None)
        url = _asked_url(request.meta, request.url) if request is not None else None
        self.logger.info("autodiscovery: no answer from %s (%s)", url, reason)
        return self._answered(url)

    def _add_found(self, kind: str, url: str, via: str) -> Request | None:
        """Count a found sitemap or feed and request it, unless it is off the site or already a source."""
        source = self._register(kind, url, via)
        if source is None:
            return None
        callback = self.parse_sitemap if kind == "sitemap" else self.parse_rss
        return self._page_request(url, callback, source)

    def _register(self, kind: str, url: str, via: str) -> Source | None:
        if not self.profile.article_urls.in_scope(url):
            self._inc(runstats.offsite(url))
            return None
        self._found_any = True
        if url in self._sources:  # stated in the profile (or found twice): nothing to add
            return None
        self._inc(runstats.autodiscovered(kind, via))
        source = self._sources[url] = self._kinds[kind](url)
        return source

    def rediscovered(self, key: str, kind: type[Sitemap] | type[Rss]) -> Source | None:
        """A found source named by a queued request this process did not find (a resumed JOBDIR, another
        worker of a distributed crawl): found again, when autodiscovery runs and the URL is on the site."""
        if not self.autodiscover or not self.profile.article_urls.in_scope(key):
            return None
        source = self._sources[key] = kind(key)
        return source

    def _answered(self, url: str | None) -> list[Request]:
        """After the last robots.txt or home page: the first probe, when they named no sitemap or feed."""
        if url is not None:
            if url not in self._awaiting:
                return []  # answered before, or asked by another process: not ours to decide on
            self._awaiting.discard(url)
        if self._awaiting or self._found_any:
            return []
        self._probes = probe_urls(self._origins()) if self.probe_budget else []
        return self._next_probe()

    def _next_probe(self) -> list[Request]:
        used = self.crawler.stats.get_value(runstats.PROBES_USED, 0)
        while self._probes and used < self.probe_budget:
            url = self._probes.pop(0)
            if url in self._seen_pages or url in self._sources:
                continue
            self._seen_pages.add(url)
            self._inc(runstats.PROBES_USED)
            meta = {"download_maxsize": SITEMAP_MAXSIZE}
            return [Request(url, self.parse_probe, errback=self.probe_failed, meta=meta, dont_filter=True)]
        return self._home_links_fallback()

    def _home_links_fallback(self) -> list[Request]:
        """When no sitemap or feed was found at all: each crawled edition's home page, for its links."""
        if self._found_any or self._fell_back:
            return []
        self._fell_back = True
        homes = dict.fromkeys(self.profile.editions[key].base_url for key in self.discovering)
        for _ in homes:
            self._inc(runstats.autodiscovered("links", "home_links"))
        return [
            Request(url, self.parse_home_links, errback=self.home_links_failed, dont_filter=True)
            for url in homes
        ]

    async def parse_home_links(self, response: Response) -> AsyncIterator[Request]:
        """Follow a home page's links that may be stories: on the site, not navigation (tags, categories,
        pagination, log-in), and with a slug or a number in the path; the pages then decide."""
        if not self._usable(response) or not isinstance(response, TextResponse):
            return
        urls = [response.urljoin(href) for href in response.css("a::attr(href)").getall()]
        stories = list(dict.fromkeys(url for url in urls if _may_be_story(url)))[:HOME_LINKS_MAX]
        for request in await self._follow_all([Candidate(url, None) for url in stories], "home_links"):
            yield request

    def home_links_failed(self, failure: Failure) -> None:
        """A home page that gave nothing when its links were wanted: a drop counted with its reason."""
        self._inc(runstats.dropped(failure_reason(failure)))

    async def parse_probe(self, response: Response) -> AsyncIterator[Request]:
        """Read a probed path that turned out a sitemap or a feed; else probe the next path."""
        kind = document_kind(response.body) if response.status == 200 else None
        if kind is None or self._register(kind, response.url, "probe") is None:
            for request in self._next_probe():
                yield request
            return
        origin = origin_of(response.url)
        self._probes = [url for url in self._probes if origin_of(url) != origin]  # that host has one
        parse = self.parse_sitemap if kind == "sitemap" else self.parse_rss
        async for request in parse(response, response.url):
            yield request
        for request in self._next_probe():
            yield request

    def probe_failed(self, failure: Failure) -> list[Request]:
        """A probed path that is not there (404, robots.txt forbids it, ...): probe the next one."""
        self.logger.debug("probe %s: %s", getattr(failure, "request", None), failure_reason(failure))
        return self._next_probe()


def _may_be_story(url: str) -> bool:
    """A link worth fetching from a home page: http(s), not navigation or a log-in page (courlan), and a
    path whose last segment carries a digit or a hyphen ("/about", "/news/" are sections)."""
    if not url.startswith(("http://", "https://")) or is_navigation_page(url) or is_not_crawlable(url):
        return False
    last = urlsplit(url).path.rstrip("/").rpartition("/")[2]
    return any(char.isdigit() for char in last) or "-" in last


def _asked_url(meta: dict[str, Any], url: str) -> str:
    """The URL a lookup asked for, before any redirect (a home page sending ``/`` to ``/ru/``)."""
    return (meta.get("redirect_urls") or [url])[0]
