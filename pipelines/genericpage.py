"""The page as the generic path gives it to trafilatura: known chrome removed, recalled-story lines unlinked,
layout tables read as blocks.

trafilatura keeps an ad slot's text when it sits between two story paragraphs (a Yandex RTB block, "Рассрочка
0-0-24 …"), and a site's layout knows its own chrome (a headline's hidden date, a tags block): those go before
trafilatura reads the page, whatever the body selector. Its precision mode, like the link check of
``pipelines/bodychecks.py``, drops a paragraph made of one link, and with it an agency story's closing
"Ранее сообщалось, что …" sentence, which links to the story it recalls: that sentence is unlinked. And it
reads a table as data, one "| cell | cell |" line per row: a page laid out in a table (menu cell, story cell,
sidebar cell) would come out as one line holding the whole story, so such tables become plain blocks.
"""

from __future__ import annotations

import re
from copy import deepcopy
from functools import lru_cache
from itertools import islice

import lxml.html
from lxml import etree

from pipelines import rules as R
from pipelines.layoutbody import select
from pipelines.phrases import alternation

CHROME_SELECTORS = R.AD_SLOTS
"""Removed from every page the generic path reads (rules.py MARKUP_CHROME). Share widgets are not: what
trafilatura does not drop by class itself ("^shar", "social") the shared text rules do, and a selector found
in most pages' source (".share") costs a walk of every such tree (AEB: ~3% more time, no score change)."""

# A recalled-story line is one or two sentences (Kazinform's: 60-110 characters); a longer paragraph is
# reporting that links in passing. Its opener is followed by a comma or a word ("Ранее: <a>…</a>" is a
# read-also label), and it ends a sentence (a headline does not: "Earlier in the day: …" is a teaser).
RECALL_MAX_CHARS = 400
RECALL_MIN_WORDS = 5
# A table cell holding a heading, a table or paragraphs lays out a page; a data cell holds a value or a line
# (AEB: 3 of 13 pages with tables have such cells; one scores better, F1 +0.0001, the others the same).
LAYOUT_CELL_BLOCKS = ("h1", "h2", "h3", "table")
LAYOUT_CELL_PARAGRAPHS = 2
SOURCE_PROBE_BYTES = 1024  # a NUL byte among the first ones: UTF-16/32 source, which spells no ASCII name

_RECALL_OPENER = re.compile(rf"(?:{alternation(R.RECALLED_STORY)})(?=,|\s++[\w\"«])", re.I)
_SENTENCE_END = re.compile(r"[.!?…][\"'»”)]?+$")
_TABLE_CELLS = etree.XPath("./tr/td | ./tr/th | ./*/tr/td | ./*/tr/th")  # its own, not a nested table's
_TABLE_PARTS = etree.XPath(
    "./thead | ./tbody | ./tfoot | ./tr | ./*/tr | ./tr/td | ./tr/th | ./*/tr/td | ./*/tr/th"
)
# Names in a selector: classes and ids, attribute names and (quoted) values, as a page's source spells them.
_SELECTOR_NAME = re.compile(r"[.#]([\w-]++)|\[\s*+([\w-]++)|=\s*+['\"]?+([\w-]++)")


def generic_page(
    tree: lxml.html.HtmlElement,
    drop: tuple[str, ...] = (),
    source: str | bytes | None = None,
    unlink_recalls: bool = False,
) -> lxml.html.HtmlElement:
    """The page to extract the body from generically; the tree itself when nothing applies, never modified.

    Args:
        tree: the parsed page.
        drop: the site layout's drop selectors (its known chrome), applied in order before the shared ones.
        source: the page's HTML as fetched (text, or bytes in an ASCII-compatible encoding): a selector
            needing a class or id name absent there is not looked for in the tree (a walk saved).
        unlink_recalls: the page has a recalled-story paragraph (:func:`is_recall_paragraph`) to unlink.

    Returns:
        ``tree``, or a copy without the text-holding elements the selectors match (an empty ad placeholder
        changes nothing) and with the links of recalled-story paragraphs replaced by their text.
    """
    if source is None or (isinstance(source, bytes) and b"\0" in source[:SOURCE_PROBE_BYTES]):
        source = etree.tostring(tree)
    found: dict[str, bool] = {}
    selectors = [
        selector
        for selector in (*drop, *CHROME_SELECTORS)
        if _may_match(selector, source, found) and _holds_text(tree, selector)
    ]
    if not selectors and not unlink_recalls:
        return tree
    page = deepcopy(tree)
    for selector in selectors:  # in order: a site drops the followers of a block before the block
        for element in _matches(page, selector):
            element.drop_tree()  # its tail text is kept
    if unlink_recalls:
        for paragraph in [p for p in page.iter("p") if is_recall_paragraph(p)]:
            for anchor in list(paragraph.iter("a")):
                anchor.drop_tag()
    return page


def is_recall_paragraph(paragraph: lxml.html.HtmlElement, text: str | None = None) -> bool:
    """Whether a paragraph holding a link recalls an earlier story ("Ранее сообщалось, что …").

    Args:
        paragraph: a <p> element.
        text: its text_content(), when already read.
    """
    text = paragraph.text_content() if text is None else text
    if _RECALL_OPENER.match(text.lstrip()) is None:  # the cheap test first: most paragraphs fail it
        return False
    text = " ".join(text.split())  # NBSP and line breaks too
    return (
        len(text) <= RECALL_MAX_CHARS
        and len(text.split()) >= RECALL_MIN_WORDS
        and _SENTENCE_END.search(text) is not None
        and next(paragraph.iter("a"), None) is not None
    )


@lru_cache(maxsize=256)
def _names(selector: str) -> tuple[str, ...]:
    """The class, id and attribute names and values a selector needs, all of them; none when it may match
    without any name (a bare tag, a group, a negation: ``:not(.x)`` matches where x is absent)."""
    if "(" in selector or "," in selector:
        return ()
    found = (name for groups in _SELECTOR_NAME.findall(selector) for name in groups if name)
    return tuple(name for name in found if name.isascii())


def _may_match(selector: str, source: str | bytes, found: dict[str, bool]) -> bool:
    """False when a name the selector needs is nowhere in the page's source (``found``: names looked up)."""
    for name in _names(selector):
        if name not in found:
            absent = any(not present and known in name for known, present in found.items())
            found[name] = not absent and (name.encode() if isinstance(source, bytes) else name) in source
        if not found[name]:
            return False
    return True


def _holds_text(tree: lxml.html.HtmlElement, selector: str) -> bool:
    """Whether an element the selector matches holds any text."""
    return any(element.text_content().strip() for element in _matches(tree, selector))


def _matches(tree: lxml.html.HtmlElement, selector: str) -> list[lxml.html.HtmlElement]:
    """What a selector matches, the root excepted (a page is never dropped whole)."""
    return [element for element in select(tree, selector) if element.getparent() is not None]


def tables_as_blocks(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """A copy of the page with the tables, rows and cells of its layout tables made <div>s; None without any.

    Called only when trafilatura's body holds a table row: a walk for tables costs 1% of AEB time.
    """
    if not _layout_tables(tree):
        return None
    page = deepcopy(tree)
    for table in _layout_tables(page):
        for part in [table, *_TABLE_PARTS(table)]:
            part.tag = "div"
    return page


def _layout_tables(tree: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """Tables laying out a page: a cell of their own holds a heading, a table or paragraphs."""
    return [table for table in tree.iter("table") if any(map(_lays_out, _TABLE_CELLS(table)))]


def _lays_out(cell: lxml.html.HtmlElement) -> bool:
    if next(cell.iter(*LAYOUT_CELL_BLOCKS), None) is not None:
        return True
    return sum(1 for _ in islice(cell.iter("p"), LAYOUT_CELL_PARAGRAPHS)) >= LAYOUT_CELL_PARAGRAPHS
