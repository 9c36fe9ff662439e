"""Read an article's body paragraphs and raw field strings with a site layout's CSS selectors."""

from __future__ import annotations

import re
from collections.abc import Iterable
from copy import deepcopy
from functools import lru_cache

import lxml.html
from lxml.cssselect import CSSSelector

from pipelines.options import Layout

# Paragraph-like elements, and elements never holding article text.
PARAGRAPH_TAGS = frozenset({"p", "blockquote", "li", "h2", "h3", "h4", "pre"})
NON_TEXT_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "button", "form")
LAYOUT_FIELDS = ("published", "author", "section", "tags")
DATE_ATTRIBUTES = ("datetime", "content")  # <time datetime=...>, <meta itemprop=datePublished content=...>

_SPACE_RE = re.compile(r"[^\S\n]+")


@lru_cache(maxsize=256)
def _compiled(selector: str) -> CSSSelector:
    return CSSSelector(selector)


def select(tree: lxml.html.HtmlElement, selector: str | None) -> list[lxml.html.HtmlElement]:
    """Elements matching a CSS selector (compiled once per selector); none for no selector."""
    return _compiled(selector)(tree) if selector else []


def element_text(element: lxml.html.HtmlElement) -> str:
    """An element's text with whitespace collapsed."""
    return " ".join(element.text_content().split())


def first_text(tree: lxml.html.HtmlElement, selector: str | None, drop: tuple[str, ...] = ()) -> str | None:
    """The text of the first element matching ``selector`` that has any, without the parts ``drop``
    selects (a date hidden inside a headline: tengrinews' old ``h1 span.tn-hidden``)."""
    for element in select(tree, selector):
        dropped = [el for selector in drop for el in select(element, selector) if el is not element]
        if dropped:
            element = deepcopy(element)  # the caller's tree stays whole
            for inner in (el for selector in drop for el in select(element, selector) if el is not element):
                inner.drop_tree()
        if text := element_text(element):
            return text
    return None


def layout_fields(tree: lxml.html.HtmlElement, layout: Layout) -> dict[str, str]:
    """Raw strings for the layout's published/author/section/tags selectors (tags comma-joined)."""
    found: dict[str, str] = {}
    for name in LAYOUT_FIELDS:
        elements = select(tree, getattr(layout, name))
        if name == "tags":
            tags = dict.fromkeys(text for el in elements if (text := element_text(el)))
            value = ", ".join(tags)
        elif name == "published":
            value = next((v for el in elements if (v := _date_string(el))), "")
        else:
            value = next((text for el in elements if (text := element_text(el))), "")
        if value:
            found[name] = value
    return found


def _date_string(element: lxml.html.HtmlElement) -> str:
    attribute = next((element.get(name) for name in DATE_ATTRIBUTES if element.get(name)), None)
    return (attribute or element_text(element)).strip()


def layout_paragraphs(tree: lxml.html.HtmlElement, layout: Layout) -> list[str]:
    """Paragraph-like elements of every body match (drop selectors removed), in document order."""
    paragraphs: list[str] = []
    for match in select(tree, layout.body):
        body = deepcopy(match)  # drop selectors must not touch the caller's tree
        for selector in (*layout.drop, *NON_TEXT_TAGS):
            for element in select(body, selector):
                if element is not body:
                    element.drop_tree()
        paragraphs.extend(_block_texts(body))
    return paragraphs


def _block_texts(body: lxml.html.HtmlElement) -> Iterable[str]:
    """Texts of the outermost paragraph-like elements, or the body's own lines when it has none."""
    for br in body.iter("br"):
        br.tail = "\n" + (br.tail or "")
    blocks = [
        el
        for el in body.iter(*PARAGRAPH_TAGS)
        if not any(parent.tag in PARAGRAPH_TAGS for parent in el.iterancestors())
    ]
    for block in blocks or [body]:
        for line in _SPACE_RE.sub(" ", block.text_content()).split("\n"):
            if line := line.strip():
                yield line
