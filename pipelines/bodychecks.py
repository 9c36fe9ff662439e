"""Check a generic (trafilatura) body against the rest of its page: its links, its JSON-LD articleBody."""

from __future__ import annotations

import logging
import re

import lxml.html

logger = logging.getLogger(__name__)

# A paragraph made mostly of the text of links is another story's headline or teaser ("Related: ...",
# "READ MORE: ...", "... [VIDEO]", a tag list, a sidebar card): links of at least LINK_MIN_WORDS words
# (shorter ones are labels, "Photos", "Buy now", or names linked inside prose) covering LINK_TEXT_SHARE of
# its text. AEB: 67 paragraphs dropped, 16 annotated as body (linked subheads and product names, quotes
# repeated in click-to-tweet links), F1 +0.003.
LINK_MIN_WORDS = 3
LINK_TEXT_SHARE = 0.8
LINK_MAX_CHARS = 500  # longer paragraphs are the page's own prose (a teaser card runs to 300 characters)

# JSON-LD articleBody: only a long one is evidence (AEB has 500-character teaser bodies).
JSON_LD_MIN_CHARS = 800
JSON_LD_NGRAM = 4
# Trimming: when the body holds most of the articleBody, its paragraphs sharing no 4-word shingle with it are
# extras, except short ones (subheads: too short to judge by shingles) and a leading paragraph that is the
# page's description: nur.kz's articleBody leaves out the bold lead, which equals its og:description (often
# cut short with "...", hence shingle overlap, not equality).
JSON_LD_CONTAINMENT = 0.8
JSON_LD_KEEP_MIN_WORDS = 6
LEAD_LOOKAHEAD = 2  # the lead opens the body, at most after one kicker or dateline line
LEAD_MIN_WORDS = 8  # a shorter description is a site tagline, not a lead
LEAD_DESCRIPTION_OVERLAP = 0.8  # share of the shorter text's shingles found in the other
# Recall: a body holding less than this share of the articleBody may have lost part of it (AEB
# hawaiinewsnow.com: precision mode dropped a sentence that balanced mode keeps).
JSON_LD_RECALL = 0.95

_WORD_RE = re.compile(r"\w+")
_NON_WORD_RE = re.compile(r"\W+")


def words(text: str) -> list[str]:
    """Case-folded words (``\\w+`` runs): what shingles, headline and link comparisons see."""
    return _WORD_RE.findall(text.casefold())


def shingles(text: str, n: int = JSON_LD_NGRAM) -> set[tuple[str, ...]]:
    """The text's n-word shingles (one shorter shingle for a text of fewer words)."""
    found = words(text)
    return {tuple(found[i : i + n]) for i in range(max(1, len(found) - n + 1))} if found else set()


def drop_link_texts(tree: lxml.html.HtmlElement, paragraphs: list[str]) -> list[str]:
    """Drop paragraphs made mostly of the text of links on the page."""
    keys = [
        _padded_words(p) if len(p) <= LINK_MAX_CHARS and len(p.split()) >= LINK_MIN_WORDS else ""
        for p in paragraphs
    ]
    joined = "".join(keys)  # padded keys: a link matches whole words, and never across two paragraphs
    if not joined:
        return paragraphs
    texts = {
        text for anchor in tree.iter("a") if len((text := anchor.text_content()).split()) >= LINK_MIN_WORDS
    }
    links = {key for key in map(_padded_words, texts) if key in joined}
    if not links:
        return paragraphs
    kept = [
        p
        for p, key in zip(paragraphs, keys, strict=True)
        if not key or _linked_share(key, links) < LINK_TEXT_SHARE
    ]
    logger.debug("dropped %d paragraphs made of link text", len(paragraphs) - len(kept))
    return kept


def _padded_words(text: str) -> str:
    """The text's case-folded words, space-separated, with a space at each end."""
    return f" {_NON_WORD_RE.sub(' ', text.casefold()).strip()} "


def _linked_share(key: str, links: set[str]) -> float:
    """Share of a paragraph key's characters inside occurrences of the link keys."""
    covered = bytearray(len(key))
    for link in links:
        start = key.find(link)
        while start >= 0:
            covered[start + 1 : start + len(link) - 1] = b"\1" * (len(link) - 2)
            start = key.find(link, start + 1)
    return sum(covered) / max(1, len(key) - 2)


def json_ld_coverage(paragraphs: list[str], json_ld_body: str | None) -> float | None:
    """Share of a long articleBody's shingles the paragraphs hold; None without a long articleBody."""
    if not json_ld_body or len(json_ld_body) < JSON_LD_MIN_CHARS or not (reference := shingles(json_ld_body)):
        return None
    return len(reference & shingles("\n".join(paragraphs))) / len(reference)


def trim_to_json_ld(paragraphs: list[str], json_ld_body: str, description: str | None = None) -> list[str]:
    """Drop paragraphs absent from a long JSON-LD articleBody that the body otherwise contains.

    Args:
        paragraphs: the body.
        json_ld_body: the page's JSON-LD ``articleBody``.
        description: the page's description; a leading paragraph matching it is kept.

    Returns:
        The paragraphs kept, in order.
    """
    coverage = json_ld_coverage(paragraphs, json_ld_body)
    if coverage is None or coverage < JSON_LD_CONTAINMENT:
        return paragraphs
    reference = shingles(json_ld_body)
    lead = shingles(description) if description and len(words(description)) >= LEAD_MIN_WORDS else set()
    kept = [
        p
        for i, p in enumerate(paragraphs)
        if _in_json_ld(p, reference, lead if i < LEAD_LOOKAHEAD else set())
    ]
    if len(kept) < len(paragraphs):
        logger.debug("JSON-LD articleBody cross-check dropped %d paragraphs", len(paragraphs) - len(kept))
    return kept


def _in_json_ld(paragraph: str, reference: set[tuple[str, ...]], lead: set[tuple[str, ...]]) -> bool:
    """Whether a paragraph stays: too short to judge, sharing a shingle with the articleBody, or the lead."""
    if len(words(paragraph)) < JSON_LD_KEEP_MIN_WORDS:
        return True
    own = shingles(paragraph)
    if own & reference:
        return True
    smaller = min(len(own), len(lead))
    return smaller > 0 and len(own & lead) >= LEAD_DESCRIPTION_OVERLAP * smaller
