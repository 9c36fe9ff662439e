"""NewsSpider: sitemap / RSS / listing discovery driven by ``self.profile``; yields RawPage per article."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import scrapy
from scrapy.http import Request, Response, TextResponse
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import sitemap_urls_from_robots

from crawler.profiles.schema import Listing, Rss, Sitemap, SiteProfile
from crawler.spiders.discovery import (
    Candidate,
    in_window,
    normalize_url,
    parse_card_date,
    read_listing,
    read_rss,
    read_sitemap,
    repair_loc,
)
from pipelines.article import RawPage
from pipelines.blockpage import CHALLENGE_STATUSES, detect_block_page

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

ARTICLE_PRIORITY = 10
"""Articles before more discovery: a crawl stopped early has pages, not just URLs."""


class NewsSpider(scrapy.Spider):
    """Crawl one site profile: discover article URLs, fetch them, yield RawPage (never a challenge page).

    Arguments (``-a``): ``lang=ru,kk`` editions (default all), ``since=YYYY-MM-DD`` / ``until=YYYY-MM-DD``
    local-day window on source dates (sitemap lastmod, RSS pubDate, listing card dates; undated URLs pass),
    ``max_pages=N`` listing pages per listing, ``now=ISO`` the instant relative card dates resolve against.
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
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.editions = self._parse_editions(lang)
        self.since = _parse_day(since, "since")
        self.until = _parse_day(until, "until")
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"since {self.since} is after until {self.until}")
        self.max_pages = _parse_positive(max_pages, "max_pages")
        self.now = _parse_now(now)
        self.tz = ZoneInfo(self.profile.rules.tz)
        self._seen: set[str] = set()
        self._blocked_hosts: Counter[str] = Counter()

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

    def _parse_editions(self, lang: str | None) -> tuple[str, ...]:
        if not lang:
            return tuple(self.profile.editions)
        wanted = tuple(part.strip() for part in lang.split(",") if part.strip())
        unknown = [e for e in wanted if e not in self.profile.editions]
        if unknown:
            raise ValueError(
                f"{self.profile.name} has no edition {', '.join(unknown)}; "
                f"editions: {', '.join(self.profile.editions)}"
            )
        return wanted

    # --- entry points --------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        """One request per source serving a selected edition."""
        for source in self.profile.sources:
            if not set(self.profile.editions_of(source)) & set(self.editions):
                continue
            if isinstance(source, Listing):
                yield self._listing_request(source, source.first_page)
            elif isinstance(source, Sitemap):
                yield Request(source.url, callback=self.parse_sitemap, cb_kwargs={"source": source})
            elif isinstance(source, Rss):
                yield Request(source.url, callback=self.parse_rss, cb_kwargs={"source": source})

    def _listing_request(self, source: Listing, page: int) -> Request:
        return Request(
            source.page_url(page), callback=self.parse_listing, cb_kwargs={"source": source, "page": page}
        )

    # --- discovery callbacks -------------------------------------------------------------------------

    def parse_sitemap(self, response: Response, source: Sitemap) -> Iterator[Request]:
        """Follow a robots.txt's sitemaps, a sitemap index's children, or a urlset's articles."""
        if not self._usable(response):
            return
        if response.url.endswith("/robots.txt"):
            for url in sitemap_urls_from_robots(response.body, base_url=response.url):
                yield Request(url, callback=self.parse_sitemap, cb_kwargs={"source": source})
            return
        body = self._sitemap_body(response)
        if body is None:
            self._inc("kznews/dropped/bad_sitemap")
            return
        kind, entries = read_sitemap(body, self.tz)
        if kind == "sitemapindex":
            yield from self._follow_children(entries, source)
        elif kind == "urlset":
            for entry in entries:
                if request := self._follow(entry, "sitemap"):
                    yield request
        else:
            self._inc("kznews/dropped/bad_sitemap")
            self.logger.warning("%s is not a sitemap (root <%s>)", response.url, kind)

    def _follow_children(self, children: list[Candidate], source: Sitemap) -> Iterator[Request]:
        if source.news_only_pattern:
            news = [c for c in children if re.search(source.news_only_pattern, c.url)]
            children = news or children
        for child in children:
            if not self.profile.article_urls.in_scope(child.url):
                self._offsite(child.url)
            elif not in_window(child.when, self.since, None, self.tz):
                self._inc("kznews/skipped/old_sitemap")  # unchanged since before the window
            else:
                yield Request(child.url, callback=self.parse_sitemap, cb_kwargs={"source": source})

    def parse_rss(self, response: Response, source: Rss) -> Iterator[Request]:
        """Follow the items of an RSS 2.0 feed."""
        if not self._usable(response):
            return
        for item in read_rss(response.body):
            if request := self._follow(item, "rss"):
                yield request

    def parse_listing(self, response: Response, source: Listing, page: int) -> Iterator[Request]:
        """Follow a listing page's cards, then its next page unless this one was old, stale or the last."""
        if not self._usable(response) or not isinstance(response, TextResponse):
            return
        lang = self.profile.editions[self.profile.editions_of(source)[0]].lang
        new = dated = old = 0
        for url, date_text in read_listing(response.selector, response.url, source.card, source.card_date):
            url = repair_loc(url)
            if source.card is None and not self.profile.article_urls.is_article(url):
                continue  # menus, category and social links of an uncarded page are not candidates
            when = parse_card_date(date_text, lang, self.now, self.tz)
            if when is not None:
                dated += 1
                old += not in_window(when, self.since, None, self.tz)
            if request := self._follow(Candidate(url, when), "listing"):
                new += 1
                yield request
        limit = self.max_pages or source.max_pages
        if dated and old == dated:
            stop = "old"
        elif not new:
            stop = "nothing_new"
        elif limit and page - source.first_page + 1 >= limit:
            stop = "max_pages"
        else:
            yield self._listing_request(source, page + 1)
            return
        self._inc(f"kznews/listing_stop/{stop}")
        self.logger.info("listing %s stops at page %d: %s", source.url_template, page, stop)

    def _follow(self, candidate: Candidate, via: str) -> Request | None:
        """An article request for a new in-scope article URL of a selected edition in the window."""
        rules = self.profile.article_urls
        url = normalize_url(candidate.url)  # before the rules: "?utm_source=rss" must not hide an article
        if not rules.in_scope(url):
            self._offsite(url)
            return None
        if not rules.is_article(url):
            self._inc("kznews/skipped/not_article")
            return None
        edition = self.profile.edition_for_url(url)
        if edition not in self.editions:
            self._inc("kznews/skipped/edition")
            return None
        if not in_window(candidate.when, self.since, self.until, self.tz):
            self._inc("kznews/skipped/out_of_window")
            return None
        if url in self._seen:
            return None
        self._seen.add(url)
        self._inc(f"kznews/discovered/{via}")
        return Request(
            url, callback=self.parse_article, cb_kwargs={"edition": edition}, priority=ARTICLE_PRIORITY
        )

    # --- articles ------------------------------------------------------------------------------------

    def parse_article(self, response: Response, edition: str) -> Iterator[RawPage]:
        """Yield the fetched article as a RawPage for the item pipelines."""
        if not self._usable(response):
            return
        warc = response.meta.get("kznews_warc") or {}
        fetched_at = (
            datetime.fromisoformat(warc["fetched_at"]) if warc.get("fetched_at") else datetime.now(UTC)
        )
        content_type = response.headers.get("Content-Type")
        self._inc("kznews/article_pages")
        yield RawPage(
            url=response.url,
            body=response.body,
            headers={"Content-Type": content_type.decode("latin-1")} if content_type else {},
            fetched_at=fetched_at,
            site=self.profile.name,
            edition=self.profile.edition_for_url(response.url) or edition,
            status=response.status,
            warc_file=warc.get("file"),
            warc_offset=warc.get("offset"),
        )

    # --- shared checks -------------------------------------------------------------------------------

    def _usable(self, response: Response) -> bool:
        """False (and counted) for a challenge page or a non-200 response let through for inspection."""
        headers = {k.decode("latin-1"): v[0].decode("latin-1") for k, v in response.headers.items() if v}
        marker = detect_block_page(response.status, headers, response.body)
        if marker:
            host = urlsplit(response.url).hostname or "?"
            self._inc("kznews/blocked")
            self._inc(f"kznews/blocked/{host}")
            self._blocked_hosts[host] += 1
            self.logger.debug("challenge page at %s (%s)", response.url, marker)
            return False
        if response.status != 200:
            self._inc(f"kznews/dropped/http_{response.status}")
            return False
        return True

    def _sitemap_body(self, response: Response) -> bytes | None:
        if gzip_magic_number(response):
            try:
                return gunzip(response.body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except (OSError, ValueError):  # truncated gzip or over the size limit
                return None
        return response.body

    def _offsite(self, url: str) -> None:
        self._inc(f"kznews/offsite/{urlsplit(url).hostname or '?'}")

    def _inc(self, key: str) -> None:
        self.crawler.stats.inc_value(key)

    def closed(self, reason: str) -> None:
        """Say plainly when the site served challenge pages instead of articles."""
        blocked = sum(self._blocked_hosts.values())
        if blocked:
            hosts = ", ".join(f"{h}: {n}" for h, n in self._blocked_hosts.most_common())
            self.logger.warning(
                "site %s is blocking the crawler: %d challenge pages (%s)", self.profile.name, blocked, hosts
            )


def _parse_day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"-a {name}={value!r}: expected YYYY-MM-DD") from None


def _parse_positive(value: str | int | None, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise ValueError(f"-a {name}={value!r}: expected a positive integer")
    return number


def _parse_now(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"-a now={value!r}: needs an offset, e.g. {value}+05:00")
    return parsed
