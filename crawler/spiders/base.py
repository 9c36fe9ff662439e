"""NewsSpider: sitemap / RSS / listing discovery driven by ``self.profile``; yields RawPage per article."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

import scrapy
from scrapy.http import Request, Response

from crawler.incremental import IncrementalFilter
from crawler.profiles.schema import Listing, Rss, Sitemap, SiteProfile, Source
from crawler.spiders.arguments import SpiderArguments, parse_arguments, parse_positive
from crawler.spiders.autodiscovery import DEFAULT_PROBES, AutodiscoveryMixin
from crawler.spiders.discovery import (
    Candidate,
    in_window,
    normalize_url,
    read_rss,
)
from crawler.spiders.failures import FailureMixin, plain_headers
from crawler.spiders.fulltext import feed_text_of, keep_feed_texts, stand_in_page
from crawler.spiders.listings import ListingMixin
from crawler.spiders.sitemaps import SITEMAP_MAXSIZE, read_sitemap, sitemap_body, sitemap_urls
from pipelines import runstats
from pipelines.article import RawPage
from pipelines.blockpage import CHALLENGE_STATUSES

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

NEWS_SITEMAP = r"news"
"""A sitemap whose URL says "news" (sitemap-news.xml, news-sitemap.xml) lists stories, as a feed does."""
ARTICLE_PRIORITY = 10
"""Articles before more discovery: a crawl stopped early has pages, not just URLs."""
STOP_AFTER_STALE_PAGES = 2
"""Listing pages in a row bringing nothing new before pagination stops (KZNEWS_STOP_AFTER_STALE_PAGES):
one stale page may just be the list shifting under us while we read it."""


class NewsSpider(AutodiscoveryMixin, ListingMixin, FailureMixin, scrapy.Spider):
    """Crawl one site profile: discover article URLs, fetch them, yield RawPage (never a challenge page).

    Arguments (``-a``, parsed by crawler.spiders.arguments): ``lang=ru,kk`` editions (default all),
    ``since=YYYY-MM-DD`` or a duration back from now (``since=2d``) / ``until=YYYY-MM-DD`` local-day window
    on source dates (sitemap lastmod, RSS pubDate, listing card dates; undated URLs pass),
    ``max_pages=N`` listing pages per listing, ``now=ISO`` the instant relative card dates resolve against,
    ``refresh=1`` fetch article URLs already stored too (default: only new ones, see crawler.incremental).
    The stated sources come first; autodiscovery (KZNEWS_DISCOVERY, crawler.spiders.autodiscovery) adds the
    sitemaps and feeds a thin profile does not state.

    Every request is ``dont_filter``: the spider deduplicates itself (per run) and the database decides what
    is already stored, so a JOBDIR's dupefilter left behind by a killed run cannot hide unstored articles.
    Requests carry only plain data (a source is named by its URL), so JOBDIR disk queues can pickle them.
    """

    profile: ClassVar[SiteProfile]
    # Challenges come as 403/429/503: let them reach the callbacks to be recognised and counted.
    handle_httpstatus_list: ClassVar[list[int]] = sorted(CHALLENGE_STATUSES)

    def __init__(
        self,
        *args: Any,
        lang: str | None = None,
        since: str | None = None,
        until: str | None = None,
        max_pages: str | int | None = None,
        now: str | None = None,
        refresh: str | bool | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        given = {"lang": lang, "since": since, "until": until, "max_pages": max_pages, "now": now}
        parsed = self.parse_arguments({**given, "refresh": refresh})
        self.editions = parsed.editions
        self.since, self.until = parsed.since, parsed.until
        self.max_pages = parsed.max_pages
        self.now = parsed.now
        self.refresh = parsed.refresh
        self.tz = ZoneInfo(self.profile.rules.tz)
        self.incremental: IncrementalFilter | None = None  # set by from_crawler
        self.stale_limit = STOP_AFTER_STALE_PAGES
        self._sources: dict[str, Source] = {_source_key(s): s for s in self.profile.sources}
        self._seen: set[str] = set()
        self._seen_pages: set[str] = set()
        self._deciding = asyncio.Lock()

    @classmethod
    def parse_arguments(cls, given: Mapping[str, Any]) -> SpiderArguments:
        """This site's ``-a`` arguments parsed: ValueError (one line naming the argument) for a bad one; the
        crawl command calls it before the crawl starts."""
        profile = cls.profile
        return parse_arguments(given, profile.name, tuple(profile.editions), profile.rules.tz)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        """Attach the incremental filter; read KZNEWS_STOP_AFTER_STALE_PAGES and the discovery settings."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.incremental = IncrementalFilter.from_crawler(crawler, refresh=spider.refresh)
        stale_limit = crawler.settings.get("KZNEWS_STOP_AFTER_STALE_PAGES", STOP_AFTER_STALE_PAGES)
        spider.stale_limit = (
            parse_positive(stale_limit, "KZNEWS_STOP_AFTER_STALE_PAGES") or STOP_AFTER_STALE_PAGES
        )
        settings = crawler.settings
        spider.configure_autodiscovery(
            settings.get("KZNEWS_DISCOVERY", "auto"), settings.get("KZNEWS_DISCOVERY_PROBES", DEFAULT_PROBES)
        )
        return spider

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """Apply the profile's pace; rebuild USER_AGENT from an overridden KZNEWS_CONTACT."""
        super().update_settings(settings)
        politeness = cls.profile.politeness
        settings.set("DOWNLOAD_DELAY", politeness.download_delay, priority="spider")
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", politeness.concurrency, priority="spider")
        contact = settings.get("KZNEWS_CONTACT")
        contact_priority = settings.getpriority("KZNEWS_CONTACT") or 0
        if contact and (settings.getpriority("USER_AGENT") or 0) < contact_priority:
            version = settings.get("KZNEWS_VERSION", "0")
            settings.set("USER_AGENT", f"kznews/{version} (+{contact})", priority=contact_priority)

    async def start(self) -> AsyncIterator[Request]:
        """One request per source serving a selected edition, then autodiscovery's."""
        for source in self.profile.sources:
            if not set(self.profile.editions_of(source)) & set(self.editions):
                continue
            if isinstance(source, Listing):
                request = self._listing_request(source, source.first_page, 0)
            elif isinstance(source, Sitemap):
                request = self._page_request(source.url, self.parse_sitemap, source)
            else:
                request = self._page_request(source.url, self.parse_rss, source)
            if request is not None:
                yield request
        for request in self.autodiscovery_requests():
            yield request

    def _page_request(self, url: str, callback: Any, source: Source, **kwargs: int) -> Request | None:
        """A discovery request (None when this run already asked for the page)."""
        if url in self._seen_pages:
            return None
        self._seen_pages.add(url)
        cb_kwargs = {"source": _source_key(source), **kwargs}
        meta = {"download_maxsize": SITEMAP_MAXSIZE} if callback == self.parse_sitemap else {}
        return Request(
            url,
            callback=callback,
            errback=self.request_failed,
            cb_kwargs=cb_kwargs,
            meta=meta,
            dont_filter=True,
        )

    def _source(self, source: Source | str, kind: type[Sitemap] | type[Rss] | None = None) -> Source | None:
        """The source a request names (by URL, as queued on disk; a found ``kind`` of source found again);
        None, counted, if the profile lost it."""
        if not isinstance(source, str):
            return source
        found = self._sources.get(source) or (kind and self.rediscovered(source, kind))
        if found is None:
            self._inc(runstats.dropped("unknown_source"))
            self.logger.warning(
                "no source %s in profile %s (changed since queued?)", source, self.profile.name
            )
        return found

    async def parse_sitemap(self, response: Response, source: Sitemap | str) -> AsyncIterator[Request]:
        """Follow a robots.txt's sitemaps, a sitemap index's children, or a urlset's articles."""
        source = self._source(source, Sitemap)  # type: ignore[assignment]
        if source is None or not self._usable(response):
            return
        if response.url.endswith("/robots.txt"):
            for url in sitemap_urls(response.body, response.url):
                if request := self._page_request(url, self.parse_sitemap, source):
                    yield request
            return
        body = sitemap_body(response.body, SITEMAP_MAXSIZE)
        if body is None:
            self._inc(runstats.dropped("bad_sitemap"))
            return
        doc = read_sitemap(body, self.tz)
        if doc.kind == "sitemapindex":
            for request in self._follow_children(doc.entries, source):
                yield request
        elif doc.kind == "urlset":
            news = doc.news or bool(re.search(source.news_only_pattern or NEWS_SITEMAP, response.url))
            for request in await self._follow_all(doc.entries, "sitemap", feed=news):
                yield request
        else:
            self._inc(runstats.dropped("bad_sitemap"))
            self.logger.warning("%s is not a sitemap (root <%s>)", response.url, doc.kind)

    def _follow_children(self, children: list[Candidate], source: Sitemap) -> list[Request]:
        if source.news_only_pattern:
            news = [c for c in children if re.search(source.news_only_pattern, c.url)]
            children = news or children
        requests = []
        for child in children:
            if not self.profile.article_urls.in_scope(child.url):
                self._inc(runstats.offsite(child.url))
            elif not in_window(child.when, self.since, None, self.tz):
                self._inc(runstats.skipped("old_sitemap"))  # unchanged since before the window
            elif request := self._page_request(child.url, self.parse_sitemap, source):
                requests.append(request)
        return requests

    async def parse_rss(self, response: Response, source: Rss | str) -> AsyncIterator[Request]:
        """Follow the items of an RSS or Atom feed."""
        if self._source(source, Rss) is None or not self._usable(response):
            return
        requests = await self._follow_all(read_rss(response.body, self.tz), "rss", feed=True)
        for request in keep_feed_texts(requests, response.body, self._inc):  # full texts ride along
            yield request

    async def _follow_all(
        self, candidates: list[Candidate], via: str, *, feed: bool = False
    ) -> list[Request]:
        """Article requests for one discovery page's candidates: admitted, then the stored ones dropped
        (one database lookup for the page; a sitemap lastmod newer than our fetch brings one back).
        ``feed``: a news sitemap or a feed, whose URLs are fetched whatever the include patterns say (as any
        URL is when the profile has no include patterns: a thin profile's pages decide).

        One page is decided at a time: while a page waits for its look-up, another naming the same URLs
        must not admit them too (each URL is requested once per run).
        """
        async with self._deciding:
            admitted: dict[str, Candidate] = {}
            for candidate in (self._admit(candidate, feed) for candidate in candidates):
                if candidate is not None:
                    admitted.setdefault(candidate.url, candidate)  # a URL twice on one page: the first one
            chosen = list(admitted.values())
            if self.incremental is not None:
                chosen = await self.incremental.select(chosen, trust_lastmod=via == "sitemap")
            self._seen.update(candidate.url for candidate in chosen)
        requests = []
        for candidate in chosen:
            self._inc(runstats.discovered(via))
            requests.append(
                Request(
                    candidate.url,
                    callback=self.parse_article,
                    errback=self.request_failed,
                    cb_kwargs={
                        "edition": self.profile.edition_for_url(candidate.url),
                        "outside_rules": self._outside_rules(candidate.url),
                    },
                    priority=ARTICLE_PRIORITY,
                    dont_filter=True,
                )
            )
        return requests

    def _admit(self, candidate: Candidate, feed: bool) -> Candidate | None:
        """The normalized candidate when it is an in-scope article URL (any URL not excluded, from a feed)
        of a selected edition, in the window, and not requested before in this run."""
        rules = self.profile.article_urls
        url = normalize_url(candidate.url)  # before the rules: "?utm_source=rss" must not hide an article
        if not rules.in_scope(url):
            self._inc(runstats.offsite(url))
            return None
        if rules.excluded(url) or not (feed or not rules.include or rules.matches_include(url)):
            self._inc(runstats.skipped("not_article"))
            return None
        if self.profile.edition_for_url(url) not in self.editions:
            self._inc(runstats.skipped("edition"))
            return None
        if not in_window(candidate.when, self.since, self.until, self.tz):
            self._inc(runstats.skipped("out_of_window"))
            return None
        if url in self._seen:
            return None
        return Candidate(url, candidate.when)

    def _outside_rules(self, url: str) -> bool:
        """True when the profile's include patterns miss the URL (none stated: nothing to miss)."""
        rules = self.profile.article_urls
        return bool(rules.include) and not rules.matches_include(url)

    def parse_article(
        self, response: Response, edition: str, outside_rules: bool = False
    ) -> Iterator[RawPage]:
        """Yield the fetched article as a RawPage for the item pipelines.

        A 200 page is not searched for challenge markers here: the cleaning core does that in the worker
        pool (``clean_page``; CleaningPipeline counts it as blocked), and this process is the one all the
        workers wait on. ``kznews/article_pages`` counts the article URLs answered with 200.
        """
        if response.status != 200 and not self._usable(response):
            if stand_in := stand_in_page(response.request, self.profile, response.status):
                yield stand_in  # a challenge, or a 503 after its retries: the feed item's text instead
            return
        warc = response.meta.get("kznews_warc") or {}
        fetched_at = (
            datetime.fromisoformat(warc["fetched_at"]) if warc.get("fetched_at") else datetime.now(UTC)
        )
        self._inc(runstats.ARTICLE_PAGES)
        redirected = tuple(response.meta.get("redirect_urls") or ())
        if redirected and self.incremental is not None:
            self.incremental.note_redirect(redirected[0], response.url)
        yield RawPage(
            url=response.url,
            body=response.body,
            headers=plain_headers(response),
            fetched_at=fetched_at,
            site=self.profile.name,
            edition=self.profile.edition_for_url(response.url) or edition,
            status=response.status,
            warc_file=warc.get("file"),
            warc_offset=warc.get("offset"),
            outside_rules=outside_rules,
            aliases=redirected,
            feed_text=feed_text_of(response.request, self.profile),  # if the page is a challenge after all
        )

    def _inc(self, key: str) -> None:
        self.crawler.stats.inc_value(key)

    def closed(self, reason: str) -> None:
        """Say plainly when the site served challenge pages instead of articles."""
        by_host = runstats.blocked_by_host(self.crawler.stats.get_stats())
        if blocked := sum(by_host.values()):
            hosts = ", ".join(f"{h}: {n}" for h, n in by_host.most_common())
            self.logger.warning(
                "site %s is blocking the crawler: %d challenge pages (%s)", self.profile.name, blocked, hosts
            )


def _source_key(source: Source) -> str:
    """A source's name in request cb_kwargs: its URL (listing: URL template), unique within a profile."""
    return source.url_template if isinstance(source, Listing) else source.url
