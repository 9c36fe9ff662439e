"""The article title among a page's candidates (headline, og:title, <h1>, <title>), site name cut off."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

SITE_BRANDS = (
    "Kazinform",
    "Qazinform",
    "Казинформ",
    "ҚазАқпарат",
)  # og:title suffix on inform.kz (kz-sites.md §2)
# A separator's spaces start after a non-space: a run of spaces is read once, not from each of its spaces.
TITLE_SEPARATOR = re.compile(r"(?<!\s)\s++[|\-–—:·•/»]{1,2}\s+")
DOMAIN_LIKE = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}$", re.IGNORECASE)  # "Tengrinews.kz", "NUR.KZ"
MIN_HOST_KEY = 4  # a title part counts as the host's name from 4 letters on ("kz" is in every host)
# Longer is no title but a page's text in <title> or a heading around the page: AEB's longest <title> and
# <h1> hold 153 characters, Russian and Kazakh headlines rarely 250.
MAX_TITLE_CHARS = 500


def pick_title(
    headline: str | None,
    og_title: str | None,
    h1: str | None,
    page_title: str | None,
    site_names: Iterable[str | None],
    url: str | None,
) -> str | None:
    """JSON-LD headline, og:title, <h1>, <title>: the first that is not empty once the site name is cut
    (and not over MAX_TITLE_CHARS).

    Args:
        site_names: the site's names the page declares (og:site_name, JSON-LD publisher, ...).
        url: the page URL; a title part equal to its host's name is the site's name too.
    """
    names = [name for name in (*site_names, *SITE_BRANDS) if name]
    reference = headline or h1
    if page_title and reference and page_title.startswith(reference):  # "<h1> | Site": "Site" is the site
        if separator := TITLE_SEPARATOR.match(page_title, len(reference)):
            names.append(page_title[separator.end() :])
    host = urlsplit(url or "").hostname or ""
    for candidate in map(fit_title, (headline, og_title, h1, page_title)):
        if candidate and (title := strip_site_name(candidate, names, host)):
            return title
    return None


def fit_title(candidate: str | None) -> str | None:
    """The candidate, unless it is longer than any title (MAX_TITLE_CHARS)."""
    return candidate if candidate is None or len(candidate) <= MAX_TITLE_CHARS else None


def strip_site_name(title: str, names: list[str], host: str) -> str:
    """Drop a site name standing after the last (or before the first) separator of a title."""
    keys = {re.sub(r"\W", "", name).casefold() for name in names} - {""}
    host_key = re.sub(r"\W", "", host).casefold()

    def is_site(part: str) -> bool:
        key = re.sub(r"\W", "", part).casefold()
        return key in keys or bool(DOMAIN_LIKE.match(part)) or (len(key) >= MIN_HOST_KEY and key in host_key)

    separators = list(TITLE_SEPARATOR.finditer(title))
    if separators and is_site(title[separators[-1].end() :]):
        title = title[: separators[-1].start()]
    elif separators and is_site(title[: separators[0].start()]):
        title = title[separators[0].end() :]
    return title.strip()
