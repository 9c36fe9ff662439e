"""Find an article body cut into several containers of one kind, and merge them on a copy of the page."""

from __future__ import annotations

from copy import deepcopy

import lxml.html
from lxml import etree

# Some sites cut the body into chunks of one kind with ads between them (AEB wired.com: two
# div.article__body chunks, each in its own ad-rail wrapper); trafilatura keeps the first chunk only. The
# chunk holding trafilatura's longest paragraph is found by that paragraph's opening words; elements of its
# tag and class under its ancestor SPLIT_LEVELS up are its siblings (chunk -> ad-rail wrapper -> chunk list).
SPLIT_LEVELS = 2
SPLIT_PROBE_WORDS = 8  # enough words to find one <p> only
SPLIT_MIN_PARAGRAPH_CHARS = 80  # a shorter longest paragraph is no reliable probe
SPLIT_MIN_EXTRA_CHARS = 200  # the other chunks must add a paragraph's worth of <p> text not yet extracted

_P_CONTAINING = etree.XPath("//p[contains(normalize-space(.), $probe)]")
_SAME_KIND = etree.XPath("descendant::*[name() = $tag][@class = $cls]")


def merged_chunks(tree: lxml.html.HtmlElement, paragraphs: list[str]) -> lxml.html.HtmlElement | None:
    """A copy of the page with the body's chunks merged into the first, or None when the body is not split.

    Args:
        tree: the page; never modified.
        paragraphs: what trafilatura extracted from it.

    Returns:
        The copy, the other chunks moved, in document order, to the end of the first one.
    """
    longest = max(paragraphs, key=len, default="")
    if len(longest) < SPLIT_MIN_PARAGRAPH_CHARS:
        return None
    found = _P_CONTAINING(tree, probe=" ".join(longest.split()[:SPLIT_PROBE_WORDS]))
    if len(found) != 1:
        return None
    container = found[0].getparent()
    scope = container
    for _ in range(SPLIT_LEVELS):
        scope = scope.getparent() if scope is not None else None
    if scope is None or not (kind := container.get("class")):
        return None
    same = set(found := _SAME_KIND(scope, tag=container.tag, cls=kind))
    chunks = [el for el in found if not any(parent in same for parent in el.iterancestors())]
    if (
        container not in chunks
        or len(chunks) < 2
        or _new_text(chunks, container, paragraphs) < SPLIT_MIN_EXTRA_CHARS
    ):
        return None
    root = tree.getroottree()
    top = len(root.getpath(tree))  # chunk paths relative to the tree, which need not be the document root
    page = deepcopy(tree)
    first, *others = (page.xpath("." + root.getpath(chunk)[top:])[0] for chunk in chunks)
    first.extend(others)  # moved, in document order, with their own text; the ads between them stay behind
    return page


def _new_text(
    chunks: list[lxml.html.HtmlElement], container: lxml.html.HtmlElement, paragraphs: list[str]
) -> int:
    """Characters of <p> text in the other chunks that trafilatura did not extract."""
    known = {" ".join(p.split()) for p in paragraphs}
    texts = (
        " ".join(p.text_content().split())
        for chunk in chunks
        if chunk is not container
        for p in chunk.iter("p")
    )
    return sum(len(text) for text in texts if text not in known)
