"""Find the teaser block after a story: a list label, then only other stories' headlines to the end."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from pipelines import rules as R
from pipelines.junk import DATE_LINE, READ_ALSO
from pipelines.phrases import phrases, whole_pattern
from pipelines.widgets import PAGE_CHROME

TEASER_BLOCK = "teaser_block"
HEADLINE_MAX_WORDS = 20  # a linked title; story paragraphs are longer or end in "."
TEASER_LEAD_MAX_WORDS = 45  # a teaser's lead under its headline is one or two sentences
LABEL_MAX_CHARS = 40  # "Тақырыпқа қатысты жаңалықтар:"; a block label is a few words
FEED_MIN_PAIRS = 2  # time stamps and headlines of a label-less news feed; one pair may be a dated signature

_LABEL = whole_pattern(R.SECTION_LABELS, R.TEASER_LABELS, R.READ_ALSO_LISTS, R.READ_ALSO_START)
_READ_ALSO = whole_pattern(R.READ_ALSO_LISTS, R.READ_ALSO_START)
_LABEL_STEM = re.compile("|".join(re.escape(stem) for stem in phrases(R.TEASER_LABEL_STEMS)), re.I)
_DIGIT = re.compile(r"\d")
_HEADLINE_END = (".", ":", ";", ",", "…")
_PROSE_END = re.compile(r"[.!?…][\"»”)]*$")
_CLOCK_ONLY = re.compile(r"\d{1,2}:\d{2}")
_CLOCK_FIRST = re.compile(r"\d{1,2}:\d{2}\s+(?=\S)")
_LABEL_RULES = (None, PAGE_CHROME, READ_ALSO)  # a label is no junk, or chrome ("Жаңа") or read-also junk
# Kinds of the lines of a teaser block
_LABEL_LINE, _TIME, _STAMPED, _JUNK, _HEADLINE, _LEAD = "label", "time", "stamped", "junk", "headline", "lead"


def teaser_start(texts: Sequence[str], junk: Callable[[int], str | None]) -> int | None:
    """Index of the first line of the teaser block at the end of ``texts``, or None.

    ``junk(i)`` is the rule line ``i`` goes by on its own ("date_line" for a bare date), or None.

    Walking back from the end, every line must be junk, a label, a headline, a time stamp,
    or a short lead right under a headline ("Жаңа" / headline / one-sentence teaser); the walk stops at
    the first story line. The earliest label it passed opens the block. Without a label, FEED_MIN_PAIRS
    time stamps and headlines are a news feed ("14:20" / headline / "14:05" / headline) and open it; a
    run of short lines at the end with neither (a signature, a closing list) is story. A read-also label
    right after story text is a link inside the story ("Читайте также" / title / the story goes on): it
    owns no lead sentences.
    """
    start = None
    walked: dict[int, str] = {}  # line index -> kind, from the end
    i = len(texts) - 1
    while i >= 0 and (kind := _kind(texts, i, junk)) is not None:
        if kind == _LABEL_LINE:
            if _LEAD in walked.values() and _READ_ALSO.fullmatch(texts[i]) and not (i > 0 and junk(i - 1)):
                break
            start = i
        walked[i] = kind
        i -= 1
    stamps = [j for j, kind in walked.items() if kind in (_TIME, _STAMPED)]
    headlines = sum(kind in (_HEADLINE, _STAMPED) for kind in walked.values())
    if start is None and len(stamps) >= FEED_MIN_PAIRS and headlines >= FEED_MIN_PAIRS:
        first = min(stamps)
        # "headline / 14:20" pairs (the page ends on a time): the first headline stands above the first time
        ends_on_time = next(kind for kind in walked.values() if kind != _JUNK) == _TIME
        return first - 1 if ends_on_time and walked.get(first - 1) == _HEADLINE else first
    return start


def _kind(texts: Sequence[str], i: int, junk: Callable[[int], str | None]) -> str | None:
    """What line ``i`` is in a teaser block, or None for a story line."""
    text = texts[i]
    rule = junk(i)
    if rule in _LABEL_RULES and is_teaser_label(text):
        return _LABEL_LINE
    if rule == DATE_LINE:
        return _TIME
    if rule:
        return _JUNK
    if text[:1].isdigit():
        if _CLOCK_ONLY.fullmatch(text):
            return _TIME
        if (clock := _CLOCK_FIRST.match(text)) and is_headline(text[clock.end() :]):
            return _STAMPED  # "14:25 В Алматы ограничат движение"
    if is_headline(text):
        return _HEADLINE
    return _LEAD if _is_lead(texts, i, junk) else None


def is_headline(text: str) -> bool:
    """A headline-sized line without a sentence end: a linked title after "Читайте также" or in a list."""
    return len(text.split()) <= HEADLINE_MAX_WORDS and not text.endswith(_HEADLINE_END)


def is_teaser_label(text: str) -> bool:
    """A label of a list of other stories: a listed one, or a few words naming them ("Басқа жаңалықтар:")."""
    if len(text) > LABEL_MAX_CHARS or _DIGIT.search(text):  # "Алматы -2", "14:20": no label has a digit
        return False
    if _LABEL.fullmatch(text):
        return True
    return (
        len(text.split()) <= R.TEASER_LABEL_WORDS
        and not text.endswith((".", "!", "?"))
        and ": " not in text  # "SOURCE: Al Jazeera News" is a credit, not a label
        and _LABEL_STEM.search(text) is not None
    )


def _is_lead(texts: Sequence[str], i: int, junk: Callable[[int], str | None]) -> bool:
    """A teaser sentence: short prose right under a headline (not a label, not junk)."""
    if i == 0 or len(texts[i].split()) > TEASER_LEAD_MAX_WORDS or not _PROSE_END.search(texts[i]):
        return False
    above = texts[i - 1]
    return is_headline(above) and not is_teaser_label(above) and junk(i - 1) is None
