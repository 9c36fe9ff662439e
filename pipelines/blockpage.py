"""Recognise anti-bot challenge pages (Cloudflare "Just a moment…") so they are counted, never stored."""

from __future__ import annotations

import re
from collections.abc import Mapping

# Markers come from a media monitor's Cloudflare check (kz-sites.md §0, index id 71609103845, fn `Pc`),
# split by how safe they are on an ordinary article page.

CHALLENGE_HEADERS = {"cf-mitigated": "challenge"}
"""Response headers Cloudflare sets only on challenge responses."""

CHALLENGE_MARKUP = (
    'id="challenge-running"',
    'id="cf-challenge-running"',
    'id="cf-please-wait"',
    'id="challenge-form"',
    'id="turnstile-wrapper"',
    "cf-browser-verification",
    "_cf_chl_opt",  # the challenge script's options object
)
"""Ids and script names present only in a challenge page: they fire on any body."""

CHALLENGE_TITLES = ("just a moment", "attention required", "один момент", "подождите")
"""<title> starts of challenge pages; "Подождите…" can also head a real story, hence weak: short,
nearly link-less bodies only."""

CHALLENGE_PHRASES = (
    "checking your browser",
    "verifying you are human",
    "проверка браузера",
    "/cdn-cgi/challenge-platform",  # also injected into normal pages by Cloudflare's bot detection
)
"""Body phrases that an ordinary page may contain too (a story about browser checks, an injected
script), hence weak: short, nearly link-less bodies only."""

SHORT_BODY_BYTES = 60_000
"""A challenge page is 5-30 kB; real pages of the sites weigh far more (the tengrinews homepage: 491 kB)."""

INTERSTITIAL_MAX_LINKS = 5
"""A challenge page has one or two links (cloudflare.com); any site page has dozens. Without this guard a
small listing whose sidebar headline mentions "проверка браузера" passed for a challenge (fixture site)."""

CHALLENGE_STATUSES = frozenset({403, 429, 503})
"""Statuses challenges are served with: there the weak markers count whatever the body size."""

_MARKUP_NEEDLES = tuple((marker, marker.lower().encode("ascii")) for marker in CHALLENGE_MARKUP)
# Every article response of a crawl passes here in the crawl's own process: decoding and lower-casing a
# 100 kB page as str cost more than the rest of the spider's work on it (bench/crawl.py profile).
_TITLE = re.compile(r"<title[^>]*>\s*(.*?)\s*</title>", re.IGNORECASE | re.DOTALL)


def detect_block_page(status: int, headers: Mapping[str, str] | None, body: bytes | str) -> str | None:
    """Tell whether a response is an anti-bot challenge instead of the page asked for.

    Args:
        status: HTTP status; under CHALLENGE_STATUSES the weak markers ignore the body size.
        headers: response headers, any key case; values as str (bytes are decoded as Latin-1).
        body: the response body.

    Returns:
        The marker that fired, as ``"<kind>:<marker>"`` (e.g. ``"title:just a moment"``), or None.
    """
    for name, value in (headers or {}).items():
        key = _text(name).lower()
        if key in CHALLENGE_HEADERS and CHALLENGE_HEADERS[key] in _text(value).lower():
            return f"header:{key}"
    raw = body.encode("utf-8", "replace") if isinstance(body, str) else body
    lowered = raw.lower()  # ASCII-only: the markup markers are ASCII, and a big page is never decoded
    for marker, needle in _MARKUP_NEEDLES:
        if needle in lowered:
            return f"markup:{marker}"
    if len(raw) >= SHORT_BODY_BYTES and status not in CHALLENGE_STATUSES:
        return None
    text = raw.decode("utf-8", "replace").lower()
    if text.count("<a ") > INTERSTITIAL_MAX_LINKS:
        return None
    title = _TITLE.search(text)
    if title:
        for marker in CHALLENGE_TITLES:
            if title.group(1).startswith(marker):
                return f"title:{marker}"
    for marker in CHALLENGE_PHRASES:
        if marker in text:
            return f"phrase:{marker}"
    return None


def _text(value: str | bytes | list) -> str:
    if isinstance(value, list):  # Scrapy-style multi-valued headers
        value = value[0] if value else ""
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)
