"""Find the lead a page prints outside its body container: the page's description, shown after the headline.

News pages often print the standfirst in a box of its own between the headline and the body (Kazinform's
``.article__description``, tengrinews' ``.content_main_desc``), which trafilatura leaves out with the rest of
the page around the body container. A layout names that box; without one it is found by its text, which is
the page's meta description.
"""

from __future__ import annotations

import lxml.html
from lxml import etree

from pipelines.bodychecks import LEAD_DESCRIPTION_OVERLAP, LEAD_MIN_WORDS, shingles, words

LEAD_PROBE_CHARS = 40  # the description's opening, found in one text node (inline markup may split the rest)
LEAD_CLIMB = 3  # a text node sits at most this deep in the lead's box (box > p > strong > text)
ELLIPSES = ("...", "…")  # a description cut short: the box's text must start with what is left

_TEXT_WITH = etree.XPath("//body//text()[contains(., $probe)]")
_AFTER_HEADLINE = etree.XPath("boolean(preceding::h1)")
_NO_TEXT_ANCESTORS = frozenset({"script", "style", "noscript", "template", "a", "title", "head"})


def visible_lead(tree: lxml.html.HtmlElement, description: str | None, paragraphs: list[str]) -> str | None:
    """The page's description when the page shows it after its headline and the body does not hold it.

    Args:
        tree: the page.
        description: its og:description / meta description.
        paragraphs: the body found so far.

    Returns:
        The lead as the page prints it, or None: no description of a lead's length, the body holds it, or
        no element after the <h1> holds exactly that text (a link's text is a teaser, never the lead).
    """
    if not description or len(words(description)) < LEAD_MIN_WORDS:
        return None
    lead = " ".join(description.split())
    expected = shingles(lead)
    if len(expected & shingles("\n".join(paragraphs))) >= LEAD_DESCRIPTION_OVERLAP * len(expected):
        return None
    cut = next((lead[: -len(mark)].rstrip() for mark in ELLIPSES if lead.endswith(mark)), None)
    for node in _TEXT_WITH(tree, probe=lead[:LEAD_PROBE_CHARS]):
        holder = node.getparent().getparent() if node.is_tail else node.getparent()
        if (box := _box_with(holder, lead, cut)) is not None and _AFTER_HEADLINE(box):
            return " ".join(box.text_content().split())
    return None


def _box_with(
    element: lxml.html.HtmlElement | None, lead: str, cut: str | None
) -> lxml.html.HtmlElement | None:
    """The element (or an ancestor close by) whose whole text is the lead; None inside a link or a script."""
    for _ in range(LEAD_CLIMB):
        if element is None or element.tag in _NO_TEXT_ANCESTORS:
            return None
        text = " ".join(element.text_content().split())
        if text == lead or (cut and text.startswith(cut)):
            return element
        if len(text) > len(lead):
            return None  # the box would hold more than the lead
        element = element.getparent()
    return None
