"""The cleaning core's vocabulary: RawPage in, Article or Rejection out (frozen, slotted, no Scrapy)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields, is_dataclass, replace
from datetime import datetime
from typing import Any

EXTRACTOR_VERSION = "1"
"""Bumped whenever a rule change can alter stored text; stored with every article."""
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
"""Characters no store takes: NUL (PostgreSQL text and JSONB refuse it) and lone surrogates (JSON-LD
"\\udfff" escapes decode to them; they have no UTF-8, so SQLite, PostgreSQL and JSON files refuse them)."""
MAX_HEADER_CHARS = 4096
"""A response header's value is kept up to here: enough for any cookie list, not a hostile flood."""


@dataclass(frozen=True, slots=True)
class RawPage:
    """One fetched page as the spider (or a WARC record, or a file) hands it to the core.

    Args:
        url: final URL of the response.
        body: raw bytes as served (not yet decoded).
        headers: response headers as :func:`header_map` makes them (Content-Type decodes the body; the
            others tell a block page by its vendor's marks).
        fetched_at: aware datetime the page was fetched; anchors relative dates.
        site: profile name ("kazinform"), if known.
        edition: edition key of the profile ("ru", "kk", "kk-Latn", "en"), if known.
        status: HTTP status.
        warc_file, warc_offset: provenance of the record this page was read from.
        outside_rules: the URL came from a feed but matches none of the profile's article URL patterns
            (counted when it proves to be an article: the profile's patterns need an update).
        aliases: URLs that led to this one (redirects the crawler followed): the only other URLs the page
            may be stored under when its canonical link names one of them.
        feed_text: the article's full text as its RSS item carries it, if it does: cleaned in the page's
            place when the page is a challenge page or could not be fetched (``status`` 0, ``body`` empty:
            see :func:`pipelines.feedtext.clean_fetched`).
    """

    url: str
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    fetched_at: datetime | None = None
    site: str | None = None
    edition: str | None = None
    status: int = 200
    warc_file: str | None = None
    warc_offset: int | None = None
    outside_rules: bool = False
    aliases: tuple[str, ...] = ()
    feed_text: FeedText | None = None


@dataclass(frozen=True, slots=True)
class FeedText:
    """The full text an RSS item carries (``content:encoded``, ``yandex:full-text``) and the item's metadata.

    Args:
        html: the item's text, HTML (or plain text, one paragraph per line).
        title: the item's ``<title>``.
        published: the item's ``<pubDate>`` as written (RFC 822).
        author: the item's ``<dc:creator>`` or ``<author>``.
        lang: the language of the feed's edition ("ru", "kk", "en"): the text's language when detection
            cannot tell.
        script: the edition's script ("Cyrl", "Latn"), likewise.
    """

    html: str
    title: str | None = None
    published: str | None = None
    author: str | None = None
    lang: str | None = None
    script: str | None = None


def header_map(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Response headers as a RawPage holds them: one entry per name (as first spelled), repeated values
    joined with ", " so that every Set-Cookie name stays visible, each value cut at MAX_HEADER_CHARS."""
    joined: dict[str, str] = {}
    by_lower: dict[str, str] = {}
    for name, value in pairs:
        key = by_lower.setdefault(name.lower(), name)
        joined[key] = f"{joined[key]}, {value}" if key in joined else value
    return {name: value[:MAX_HEADER_CHARS] for name, value in joined.items()}


@dataclass(frozen=True, slots=True)
class Translation:
    """Another edition of the same story."""

    lang: str
    url: str


@dataclass(frozen=True, slots=True)
class Removal:
    """A line the cleaning stage took out of the body, and the rule that fired."""

    rule: str
    text: str


@dataclass(frozen=True, slots=True)
class Article:
    """One cleaned article with its metadata; every field always present (None/empty when unknown)."""

    source: str | None = None
    url: str | None = None
    canonical_url: str | None = None
    site: str | None = None
    edition: str | None = None
    lang: str | None = None
    script: str | None = None
    lang_shares: Mapping[str, float] = field(default_factory=dict)
    title: str | None = None
    lead: str | None = None
    paragraphs: tuple[str, ...] = ()
    published_at: datetime | None = None
    modified_at: datetime | None = None
    date_source: str | None = None
    author: str | None = None
    tags: tuple[str, ...] = ()
    section: str | None = None
    dateline: str | None = None
    source_credit: str | None = None
    photo_credits: tuple[str, ...] = ()
    translations: tuple[Translation, ...] = ()
    damaged_chars: int = 0
    lookalikes_fixed: int = 0
    removed: tuple[Removal, ...] = ()
    fetched_at: datetime | None = None
    warc_file: str | None = None
    warc_offset: int | None = None
    extractor_version: str = EXTRACTOR_VERSION
    # How the body was found: "layout" (the site's selectors), "generic" (no layout for the page),
    # "fallback" (the layout found nothing or too little; the generic path was used), "text" (page text).
    extraction: str | None = None
    # Where the text was read: "page" (the article's page) or "feed" (its RSS item's full text, stored while
    # the page was blocked or unreachable; the page's text replaces it once the page can be fetched).
    body_source: str = "page"
    # ISO 3166-2:KZ code of the site's home region (a regional outlet's; None for a national one).
    region: str | None = None

    @property
    def text(self) -> str:
        """Body paragraphs joined by newlines."""
        return "\n".join(self.paragraphs)

    @property
    def word_count(self) -> int:
        """Whitespace-separated tokens in the body."""
        return sum(len(p.split()) for p in self.paragraphs)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: datetimes as ISO 8601 with offset, tuples as lists, plus text/word_count."""
        data = asdict(self)
        for key in ("published_at", "modified_at", "fetched_at"):
            value = getattr(self, key)
            data[key] = value.isoformat() if value else None
        data["lang_shares"] = dict(self.lang_shares)
        for key, value in data.items():
            if isinstance(value, tuple):
                data[key] = list(value)
        data["text"] = self.text
        data["word_count"] = self.word_count
        return data


@dataclass(frozen=True, slots=True)
class Rejection:
    """A page that is not stored, with a machine-readable reason (a stats key) and a human detail."""

    reason: str
    detail: str = ""
    url: str | None = None


def storable_text(text: str) -> tuple[str, int]:
    """``text`` with each UNSTORABLE character replaced by U+FFFD, and how many were."""
    return UNSTORABLE.subn("\ufffd", text) if UNSTORABLE.search(text) else (text, 0)


def storable(article: Article) -> Article:
    """The article with UNSTORABLE characters replaced by U+FFFD in every string of every field (strings,
    tuples of them, translations and removals; lang_shares holds the detector's language codes only).

    The replacements join ``damaged_chars``, except those in ``removed``: its lines are shown by
    ``kznews extract``, never stored.
    """
    changed: dict[str, Any] = {}
    damaged = 0
    for name in (f.name for f in fields(article)):
        value, count = _storable_value(getattr(article, name))
        if count:
            changed[name] = value
            damaged += count if name != "removed" else 0
    return replace(article, **changed, damaged_chars=article.damaged_chars + damaged) if changed else article


def _storable_value(value: Any) -> tuple[Any, int]:
    """(value made storable, characters replaced) of a string, tuple or dataclass (Translation, Removal)."""
    if isinstance(value, str):
        return storable_text(value)
    if isinstance(value, tuple):
        fixed = [_storable_value(item) for item in value]
        return tuple(item for item, _ in fixed), sum(count for _, count in fixed)
    if is_dataclass(value) and not isinstance(value, type):
        parts = {f.name: _storable_value(getattr(value, f.name)) for f in fields(value)}
        total = sum(count for _, count in parts.values())
        return (
            replace(value, **{name: item for name, (item, _) in parts.items()}) if total else value
        ), total
    return value, 0
