"""A feed item's full text as an article: cleaned as a page's body is, stored when the page cannot be had."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from pipelines.article import Article, FeedText, RawPage, Rejection
from pipelines.boilerplate import clean_paragraphs
from pipelines.core import _article, clean_page, error_detail, validate_article
from pipelines.dates import latest_allowed, parse_date
from pipelines.htmlpage import parse_html
from pipelines.language import detect_language
from pipelines.layoutbody import layout_paragraphs
from pipelines.options import DEFAULT_OPTIONS, DEFAULT_RULES, CleanOptions, Layout, SiteRules
from pipelines.titles import fit_title

logger = logging.getLogger(__name__)

PAGE_UNAVAILABLE = frozenset({"http_status", "blocked_page", "challenge_page"})
"""clean_page's reasons meaning the page is not there to read (an error status, a challenge page): the feed's
text stands in. Other rejections (not an article, too short) are the page's own verdict and stand."""
FEED_BODY = Layout(body="body")
"""The whole item text is the body: its paragraph elements (``<p>``, ``<li>``, ``<blockquote>``, headings), or
its lines when it has none; scripts, styles, forms and frames dropped, as from a layout's body."""
_MAILBOX_NAME = re.compile(r"^\S+@\S+\s*\((?P<name>[^()]+)\)$")  # RSS <author>: "mail@site.kz (Name)"


def clean_fetched(
    raw: RawPage, rules: SiteRules = DEFAULT_RULES, options: CleanOptions = DEFAULT_OPTIONS
) -> Article | Rejection:
    """:func:`pipelines.core.clean_page`, or the page's feed text when the page is not there to read.

    A page carrying ``feed_text`` whose cleaning ends in one of PAGE_UNAVAILABLE (an error status, 0 for a
    request that failed; a challenge page) is replaced by :func:`clean_feed_item`; never raises.
    """
    result = clean_page(raw, rules, options)
    if raw.feed_text is None or not isinstance(result, Rejection) or result.reason not in PAGE_UNAVAILABLE:
        return result
    try:
        return clean_feed_item(raw, rules, options)
    except Exception as exc:  # as clean_page: one item's fault never reaches the worker pool or the crawl
        detail = error_detail(exc)
        logger.warning("extract_error on the feed text of %s: %s", raw.url, detail)
        return Rejection("extract_error", detail, raw.url)


def clean_feed_item(
    raw: RawPage, rules: SiteRules = DEFAULT_RULES, options: CleanOptions = DEFAULT_OPTIONS
) -> Article | Rejection:
    """The article of a feed item's full text (``raw.feed_text``), marked ``body_source="feed"``.

    The text goes through the page body's cleaning stage (``clean_paragraphs`` with the site's rules) and the
    same validation; the title is the item's, the date its pubDate (in the site's time zone, never after
    ``raw.fetched_at``), the author its dc:creator / author, the language detected from the text or else the
    edition's. The article is stored under ``raw.url``, the item's link.

    Args:
        raw: the page the text stands in for: ``url``, ``site``, ``edition``, ``fetched_at``, ``feed_text``.
        rules: the site's rules (junk, agencies, time zone, region).
        options: validation thresholds (``min_words``).

    Returns:
        The Article, or a Rejection (``not_article`` without feed text; else the page validation's reasons).
    """
    feed = raw.feed_text
    if feed is None:
        return Rejection("not_article", "no feed text", raw.url)
    title = fit_title(" ".join((feed.title or "").split()) or None)
    paragraphs = layout_paragraphs(parse_html(feed.html), FEED_BODY)
    cleaned = clean_paragraphs(paragraphs, title=title, rules=rules)
    language = detect_language([title or "", *cleaned.paragraphs])
    lang, script = (language.lang, language.script) if language.lang else (feed.lang, feed.script)
    published_at = _published_at(feed, raw, rules)
    article = _article(
        cleaned,
        url=raw.url,
        canonical_url=raw.url,
        site=raw.site,
        region=rules.region,
        edition=raw.edition,
        lang=lang,
        script=script,
        lang_shares=language.shares,
        title=title,
        published_at=published_at,
        date_source="feed" if published_at else None,
        author=_author(feed.author),
        fetched_at=raw.fetched_at,
        body_source="feed",
    )
    return validate_article(article, options) or article


def _published_at(feed: FeedText, raw: RawPage, rules: SiteRules) -> datetime | None:
    """The item's pubDate at the site's local offset (a "+0000" one too); None when absent, unreadable or
    after the fetch."""
    parsed = parse_date(feed.published, now=raw.fetched_at, tz=rules.tz) if feed.published else None
    if parsed is None or parsed.value > latest_allowed(raw.fetched_at, rules.tz):
        return None
    local = parsed.value.astimezone(ZoneInfo(rules.tz))
    return local.replace(tzinfo=timezone(local.utcoffset() or timedelta()))  # a fixed offset, as parse_date's


def _author(author: str | None) -> str | None:
    """A dc:creator as given; an RSS <author> "mail@site.kz (Name)" as its name, a bare address not at all."""
    text = " ".join((author or "").split())
    if match := _MAILBOX_NAME.match(text):
        return match["name"].strip()
    return None if not text or "@" in text else text
