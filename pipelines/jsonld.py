"""Read schema.org JSON-LD robustly: tolerant loading, node walking, and the page's article node."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pipelines.htmlpage import unescape

logger = logging.getLogger(__name__)

ARTICLE_TYPES = frozenset(
    {
        "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
        "BackgroundNewsArticle", "ReviewNewsArticle", "AskPublicNewsArticle", "BlogPosting",
        "LiveBlogPosting", "Report", "SatiricalArticle", "TechArticle", "ScholarlyArticle",
    }
)  # fmt: skip
CHILD_KEYS = ("@graph", "mainEntity")  # walked for nodes; itemListElement is not (a listing's cards)
ARTICLE_SCORE_KEYS = ("headline", "datePublished", "articleBody")  # the fullest article node wins

_DECODER = json.JSONDecoder(strict=False)  # strict=False: raw newlines and tabs inside strings are common
_WRAPPER = re.compile(r"^\s*(?://\s*)?(?:<!--|<!\[CDATA\[)|(?://\s*)?(?:-->|\]\]>)\s*$")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BAD_ESCAPE = re.compile(r"(\\\\)|\\(?=[^\"\\/bfnrtu])")  # keeps "\\", drops the "\" of "\'" or "\ "
_SEPARATORS = " \t\r\n,;"  # between several values written one after another in one script


def load_json_ld(text: str) -> list[Any]:
    """Every JSON value in one script's text; never raises.

    Broken JSON (trailing commas, control characters, bad escapes, HTML comment/CDATA wrappers, the whole
    script entity-escaped) is retried cleaned, then entity-unescaped; failing that, the values decoded
    before the error are kept.
    """
    values, complete = _decode_all(text)
    if complete:  # the common case: no cleaning cost (big articleBody scripts make the regexes costly)
        return values
    partial = values
    cleaned = _WRAPPER.sub("", text)
    cleaned = _BAD_ESCAPE.sub(r"\1", _TRAILING_COMMA.sub(r"\1", _CONTROL.sub(" ", cleaned)))
    for attempt in (cleaned, unescape(cleaned)):
        values, complete = _decode_all(attempt)
        if complete:
            return values
        partial = max(partial, values, key=len)
    logger.debug("invalid JSON-LD, kept %d value(s): %.80r", len(partial), text)
    return partial


def _decode_all(text: str) -> tuple[list[Any], bool]:
    """(values decoded so far, whether the whole text was decoded)."""
    values, pos = [], 0
    while True:
        while pos < len(text) and text[pos] in _SEPARATORS:
            pos += 1
        if pos >= len(text):
            return values, bool(values)
        try:
            value, pos = _DECODER.raw_decode(text, pos)
        except (ValueError, RecursionError):
            return values, False
        values.append(value)


def walk(values: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """Every object node, descending into lists, @graph and mainEntity."""
    for value in values:
        if isinstance(value, list):
            yield from walk(value)
        elif isinstance(value, dict):
            yield value
            yield from walk(value[key] for key in CHILD_KEYS if key in value)


def types(node: Mapping[str, Any]) -> set[str]:
    """Local @type names: "http://schema.org/NewsArticle" and "schema:NewsArticle" give "NewsArticle"."""
    return {re.split(r"[/:#]", t)[-1] for t in as_list(node.get("@type")) if isinstance(t, str)}


def article_node(nodes: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The article-typed node with the most of headline / datePublished / articleBody; {} if none."""
    articles = [node for node in nodes if types(node) & ARTICLE_TYPES]
    return max(articles, key=lambda node: sum(key in node for key in ARTICLE_SCORE_KEYS), default={})


def deref(value: Any, ids: Mapping[str, dict[str, Any]]) -> Any:
    """A bare {"@id": ...} reference replaced by the node it names (Yoast-style @graph); lists item-wise."""
    if isinstance(value, list):
        return [deref(item, ids) for item in value]
    if isinstance(value, dict) and isinstance(value.get("@id"), str) and "name" not in value:
        return ids.get(value["@id"], value)
    return value


def as_list(value: Any) -> list[Any]:
    """A JSON-LD value that may be single or repeated, as a list."""
    return value if isinstance(value, list) else [value]
