"""Full-text feeds: the article text an RSS item carries (``content:encoded``, ``yandex:full-text``) travels
with its page request, bounded, and is what the cleaning core reads when the page is blocked or unreachable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

import lxml.etree
from scrapy.http import Request

from crawler.spiders.discovery import normalize_url, repair_loc
from pipelines import runstats
from pipelines.article import FeedText, RawPage

FEED_TEXT_META = "kznews_feed_text"
"""Request meta key of a feed item's full text: a plain dict of FeedText's item fields (queues store it)."""
MAX_FEED_TEXT_CHARS = 100_000
"""Longest item text kept with its request (a longer one is counted and left out, never cut: a cut article is
a wrong one). AEB's longest annotated body has 53,372 characters, the median 3,158: a feed's markup about
doubles them. A 100-item feed of such texts holds ~0.6 MB in the scheduler at the median, 10 MB at most."""
FULL_TEXT_NAMES = ("encoded", "full-text")
"""Local names of the item elements carrying the full text: ``content:encoded`` (purl.org RSS 1.0 content
module) and ``yandex:full-text`` (Yandex.News feeds), whatever namespace URI or undeclared prefix is used."""
UNREACHABLE = frozenset(
    {"dns_error", "connection_refused", "timeout", "connection_lost", "data_loss", "tls_error"}
)
"""Failure reasons (crawler/spiders/failures.py) after which the page counts as unreachable, besides 5xx
statuses: its retries are spent (a 404, a robots.txt refusal or an off-site redirect is the site's answer)."""


def read_feed_texts(body: bytes) -> tuple[dict[str, dict[str, str]], set[str]]:
    """The full texts of an RSS feed's items by normalized link, and the links of those over the bound.

    Returns:
        ``{url: {"html", "title", "published", "author"}}`` (items without a full text left out; absent fields
        left out), and the URLs whose text is longer than MAX_FEED_TEXT_CHARS.
    """
    parser = lxml.etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    try:
        root = lxml.etree.fromstring(body, parser)
    except lxml.etree.XMLSyntaxError:  # nothing recoverable (an empty or binary body)
        root = None
    texts: dict[str, dict[str, str]] = {}
    too_large: set[str] = set()
    for item in root.iter("{*}item") if root is not None else ():
        fields: dict[str, str] = {}
        for child in item:
            if isinstance(child.tag, str) and (value := (child.text or "").strip()):
                fields.setdefault(_local_name(child.tag), value)  # the first: <link>, not an empty atom:link
        html = next((fields[name] for name in FULL_TEXT_NAMES if fields.get(name)), "")
        link = fields.get("link") or fields.get("guid")
        if not html or not link:
            continue
        url = normalize_url(repair_loc(link))
        if len(html) > MAX_FEED_TEXT_CHARS:
            too_large.add(url)
            continue
        item_fields = {
            "html": html,
            "title": fields.get("title"),
            "published": fields.get("pubDate") or fields.get("date"),  # RSS 2.0, else RSS 1.0's dc:date
            "author": fields.get("creator") or fields.get("author"),  # dc:creator, else RSS 2.0's author
        }
        texts.setdefault(url, {key: value for key, value in item_fields.items() if value})
    return texts, too_large


def keep_feed_texts(requests: Iterable[Request], feed: bytes, inc: Callable[[str], Any]) -> list[Request]:
    """The article requests of one feed, each carrying its item's full text in its meta when the item has one
    within the bound (``kznews/feed_text/kept``; ``kznews/feed_text/too_large`` when over it)."""
    requests = list(requests)
    if not requests:
        return requests
    texts, too_large = read_feed_texts(feed)
    for request in requests:
        if text := texts.get(request.url):
            request.meta[FEED_TEXT_META] = text
            inc(runstats.FEED_TEXT_KEPT)
        elif request.url in too_large:
            inc(runstats.FEED_TEXT_TOO_LARGE)
    return requests


def page_unreachable(reason: str) -> bool:
    """True when a failed request's reason (``failure_reason``) leaves the page unreachable for this run."""
    return reason in UNREACHABLE or (reason.startswith("http_5") and reason[5:].isdigit())


def feed_text_of(request: Request | None, profile: Any) -> FeedText | None:
    """The feed text an article request carries (see keep_feed_texts), with its edition's language; or None.

    Args:
        request: the article request (its meta, and its ``edition`` cb_kwarg).
        profile: the site's SiteProfile (its editions).
    """
    item = request.meta.get(FEED_TEXT_META) if request is not None else None
    if request is None or not isinstance(item, dict) or not item.get("html"):
        return None
    edition = profile.editions.get(_edition_key(request, profile))
    return FeedText(
        html=item["html"],
        title=item.get("title"),
        published=item.get("published"),
        author=item.get("author"),
        lang=edition.lang if edition else None,
        script=edition.script if edition else None,
    )


def stand_in_page(request: Request | None, profile: Any, status: int = 0) -> RawPage | None:
    """The page to clean from its feed item's text in place of a blocked or unreachable page (``body`` empty);
    None when the request carries no feed text.

    Args:
        request: the article request.
        profile: the site's SiteProfile (name, editions).
        status: the status the page answered with (a challenge's 403); 0 when no answer came.
    """
    text = feed_text_of(request, profile)
    if request is None or text is None:
        return None
    return RawPage(
        url=request.url,
        body=b"",
        fetched_at=datetime.now(UTC),
        site=profile.name,
        edition=_edition_key(request, profile),
        status=status,
        outside_rules=bool(request.cb_kwargs.get("outside_rules")),
        feed_text=text,
    )


def _edition_key(request: Request, profile: Any) -> str | None:
    return profile.edition_for_url(request.url) or request.cb_kwargs.get("edition")


def _local_name(tag: str) -> str:
    """An element's name without its namespace ("{uri}encoded") or undeclared prefix ("content:encoded")."""
    return tag.rpartition("}")[2].rpartition(":")[2]
