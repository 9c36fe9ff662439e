"""Find a parsed page's article body: the site layout's selectors when they hold it, else trafilatura on
the page without its known chrome (``pipelines/genericpage.py``)."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import lxml.html
from lxml import etree
from trafilatura import bare_extraction
from trafilatura.external import SANITIZED_XPATH
from trafilatura.metadata import extract_title
from trafilatura.xml import xmltotxt

from pipelines.bodychecks import JSON_LD_RECALL, drop_link_texts, json_ld_coverage, trim_to_json_ld, words
from pipelines.genericpage import generic_page, is_recall_paragraph, tables_as_blocks
from pipelines.layoutbody import first_text, layout_fields, layout_paragraphs
from pipelines.options import Layout
from pipelines.splitbody import merged_chunks

logger = logging.getLogger(__name__)

# --- generic path: trafilatura in precision mode without comments (AEB: F1 0.964, defaults 0.953) -----------
# It runs first in fast mode, without trafilatura's comparison with readability and justext. That comparison
# can only change a result that is short (justext is consulted), "unclean" (justext), without <p> text or
# table-dominated, or less than half as long as readability's text (readability wins only with twice as
# much): the full cascade re-runs on those pages alone (AEB: 19 pages, among them all 6 where it changes the
# result) and the others save a third of trafilatura's time. The page's text mass is its <p> text plus the
# loose text of elements laying out lines with <br> (posts without <p>).
COMPARE_MIN_CHARS = 250  # trafilatura's MIN_EXTRACTED_SIZE: below it, its cascade always consults justext
COMPARE_COVERAGE = 0.5  # of the page's text mass; readability replaces a result only when twice as long

# Recall fallback in balanced mode, bare trafilatura's own setting: precision mode deletes the text that
# follows an element it empties (an image wrapper, a <time> inside <strong> before "July 15, 1960: ..."),
# and with it whole paragraphs; it also drops a body it finds link-heavy (AEB barrons.com: a 260-character
# reprint notice kept out of 3,300). Re-run when the result holds less than this share of the page's text
# mass, or nothing, and keep the balanced text only when clearly longer. The re-run is in fast mode: at this
# coverage (at most COMPARE_COVERAGE) the comparison with readability and justext has just run in precision
# mode (AEB: fast and full balanced runs give the same text on all 12 pages that fall back).
FALLBACK_COVERAGE = COMPARE_COVERAGE
FALLBACK_ACCEPT_RATIO = 1.5

# Headline repeated as the first body line(s): look at this many leading paragraphs, and call a paragraph
# a headline when this share of its words (and at least TITLE_MIN_WORDS) belong to the title.
TITLE_LOOKAHEAD = 2
TITLE_WORD_SHARE = 0.9
TITLE_MIN_WORDS = 2  # a one-word line ("Photos", "Review") is a label, not a headline repeat

# --- layout path -----------------------------------------------------------------------------------------
# A redesign usually leaves the old body selector matching nothing, or a remnant (a lead box, a caption).
# Layout text under LAYOUT_MIN_COVERAGE of the page's text mass is suspect (the 19 fixture article pages:
# 0.81-1.00; teaser-heavy live pages hold less), and only then does the generic path run, to replace it when
# it finds over LAYOUT_FALLBACK_RATIO times as much: the layout's drop selectors remove junk the generic path
# keeps, so a healthy layout can trail it a little.
LAYOUT_MIN_COVERAGE = 0.25
LAYOUT_FALLBACK_RATIO = 2.0

Extraction = Literal["layout", "generic", "fallback"]
_LIST_MARKER_RE = re.compile(r"^\s*- ")
_UNCLEAN = etree.XPath(SANITIZED_XPATH)  # what makes trafilatura consult justext on a long result


@dataclass(frozen=True, slots=True)
class ExtractedBody:
    """Body paragraphs in order (raw, before the shared cleaning stage) and the layout's raw field strings.

    ``extraction`` says how the body was found: "layout" (the layout's body selector), "generic" (trafilatura:
    no body selector for this page) or "fallback" (trafilatura, because the layout's body selector found no
    text or far less than trafilatura: a sign the site changed its markup).
    """

    paragraphs: tuple[str, ...]
    title: str | None = None
    lead: str | None = None
    layout_fields: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    extraction: Extraction = "generic"


def extract_body(
    tree: lxml.html.HtmlElement,
    url: str | None = None,
    layout: Layout | None = None,
    json_ld_body: str | None = None,
    description: str | None = None,
    source: str | bytes | None = None,
) -> ExtractedBody:
    """Extract the article body of a parsed page; the tree is not modified.

    Args:
        tree: the page as parsed by ``pipelines.htmlpage.parse_html`` (trafilatura's parser settings).
        url: the page URL (helps trafilatura resolve links; never required).
        layout: the site's selectors for this page's date; its body selector wins when it finds the body.
        json_ld_body: the page's JSON-LD ``articleBody`` if any, used to drop trafilatura's extra blocks.
        description: the page's og:description / meta description, kept as the lead by that cross-check.
        source: the page's HTML as fetched; spares the generic path a walk of the tree per chrome selector
            whose names it lacks (``pipelines/genericpage.py``).

    Returns:
        The paragraphs (possibly empty), the title, the layout's lead and raw field strings, and how the
        body was found.
    """
    layout = layout or Layout()
    fields = MappingProxyType(layout_fields(tree, layout))
    title = first_text(tree, layout.title, layout.drop) or extract_title(tree)
    lead = first_text(tree, layout.lead, layout.drop)
    mass, recalls = _read_paragraphs(tree)
    known_chrome, reading = (layout.drop, source, recalls), (url, mass, title, json_ld_body, description)
    extraction: Extraction = "generic"
    if layout.body:
        paragraphs = layout_paragraphs(tree, layout)
        chars = sum(map(len, paragraphs))
        if chars >= LAYOUT_MIN_COVERAGE * mass and paragraphs:
            return ExtractedBody(tuple(paragraphs), title, lead, fields, "layout")
        generic = _generic_paragraphs(generic_page(tree, *known_chrome), *reading)
        if paragraphs and sum(map(len, generic)) <= LAYOUT_FALLBACK_RATIO * chars:
            return ExtractedBody(tuple(paragraphs), title, lead, fields, "layout")
        logger.debug("layout body %r found %d chars, trafilatura more: %s", layout.body, chars, url)
        paragraphs, extraction = generic, "fallback"
    else:
        paragraphs = _generic_paragraphs(generic_page(tree, *known_chrome), *reading)
    return ExtractedBody(tuple(paragraphs), title, lead, fields, extraction)


def _read_paragraphs(tree: lxml.html.HtmlElement) -> tuple[int, bool]:
    """The page's text mass, and whether a paragraph recalls an earlier story through a link.

    The mass is the characters of running text: <p> text, and the loose text of elements laying out lines
    with <br>. The recall test rides on the one reading of every <p> (a pass of its own: +2% AEB time).
    """
    mass, recalls = 0, False
    for paragraph in tree.iter("p"):
        text = paragraph.text_content()
        mass += len(text)
        recalls = recalls or is_recall_paragraph(paragraph, text)
    for block in {br.getparent() for br in tree.iter("br")} - {None}:
        if block.tag != "p" and next(block.iterancestors("p"), None) is None:
            mass += len((block.text or "").strip()) + sum(len((child.tail or "").strip()) for child in block)
    return mass, recalls


def _generic_paragraphs(
    tree: lxml.html.HtmlElement,
    url: str | None,
    mass: int,
    title: str | None,
    json_ld_body: str | None,
    description: str | None,
) -> list[str]:
    """trafilatura's paragraphs after the headline, link and JSON-LD checks."""
    run = _TrafilaturaRuns(tree, url)
    paragraphs = _trafilatura_paragraphs(run, mass)
    # A page laid out in a table comes out as "| menu | story | sidebar |" rows: read its tables as blocks.
    table_rows = any(p.startswith("|") and p.endswith("|") for p in paragraphs)
    if table_rows and (blocks := tables_as_blocks(tree)) is not None:
        logger.debug("page laid out in a table, read as blocks: %s", url)
        tree, run = blocks, _TrafilaturaRuns(blocks, url)
        paragraphs = _trafilatura_paragraphs(run, mass)
    if (page := merged_chunks(tree, paragraphs)) is not None:
        whole = _run_trafilatura(page, url, precision=True, fast=True)[0]
        if sum(map(len, whole)) > sum(map(len, paragraphs)):
            logger.debug("body split into chunks, merged: %s", url)
            paragraphs = whole
    coverage = json_ld_coverage(paragraphs, json_ld_body)
    if coverage is not None and coverage < JSON_LD_RECALL:
        balanced = run(precision=False, fast=True)[0]
        if (json_ld_coverage(balanced, json_ld_body) or 0) >= JSON_LD_RECALL:
            logger.debug("balanced mode holds more of the JSON-LD articleBody: %s", url)
            paragraphs = balanced
    paragraphs = drop_link_texts(tree, _drop_leading_title(paragraphs, title))
    return trim_to_json_ld(paragraphs, json_ld_body, description) if json_ld_body else paragraphs


class _TrafilaturaRuns:
    """trafilatura on one page, each mode run at most once: (paragraphs, trafilatura's body element)."""

    def __init__(self, tree: lxml.html.HtmlElement, url: str | None) -> None:
        self.tree, self.url = tree, url
        self.done: dict[tuple[bool, bool], tuple[list[str], etree._Element | None]] = {}

    def __call__(self, *, precision: bool, fast: bool) -> tuple[list[str], etree._Element | None]:
        if (precision, fast) not in self.done:
            self.done[precision, fast] = _run_trafilatura(self.tree, self.url, precision=precision, fast=fast)
        return self.done[precision, fast]


def _trafilatura_paragraphs(run: _TrafilaturaRuns, mass: int) -> list[str]:
    """Fast precision mode; the full cascade where it could differ; balanced mode when little is kept."""
    paragraphs, body = run(precision=True, fast=True)
    length = sum(map(len, paragraphs))
    if _comparison_may_change(body, length, mass):
        paragraphs = run(precision=True, fast=False)[0]
        length = sum(map(len, paragraphs))
    if not paragraphs or length < FALLBACK_COVERAGE * mass:
        balanced = run(precision=False, fast=True)[0]
        if sum(map(len, balanced)) > FALLBACK_ACCEPT_RATIO * length:
            logger.debug("precision mode kept %d of %d chars, using balanced mode: %s", length, mass, run.url)
            return balanced
    return paragraphs


def _comparison_may_change(body: etree._Element | None, length: int, mass: int) -> bool:
    """Whether trafilatura's readability/justext comparison could replace this fast-mode result."""
    if body is None or length < COMPARE_MIN_CHARS or length < COMPARE_COVERAGE * mass:
        return True
    deficient = not body.xpath(".//p//text()") or len(body.findall(".//table")) > len(body.findall(".//p"))
    return deficient or bool(_UNCLEAN(body))


def _run_trafilatura(
    tree: lxml.html.HtmlElement, url: str | None, *, precision: bool, fast: bool
) -> tuple[list[str], etree._Element | None]:
    """trafilatura's body as paragraphs (list items unmarked), and its body element."""
    document = bare_extraction(
        tree,
        url=url,
        fast=fast,
        favor_precision=precision,
        include_comments=False,
        include_tables=True,  # AEB: tables off loses recall (F1 0.957 against 0.964)
        with_metadata=False,
    )
    if document is None or document.body is None:
        return [], None
    paragraphs = []
    for block in document.body:
        text = xmltotxt(block, False)
        is_list = block.tag == "list"
        for line in text.split("\n"):
            line = _LIST_MARKER_RE.sub("", line) if is_list else line
            if line := line.strip():
                paragraphs.append(line)
    return paragraphs, document.body


def _drop_leading_title(paragraphs: list[str], title: str | None) -> list[str]:
    """Remove headline repeats (or the headline's first part) among the first paragraphs."""
    if not title or not paragraphs:
        return paragraphs
    title_words = set(words(title))
    head = [p for p in paragraphs[:TITLE_LOOKAHEAD] if not _is_headline(p, title_words)]
    return head + paragraphs[TITLE_LOOKAHEAD:]


def _is_headline(paragraph: str, title_words: set[str]) -> bool:
    found = words(paragraph)
    inside = sum(word in title_words for word in found)
    return len(found) >= TITLE_MIN_WORDS and inside >= TITLE_WORD_SHARE * len(found)
