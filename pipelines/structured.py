"""Read a parsed page's metadata from JSON-LD, meta tags, microdata and markup (parsing: htmlpage.py)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import lxml.html
from lxml import etree

from pipelines.article import Translation
from pipelines.htmlpage import unescape
from pipelines.jsonld import article_node, as_list, deref, load_json_ld, types, walk
from pipelines.pagelinks import absolute_url, canonical_url, edition_lang, translations
from pipelines.titles import pick_title

# --- meta tags (lower-cased name= / property=) → DateCandidate.source, in priority order -------------
PUBLISHED_META = (
    ("article:published_time", "meta_article"),  # property= on nur.kz, name= on inform.kz
    ("og:article:published_time", "og"),  # lsm.kz (kz-sites.md)
    ("article:published", "meta_article"),
    ("datepublished", "meta"),
    ("pubdate", "meta"),
    ("publishdate", "meta"),
    ("dc.date.issued", "meta"),
    ("parsely-pub-date", "meta"),
)
MODIFIED_META = (
    ("article:modified_time", "meta_article"),
    ("og:updated_time", "og"),  # nur.kz
    ("og:article:modified_time", "og"),
    ("datemodified", "meta"),
    ("dcterms.modified", "meta"),
)
TAG_META = ("news_keywords", "keywords")
PUBLISHED_TIME_CLASSES = ("publi",)  # <time class="datetime datetime--publication"> on nur.kz
MODIFIED_TIME_CLASSES = ("modif", "updat")
SITE_TYPES = ("WebSite", "NewsMediaOrganization", "Organization")  # JSON-LD site_name fallbacks, in order

# --- authors -------------------------------------------------------------------------------------------
MAX_AUTHOR_CHARS = 150  # room for several full names; anything longer is a bio or a whole byline block
AUTHOR_PREFIX = re.compile(r"^(?:by|автор|авторы)\s*:?\s+", re.IGNORECASE)  # "by Madeline Fry" (AEB)

# Speed: each whole-tree XPath walk costs ~0.15-0.3 ms on an AEB page, so the tags are gathered in one
# C-level iter() pass; only the itemprop walk here and the anchor walk in pagelinks.py remain.
_SCANNED_TAGS = ("meta", "link", "script", "time", "title", "h1", "base")
_ITEMPROPS = etree.XPath("descendant::*[@itemprop]")
_WHITESPACE = re.compile(r"\s+")
# Linear forms: "\s*[,;]\s*" and "<[a-zA-Z/!][^>]*>" took seconds on 40,000 spaces or "<a" without a ">"
# (every start rescans the run); the split parts are stripped by _clean anyway.
_TAG_SPLIT = re.compile(r"[,;]")
_MARKUP_TAG = re.compile(r"<[a-zA-Z/!][^<>]*>")


@dataclass(frozen=True, slots=True)
class DateCandidate:
    """One raw date string and the evidence it came from.

    ``source`` is one of "json_ld", "meta_article", "og", "meta" (other date metas), "itemprop",
    "time_element", or "layout" (a site selector, set by the extractor).
    """

    source: str
    raw: str


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """Metadata read from a page's structured data and markup; values normalised, None/() when absent."""

    title: str | None = None
    description: str | None = None
    published: tuple[DateCandidate, ...] = ()
    modified: tuple[DateCandidate, ...] = ()
    author: str | None = None
    section: str | None = None
    tags: tuple[str, ...] = ()
    canonical_url: str | None = None
    translations: tuple[Translation, ...] = ()
    lang_hint: str | None = None
    json_ld_body: str | None = None
    site_name: str | None = None
    image_credit: str | None = None
    is_article: bool = False


@dataclass(slots=True)
class _Markup:
    """The elements metadata is read from, gathered in one pass."""

    metas: dict[str, list[str]] = field(default_factory=dict)
    links: list[Any] = field(default_factory=list)
    scripts: list[Any] = field(default_factory=list)
    times: list[Any] = field(default_factory=list)
    title: Any = None
    h1: Any = None
    base: str | None = None


def read_metadata(tree: lxml.html.HtmlElement, url: str | None = None) -> PageMetadata:
    """Read title, dates, author, tags, language, canonical URL and translations from a parsed page.

    Args:
        tree: the page as returned by :func:`parse_html`; only read, never changed.
        url: the page's final URL, to resolve relative links and recognise links to the page itself.

    Returns:
        PageMetadata. Each field takes the JSON-LD article node first, then meta tags, then microdata
        and markup; dates keep every source as a candidate, in that order.
    """
    markup = _scan(tree)
    metas = markup.metas
    nodes = [node for script in markup.scripts for node in walk(load_json_ld(script.text or ""))]
    ids = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str)}
    art = article_node(nodes)
    itemprops = _read_itemprops(tree)
    base = absolute_url(markup.base, url) or url  # a <base> that is no http(s) URL is ignored
    site_names = [_first_of(metas.get("og:site_name")), _name(deref(art.get("publisher"), ids))]
    site_names += [_name(node) for kind in SITE_TYPES for node in nodes if kind in types(node)]
    canonical = canonical_url(markup.links, metas.get("og:url", []), base)
    og_type = _first_of(metas.get("og:type")) or ""
    lang_hint = _lang_hint(tree, metas, [art, *nodes])
    own_lang = None if lang_hint == "kk" else lang_hint  # Kazakh script editions share "kk"
    return PageMetadata(
        title=pick_title(
            _first_of(as_list(art.get("headline"))),  # "headline": [] is no headline
            _first_of(metas.get("og:title")),
            _text(markup.h1),
            _text(markup.title),
            site_names,
            url,
        ),
        description=_first_of(
            metas.get("og:description"), metas.get("description"), [art.get("description")]
        ),
        published=_dates(
            art.get("datePublished"),
            metas,
            PUBLISHED_META,
            itemprops.get("datePublished"),
            _time_element(markup.times, PUBLISHED_TIME_CLASSES, first_in_article=True),
        ),
        modified=_dates(
            art.get("dateModified"),
            metas,
            MODIFIED_META,
            itemprops.get("dateModified"),
            _time_element(markup.times, MODIFIED_TIME_CLASSES, first_in_article=False),
        ),
        author=_author(art, ids, metas, itemprops.get("author")),
        section=_first_of(as_list(art.get("articleSection")), metas.get("article:section")),
        tags=_tags(art, metas),
        canonical_url=canonical,
        translations=translations(tree, markup.links, base, (url, canonical), own_lang),
        lang_hint=lang_hint,
        json_ld_body=_body_text(art.get("articleBody")),
        site_name=next(filter(None, site_names), None),
        image_credit=_image_credit(deref(art.get("image"), ids), ids),
        is_article=bool(art) or "article:published_time" in metas or "article" in og_type.lower(),
    )


# --- scanning ------------------------------------------------------------------------------------------
def _scan(tree: lxml.html.HtmlElement) -> _Markup:
    markup = _Markup()
    for element in tree.iter(*_SCANNED_TAGS):
        tag = element.tag
        if tag == "meta":
            content, name, prop = element.get("content"), element.get("name"), element.get("property")
            if content is not None and (name or prop):
                for key in {name.strip().lower() if name else "", prop.strip().lower() if prop else ""} - {
                    ""
                }:
                    markup.metas.setdefault(key, []).append(content)
        elif tag == "link":
            markup.links.append(element)
        elif tag == "script":
            if "ld+json" in (element.get("type") or "").lower():
                markup.scripts.append(element)
        elif tag == "time":
            if element.get("datetime"):
                markup.times.append(element)
        elif tag == "base":
            markup.base = markup.base or element.get("href")
        elif getattr(markup, tag) is None:  # the first <title> and <h1>
            setattr(markup, tag, element)
    return markup


# --- normalising --------------------------------------------------------------------------------------
def _clean(value: Any) -> str | None:
    """Unescape entities, collapse whitespace; None for non-strings and empty strings."""
    if not isinstance(value, str):
        return None
    return _WHITESPACE.sub(" ", unescape(value)).strip() or None


def _first_of(*candidates: Iterable[Any] | None) -> str | None:
    return next((c for values in candidates for c in map(_clean, values or ()) if c), None)


def _text(element: Any) -> str | None:
    return _clean(element.text_content()) if element is not None else None


def _name(value: Any) -> str | None:
    """A person/organisation name from a string or a {"name": ...} node; URLs are not names."""
    value = value.get("name") if isinstance(value, dict) else value
    name = _clean(next(iter(as_list(value)), None))
    if name is None or name.startswith(("http://", "https://", "//", "www.")):
        return None
    return AUTHOR_PREFIX.sub("", name) or None


def _body_text(value: Any) -> str | None:
    """articleBody as plain lines: tags dropped (some CMSs put HTML there), whitespace collapsed per line."""
    if not isinstance(value, str):
        return None
    if "<" in value:
        value = re.sub(r"<(?:br\s*/?|/p|/div|/h\d|/li)\s*>", "\n", value, flags=re.IGNORECASE)
        value = _MARKUP_TAG.sub("", value)
    lines = (_WHITESPACE.sub(" ", line).strip() for line in unescape(value).splitlines())
    return "\n".join(line for line in lines if line) or None


# --- dates ----------------------------------------------------------------------------------------------
def _read_itemprops(tree: lxml.html.HtmlElement) -> dict[str, str]:
    """First value of each itemprop: a meta's content, a time's datetime, else the element's text."""
    found: dict[str, str] = {}
    for element in _ITEMPROPS(tree):
        for prop in element.get("itemprop").split():
            if prop not in found and prop in ("datePublished", "dateModified", "author"):
                if value := _itemprop_value(element, prop):
                    found[prop] = value
    return found


def _itemprop_value(element: lxml.html.HtmlElement, prop: str) -> str | None:
    for attribute in ("content", "datetime"):
        if element.get(attribute):
            return _clean(element.get(attribute))
    if prop == "author":  # <span itemprop="author" itemscope><span itemprop="name">…</span></span>
        name_element = next(iter(element.xpath(".//*[@itemprop='name']")), None)
        name = _text(name_element if name_element is not None else element)
        return name if name and len(name) <= MAX_AUTHOR_CHARS else None
    return _text(element)


def _time_element(times: list[Any], classes: tuple[str, ...], first_in_article: bool) -> str | None:
    """datetime of the first <time> whose class names the role, else maybe of the first in <article>."""
    for time in times:
        if any(marker in (time.get("class") or "").lower() for marker in classes):
            return time.get("datetime")
    if first_in_article:
        return next(
            (t.get("datetime") for t in times if next(t.iterancestors("article"), None) is not None), None
        )
    return None


def _dates(
    json_ld: Any, metas: Mapping[str, list[str]], meta_keys: tuple[tuple[str, str], ...], *markup: str | None
) -> tuple[DateCandidate, ...]:
    """Candidates in priority order: JSON-LD, meta tags (as listed), itemprop, <time>; exact repeats once."""
    found = [("json_ld", value) for value in as_list(json_ld)]
    found += [(source, value) for key, source in meta_keys for value in metas.get(key, ())]
    found += zip(("itemprop", "time_element"), markup, strict=True)
    candidates = (DateCandidate(source, raw) for source, raw in ((s, _clean(v)) for s, v in found) if raw)
    return tuple(dict.fromkeys(candidates))


# --- other fields -------------------------------------------------------------------------------------
def _author(
    art: dict[str, Any], ids: Mapping[str, Any], metas: Mapping[str, list[str]], item: str | None
) -> str | None:
    """JSON-LD author(s) joined by ", ", else meta author, article:author (not a URL), itemprop=author."""
    names = [_name(person) for person in as_list(deref(art.get("author"), ids))]
    names = [name for name in dict.fromkeys(names) if name and len(name) <= MAX_AUTHOR_CHARS]
    if names:
        return ", ".join(names)
    fallbacks = [*metas.get("author", ()), *metas.get("article:author", ()), item]
    return next((name for name in map(_name, fallbacks) if name and len(name) <= MAX_AUTHOR_CHARS), None)


def _tags(art: dict[str, Any], metas: Mapping[str, list[str]]) -> tuple[str, ...]:
    """The first non-empty of: JSON-LD keywords, article:tag, news_keywords, keywords (deduplicated)."""
    keywords = art.get("keywords")
    sources = [_TAG_SPLIT.split(keywords) if isinstance(keywords, str) else as_list(keywords)]
    sources.append(metas.get("article:tag", []))
    sources += [[tag for value in metas.get(key, ()) for tag in _TAG_SPLIT.split(value)] for key in TAG_META]
    for source in sources:
        tags: dict[str, str] = {}
        for tag in filter(None, map(_clean, source)):
            tags.setdefault(tag.casefold(), tag)
        if tags:
            return tuple(tags.values())
    return ()


def _image_credit(image: Any, ids: Mapping[str, dict[str, Any]]) -> str | None:
    for item in as_list(image):
        if isinstance(item, dict) and (credit := _name(deref(item.get("creditText"), ids))):
            return credit
    return None


def _lang_hint(
    tree: lxml.html.HtmlElement, metas: Mapping[str, list[str]], nodes: list[dict[str, Any]]
) -> str | None:
    """ISO 639-1 of <html lang>, og:locale, or JSON-LD inLanguage ("kz" → "kk", "ru_RU" → "ru")."""
    in_language = [node.get("inLanguage") for node in nodes]
    for tag in (tree.get("lang"), tree.get("xml:lang"), *metas.get("og:locale", ()), *in_language):
        if isinstance(tag, str) and (lang := edition_lang(tag)):
            return lang.split("-")[0]
    return None
