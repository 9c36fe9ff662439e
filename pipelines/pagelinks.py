"""A page's links to itself and its other editions: canonical URL, hreflang alternates, language switchers."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree

from pipelines.article import Translation

# Sites' own codes. A code only one site uses is that site's field hook ("qz": Kazinform's Latin edition).
LANG_ALIASES = {"kz": "kk", "kaz": "kk", "rus": "ru", "eng": "en", "cn": "zh"}
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
_BAD_HOST = re.compile(r"[\s\x00-\x1f\x7f<>\"'`{}|\\^]")  # "http://a b": no host a URL can name
AMP_PATH = "/amp"  # tengrinews /amp/<path>, Kazinform's old <path>/amp
AMP_HOST = "amp."
AMP_QUERY = "amp"  # ?amp, ?amp=1


def absolute_url(href: str | None, base: str | None) -> str | None:
    """href resolved against the page; None unless it is http(s) with a well-formed host (and port)."""
    href = (href or "").strip()
    try:  # urlsplit raises ValueError on "http://[::1" (an unclosed IPv6 host), .port on "http://a:b/"
        url = urljoin(base, href) if base else href
        parts = urlsplit(url)
        host, _ = parts.hostname, parts.port
    except ValueError:
        return None
    ok = href and parts.scheme in ("http", "https") and host and not _BAD_HOST.search(host)
    return url if ok else None


def canonical_url(links: Iterable[Any], og_urls: Iterable[str], base: str | None) -> str | None:
    """<link rel=canonical> resolved against the page, else og:url; http(s) only."""
    hrefs = [link.get("href") for link in links if "canonical" in (link.get("rel") or "").lower().split()]
    return next(filter(None, (absolute_url(href, base) for href in [*hrefs, *og_urls])), None)


def canonical_on_site(canonical: str | None, hosts: Collection[str]) -> str | None:
    """The canonical URL when it is on one of the site's ``hosts`` ("www." aside), or no hosts are known.

    A canonical link or og:url elsewhere (a syndicated copy naming the original, a CMS template's leftover)
    names no page of this site: the fetched URL stays the article's key.
    """
    if canonical is None or not hosts:
        return canonical
    return canonical if _page_key(canonical)[0] in {host.removeprefix("www.") for host in hosts} else None


def stored_url(url: str, canonical: str | None, aliases: Iterable[str] = ()) -> str:
    """The URL the page fetched at ``url`` is stored under: ``canonical`` only when it names that page.

    That is when it is ``url`` itself (scheme, "www.", a trailing slash, a fragment and percent-encoding
    aside), a URL that redirected to it on the same host (``aliases``), or the page whose AMP twin was
    fetched (/amp/ prefix, /amp suffix, ?amp, an amp. host). Any other canonical would take over the key of
    another article (a CMS naming the wrong story, a page copied with its head): ``url`` is the key. A
    canonical never downgrades a page fetched over https to http (a template's leftover ``http://``).
    """
    if canonical is None:
        return url
    key, own = _page_key(canonical), _page_key(url)
    names_the_page = key == own or (key[0] == own[0] and key in {_page_key(alias) for alias in aliases})
    if not names_the_page and key not in _amp_originals(own):
        return url
    parts = urlsplit(canonical)
    if parts.scheme == "http" and urlsplit(url).scheme == "https":
        return urlunsplit(parts._replace(scheme="https"))
    return canonical


def _amp_originals(key: tuple[str, str, str]) -> set[tuple[str, str, str]]:
    """Page keys of the pages an AMP URL (given by its key) may be the twin of."""
    host, path, query = key
    params = [param for param in query.split("&") if param.partition("=")[0] != AMP_QUERY]
    found = set()
    if host.startswith(AMP_HOST):
        found.add((host.removeprefix(AMP_HOST).removeprefix("www."), path, query))
    if path.startswith(AMP_PATH + "/"):
        found.add((host, path.removeprefix(AMP_PATH), query))
    if path.endswith(AMP_PATH):
        found.add((host, path.removesuffix(AMP_PATH).rstrip("/"), query))
    if len(params) < len(query.split("&")):
        found.add((host, path, "&".join(params)))
    return found


def edition_lang(tag: str | None) -> str | None:
    """A hreflang/lang value as an edition tag: "ru", "kk", "kk-Latn" (any kk-...-Latn), "en"; "kz" → "kk"."""
    tag = (tag or "").strip().lower().replace("_", "-")
    primary = LANG_ALIASES.get(tag.split("-")[0], tag.split("-")[0])
    if len(primary) != 2 or not primary.isalpha():
        return None
    return "kk-Latn" if primary == "kk" and "-latn" in tag else primary


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
        One Translation per language, never x-default, nor an edition's front page ("/", "/kz/") linked
        from a deeper page: site-wide switchers and alternates on article pages lead to the other edition's
        home, which is no translation of the story.
    """
    own_keys = {_page_key(url) for url in own_urls if url}
    own_is_home = any(_is_front_page(path) for _, path, _ in own_keys)
    found = [
        (link.get("hreflang"), link.get("href"))
        for link in links
        if link.get("hreflang") and "alternate" in (link.get("rel") or "").lower().split()
    ]
    found += _switcher_links(tree)
    result: dict[str, Translation] = {}
    for tag, href in found:
        lang, target = edition_lang(tag), absolute_url(href, base)
        if not lang or not target or lang in result or lang == own_lang or _page_key(target) in own_keys:
            continue
        if not own_is_home and _is_front_page(_page_key(target)[1]):
            continue
        result[lang] = Translation(lang=lang, url=target)
    return tuple(result.values())


FRONT_PAGE_LANGS = frozenset({"ru", "kk", "kk-Latn", "en", "zh"})
"""Languages whose one-segment path ("/kz", "/eng", "/zh") is an edition's home on the sites' pattern."""


def _is_front_page(path: str) -> bool:
    """A site's or an edition's home: no path, or one segment naming a language ("/kz", "/eng")."""
    return not path or ("/" not in path[1:] and edition_lang(path[1:]) in FRONT_PAGE_LANGS)


def _page_key(url: str) -> tuple[str, str, str]:
    """What makes two URLs the same page here: host without www, path without trailing slash (and
    percent-encoding), query; ``url`` has passed :func:`absolute_url`."""
    parts = urlsplit(url)
    return (parts.hostname or "").removeprefix("www."), unquote(parts.path).rstrip("/"), parts.query


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
