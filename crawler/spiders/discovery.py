"""Read discovery documents (RSS and Atom feeds, listing pages and "load more" JSON; sitemaps: sitemaps.py)
into dated URL candidates."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import lxml.etree
from courlan import normalize_url as courlan_normalize
from parsel import Selector

from pipelines.dates import parse_date

logger = logging.getLogger(__name__)
ATOM = "{http://www.w3.org/2005/Atom}"
RSS1 = "{http://purl.org/rss/1.0/}"
DUBLIN_CORE = "{http://purl.org/dc/elements/1.1/}"


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
    """The dedup form of a URL: lower-case host, no fragment, no tracking parameters (utm_*, fbclid...).

    Other parameters stay: courlan's strict mode keeps only its own allow-list, and would cut ekaraganda.kz's
    ``/?id=154252&mod=news_read`` (the story) down to ``/?id=154252``.
    """
    try:
        url = courlan_normalize(url, strict=False)
    except (ValueError, AttributeError):  # courlan raises on hosts it cannot split; keep the URL as is
        pass
    return url.split("#", 1)[0]


def read_rss(body: bytes, tz: tzinfo = UTC) -> list[Candidate]:
    """The stories of a feed: RSS 2.0 / RDF ``<item>``s (``<link>``, RFC 822 ``<pubDate>``) or Atom
    ``<entry>``s (the alternate ``<link href>``, RFC 3339 ``<updated>`` else ``<published>``, naive ones in
    ``tz``); a date absent or garbled is None."""
    parser = lxml.etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    root = lxml.etree.fromstring(body, parser)
    if root is None:
        return []
    found = []
    for item in root.iter("{*}item", ATOM + "entry"):
        link, when = _atom_entry(item, tz) if item.tag == ATOM + "entry" else _rss_item(item, tz)
        if link:
            found.append(Candidate(repair_loc(link), when))
    return found


def _rss_item(item: lxml.etree._Element, tz: tzinfo) -> tuple[str, datetime | None]:
    """An RSS 2.0 item, or an RSS 1.0 (RDF) one: namespaced elements, a Dublin Core date."""
    link = (item.findtext("link") or item.findtext(RSS1 + "link") or item.findtext("guid") or "").strip()
    when = None
    if pub_date := (item.findtext("pubDate") or "").strip():
        try:
            when = parsedate_to_datetime(pub_date)
        except (TypeError, ValueError):
            logger.debug("unparsable pubDate %r for %s", pub_date, link)
    return link, when or parse_w3c_datetime(item.findtext(DUBLIN_CORE + "date"), tz)


def _atom_entry(entry: lxml.etree._Element, tz: tzinfo) -> tuple[str, datetime | None]:
    links = [(el.get("rel") or "alternate", el.get("href") or "") for el in entry.iter(ATOM + "link")]
    link = next((href.strip() for rel, href in links if rel == "alternate" and href.strip()), "")
    stamp = entry.findtext(ATOM + "updated") or entry.findtext(ATOM + "published")
    return link, parse_w3c_datetime(stamp, tz)


def read_load_more(body: bytes, html_field: str, more_field: str | None) -> tuple[str, bool | None] | None:
    """A "load more" JSON answer's HTML (the ``html_field`` dotted path; a list of strings joined) and
    whether more pages follow (``more_field``'s truth; None when not named or absent); None when the
    answer is not JSON or has no such HTML field."""
    try:
        answer = json.loads(body)
    except ValueError:  # UnicodeDecodeError is one
        return None
    html = _field(answer, html_field)
    if isinstance(html, list) and all(isinstance(part, str) for part in html):
        html = "\n".join(html)
    if not isinstance(html, str):
        return None
    more = _field(answer, more_field) if more_field else None
    return html, (None if more is None else bool(more))


def _field(answer: Any, dotted: str) -> Any:
    for name in dotted.split("."):
        if not isinstance(answer, dict):
            return None
        answer = answer.get(name)
    return answer


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


def parse_w3c_datetime(text: str | None, tz: tzinfo) -> datetime | None:
    """A sitemap <lastmod> or Atom date ("2026-04-27", "2026-04-27T17:42:00+05:00", "...Z"), aware."""
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def in_window(when: datetime | None, since: date | None, until: date | None, tz: ZoneInfo) -> bool:
    """True when ``when`` falls on a local day in [since, until]; an undated candidate always passes."""
    if when is None:
        return True
    day = when.astimezone(tz).date()
    return (since is None or day >= since) and (until is None or day <= until)
