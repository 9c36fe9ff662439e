"""Listing pages ("lenta", "/news/page/N/", "load more" JSON paged by offset): their cards followed,
pagination stopped when nothing is new or the answer says there is no more."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from parsel import Selector
from scrapy.http import Request, Response, TextResponse

from crawler.profiles.schema import Listing
from crawler.spiders.discovery import (
    Candidate,
    in_window,
    parse_card_date,
    read_listing,
    read_load_more,
    repair_loc,
)
from pipelines import runstats


class ListingMixin:
    """NewsSpider's listing callbacks; they use the spider's profile, window, requests and decisions."""

    profile: Any

    def _listing_request(self, source: Listing, page: int, stale: int) -> Request | None:
        return self._page_request(source.page_url(page), self.parse_listing, source, page=page, stale=stale)

    async def parse_listing(
        self, response: Response, source: Listing | str, page: int, stale: int = 0
    ) -> AsyncIterator[Request]:
        """Follow a listing page's cards, then its next page unless this one was old, the last, the
        ``stale_limit``-th page in a row that brought nothing new (``stale``: such pages before this one), or
        a "load more" answer with no cards or saying there is no more."""
        source = self._source(source)  # type: ignore[assignment]
        if source is None or not self._usable(response):
            return
        page_html, more = self._listing_html(response, source, page)
        if page_html is None:
            return
        lang = self.profile.editions[self.profile.editions_of(source)[0]].lang
        dated = old = 0
        candidates = []
        for url, date_text in read_listing(page_html, response.url, source.card, source.card_date):
            url = repair_loc(url)
            if (
                source.card is None
                and not source.html_field
                and not self.profile.article_urls.is_article(url)
            ):
                continue  # menus, category and social links of an uncarded page are not candidates
            when = parse_card_date(date_text, lang, self.now, self.tz)
            if when is not None:
                dated += 1
                old += not in_window(when, self.since, None, self.tz)
            candidates.append(Candidate(url, when))
        requests = await self._follow_all(candidates, "listing")
        for request in requests:
            yield request
        stale = 0 if requests else stale + 1
        limit = self.max_pages or source.max_pages
        if more is False:
            stop = "no_more"  # the answer says so, or its HTML holds no card
        elif dated and old == dated:
            stop = "old"
        elif stale >= self.stale_limit:
            stop = "nothing_new"
        elif limit and page - source.first_page + 1 >= limit:
            stop = "max_pages"
        else:
            if request := self._listing_request(source, page + 1, stale):
                yield request
            return
        self._inc(runstats.listing_stop(stop))
        self.logger.info("listing %s stops at page %d: %s", source.url_template, page, stop)

    def _listing_html(
        self, response: Response, source: Listing, page: int
    ) -> tuple[Selector | None, bool | None]:
        """The page's HTML, and for a "load more" answer whether more follows (False: its HTML is empty or it
        says no more); (None, None), counted, when the answer is not what the listing says it is."""
        if not source.html_field:
            return (response.selector, None) if isinstance(response, TextResponse) else (None, None)
        answer = read_load_more(response.body, source.html_field, source.more_field)
        if answer is None:
            self._inc(runstats.dropped("bad_listing_answer"))
            self.logger.warning(
                "listing %s page %d: not JSON with an HTML field %r (check the listing's html_field)",
                source.url_template,
                page,
                source.html_field,
            )
            return None, None
        html, more = answer
        return Selector(text=html or "<html></html>"), more is not False and bool(html.strip())
