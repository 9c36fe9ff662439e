"""A page's links to itself and its other editions: canonical URL, hreflang alternates, language switchers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from pipelines.article import Translation

LANG_ALIASES = {"kz": "kk", "kaz": "kk", "qz": "kk", "rus": "ru", "eng": "en", "cn": "zh"}  # sites' own codes
LATIN_KAZAKH = ("qz", "kk-latn")  # qz.inform.kz's code, BCP 47 for Latin-script Kazakh
SWITCHER_LABELS = {  # texts of language-switcher links (tengrinews header: "Қазақша", "Русский", "English")
    "қазақша": "kk",
    "қазақ тілінде": "kk",
    "qazaqsha": "kk-Latn",
    "русский": "ru",
    "на русском": "ru",
    "english": "en",
}
# One walk over the anchors (~0.2 ms on an AEB page). Only the Kazakh label is searched for: a switcher
# offering Kazakh is then read from its container, where its ru/en siblings are.
_SWITCHERS = etree.XPath(
    "descendant::a[@hreflang or @lang or contains(., 'Қазақша') or contains(., 'Qazaqsha')]"
)
_WHITESPACE = re.compile(r"\s+")


def absolute_url(href: str | None, base: str | None) -> str | None:
    """href resolved against the page; None unless it is http(s) with a host."""
    href = (href or "").strip()
    url = urljoin(base, href) if base else href
    parts = urlsplit(url)
    return url if href and parts.scheme in ("http", "https") and parts.hostname else None


def canonical_url(links: Iterable[Any], og_urls: Iterable[str], base: str | None) -> str | None:
    """<link rel=canonical> resolved against the page, else og:url; http(s) only."""
    hrefs = [link.get("href") for link in links if "canonical" in (link.get("rel") or "").lower().split()]
    return next(filter(None, (absolute_url(href, base) for href in [*hrefs, *og_urls])), None)


def edition_lang(tag: str | None) -> str | None:
    """A hreflang/lang value as an edition tag: "ru", "kk", "kk-Latn" (qz, kk-Latn), "en"; "kz" → "kk"."""
    tag = (tag or "").strip().lower().replace("_", "-")
    primary = LANG_ALIASES.get(tag.split("-")[0], tag.split("-")[0])
    if len(primary) != 2 or not primary.isalpha():
        return None
    return "kk-Latn" if primary == "kk" and (tag in LATIN_KAZAKH or "-latn" in tag) else primary


def translations(
    tree: lxml.html.HtmlElement,
    links: Iterable[Any],
    base: str | None,
    own_urls: Iterable[str | None],
    own_lang: str | None,
) -> tuple[Translation, ...]:
    """Other editions of this page: hreflang alternates first, then language-switcher links.

    Args:
        tree: the parsed page (for the switcher links).
        links: its <link> elements.
        base: URL relative hrefs resolve against.
        own_urls: the page's URL and canonical URL; links to them are not translations.
        own_lang: the page's language; links in it are regional variants or related stories, not
            translations (pass None for Kazakh, whose Cyrillic and Latin editions share "kk").

    Returns:
        One Translation per language, never x-default, nor for switchers a front page linked from a
        deeper page (switchers on article pages lead to the other edition's home).
    """
    own_keys = {_page_key(url) for url in own_urls if url}
    own_is_home = any(not path for _, path, _ in own_keys)
    found = [
        (link.get("hreflang"), link.get("href"), False)
        for link in links
        if link.get("hreflang") and "alternate" in (link.get("rel") or "").lower().split()
    ]
    found += [(tag, href, True) for tag, href in _switcher_links(tree)]
    result: dict[str, Translation] = {}
    for tag, href, switcher in found:
        lang, target = edition_lang(tag), absolute_url(href, base)
        if not lang or not target or lang in result or lang == own_lang or _page_key(target) in own_keys:
            continue
        if switcher and not own_is_home and not _page_key(target)[1]:
            continue
        result[lang] = Translation(lang=lang, url=target)
    return tuple(result.values())


def _page_key(url: str) -> tuple[str, str, str]:
    """What makes two URLs the same page here: host without www, path without trailing slash, query."""
    parts = urlsplit(url)
    return (parts.hostname or "").removeprefix("www."), parts.path.rstrip("/"), parts.query


def _switcher_links(tree: lxml.html.HtmlElement) -> list[tuple[str | None, str | None]]:
    """(language, href) of a[hreflang], a[lang], and of the links beside a "Қазақша" switcher link."""
    found = []
    for anchor in _SWITCHERS(tree):
        if anchor.get("hreflang") or anchor.get("lang"):
            found.append((anchor.get("hreflang") or anchor.get("lang"), anchor.get("href")))
            continue
        container = anchor.getparent()
        while container is not None and len(container) < 2 and container.getparent() is not None:
            container = container.getparent()
        for link in (container if container is not None else anchor).iter("a"):
            label = SWITCHER_LABELS.get(_WHITESPACE.sub(" ", link.text_content()).strip().casefold())
            if label:
                found.append((label, link.get("href")))
    return found
