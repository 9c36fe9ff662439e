"""Read discovery documents (RSS feeds, listing pages; sitemaps: sitemaps.py) into dated URL candidates."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import lxml.etree
from courlan import normalize_url as courlan_normalize
from parsel import Selector

from pipelines.dates import parse_date

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A URL found by discovery, with the date the source gave for it (None = undated)."""

    url: str
    when: datetime | None = None


_EMBEDDED_SCHEME = re.compile(r"(?<=.)https?://", re.IGNORECASE)


def repair_loc(loc: str) -> str:
    """Undo a CMS gluing a full URL onto its own host: ``https://tengrinews.kzhttps://tengrisport.kz/x``
    → ``https://tengrisport.kz/x`` (a known tengrinews sitemap defect, kz-sites.md §1)."""
    loc = loc.strip()
    matches = list(_EMBEDDED_SCHEME.finditer(loc))
    return loc[matches[-1].start() :] if matches else loc


def normalize_url(url: str) -> str:
    """The dedup form of a URL: lower-case host, no fragment, no tracking parameters (utm_*, fbclid...)."""
    try:
        return courlan_normalize(url, strict=True)
    except (ValueError, AttributeError):  # courlan raises on hosts it cannot split; keep the URL as is
        return url.split("#", 1)[0]


def read_rss(body: bytes) -> list[Candidate]:
    """The items of an RSS 2.0 feed: <link> with its RFC 822 <pubDate> (None when absent or garbled)."""
    parser = lxml.etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    root = lxml.etree.fromstring(body, parser)
    if root is None:
        return []
    found = []
    for item in root.iter("item"):
        link = (item.findtext("link") or item.findtext("guid") or "").strip()
        if not link:
            continue
        when = None
        if pub_date := (item.findtext("pubDate") or "").strip():
            try:
                when = parsedate_to_datetime(pub_date)
            except (TypeError, ValueError):
                logger.debug("unparsable pubDate %r for %s", pub_date, link)
        found.append(Candidate(repair_loc(link), when))
    return found


def read_listing(
    selector: Selector, base_url: str, card: str | None, card_date: str | None
) -> list[tuple[str, str | None]]:
    """Distinct (absolute link, card date text) pairs of a listing page; all links when ``card`` is None."""
    if card is None:
        links = dict.fromkeys(urljoin(base_url, href) for href in selector.xpath("//a/@href").getall())
        return [(link, None) for link in links]
    pairs: dict[str, str | None] = {}
    for node in selector.css(card):
        date_text = None
        if card_date and (date_node := node.css(card_date)):  # the first match: counters may follow it
            date_text = " ".join(t.strip() for t in date_node[0].css("::text").getall() if t.strip()) or None
        for href in node.xpath("descendant-or-self::a/@href").getall():  # image and title link: one card
            pairs.setdefault(urljoin(base_url, href), date_text)
    return list(pairs.items())


def parse_card_date(text: str | None, lang: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    """A listing card date ("Вчера", "01 декабря 2025", "Политика 21:38, 18 Августа 2026"), aware; or None.

    ``parse_date(strict=False)``: relative words resolve against ``now``, a rubric or author beside the date
    is ignored. ``lang`` (the edition's) is not needed: the one date table holds every language's words.
    """
    parsed = parse_date(text, now=now, tz=tz.key, strict=False) if text else None
    return parsed.value if parsed is not None else None


def in_window(when: datetime | None, since: date | None, until: date | None, tz: ZoneInfo) -> bool:
    """True when ``when`` falls on a local day in [since, until]; an undated candidate always passes."""
    if when is None:
        return True
    day = when.astimezone(tz).date()
    return (since is None or day >= since) and (until is None or day <= until)
