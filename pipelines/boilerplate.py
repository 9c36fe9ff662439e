"""Clean body paragraphs: drop widget/share/read-also/chrome/promo lines; pull out dateline, lead, credits."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from pipelines import rules as R
from pipelines.article import Removal
from pipelines.junk import (
    CURRENCY_WIDGET,
    DATE_LINE,
    DATELINE,
    DUPLICATE_PARAGRAPH,
    DUPLICATE_TITLE,
    PHOTO_CREDIT,
    READ_ALSO,
    SOCIAL_EMBED,
    SOURCE_CREDIT,
    is_date_line,
    match_junk,
    match_line,
    read_also_follow,
    site_junk,
    strip_decor,
)
from pipelines.normalize import NormalizedText, normalize_text
from pipelines.options import DEFAULT_RULES, SiteRules
from pipelines.phrases import alternation
from pipelines.teasers import HEADLINE_MAX_WORDS, TEASER_BLOCK, is_headline, teaser_start
from pipelines.widgets import context_rules, is_currency, weather_shape

__all__ = ["CleanedBody", "clean_paragraphs", "is_photo_credit", "match_junk"]

logger = logging.getLogger(__name__)

MAX_CREDIT_CHARS = 150  # "Фото: …" / "Source: …" lines; a longer line opening so is a sentence
BARE_CREDIT_MAX_WORDS = 7  # "Фото Министерства транспорта РК" (5 words, samples row 18)
MIN_DEDUP_CHARS = 20  # shorter repeated lines ("***", "—") are separators, not duplicated paragraphs
# A repeat further down is dropped only when it is prose of this size: recipes, spec lists and tables repeat
# short items legitimately (AEB: 187 such lines on 4 pages, -0.4 recall when deduplicated).
MIN_PROSE_DEDUP_CHARS = 80
TRAILING_SOURCE_LINES = 2  # "Source: X" counts only among the last body lines (seeds/004: the last one)

# "Фото: X", "Фото - X", "Photo / X"; a dash needs spaces around it ("Фото-выставка открылась" is a sentence).
_PHOTO_COLON = re.compile(rf"(?:{alternation(R.PHOTO_CREDIT_PREFIXES)})(?:\s*:|\s+[-–—/]\s)\s*\S", re.I)
_PHOTO_BARE = re.compile(rf"(?:{alternation(R.PHOTO_CREDIT_BARE)})(?:\s+\S.*)?", re.I)
# The credit runs to its last character that is no space or full stop ("\S.*?" before "[\s.]*" re-scanned
# the tail at every character: a 10 kB last paragraph took 0.4 s to refuse).
_SOURCE = re.compile(
    rf"(?:{alternation(R.SOURCE_CREDIT_PREFIXES)})\s*[:\-–—]\s*(?P<credit>\S(?:.*[^\s.])?)[\s.]*", re.I
)
_INLINE = re.compile(rf"(?P<{READ_ALSO}>{R.READ_ALSO_INLINE})|(?P<{SOCIAL_EMBED}>{R.SOCIAL_EMBED_INLINE})")
_INLINE_HINTS = tuple(  # plain-substring test before the regex (see junk._PROMO_INSIDE_HINTS)
    re.split(r"[^\w ]", p, maxsplit=1)[0] for p in (R.READ_ALSO_INLINE, R.SOCIAL_EMBED_INLINE)
)
_KEY_JUNK = re.compile(r"[\W_]+")
# "ASTANA", "NUR-SULTAN", "TAShKENT"; a word is taken whole (a "-" inside one could also start the next
# word, and a paragraph opening with a long hyphenated run was re-split every way: cubic)
_CITY_NAME = r"[^\W\d_][\w'’\-]*+(?:[ \-][^\W\d_][\w'’\-]*+){0,2}"
_SENTENCE_END = (".", "!", "?", "…", "»", '"', "”")
_PROSE_END = (".", "!", "…", "»", '"', "”")


@dataclass(frozen=True, slots=True)
class CleanedBody:
    """Body paragraphs after cleaning, and what was taken out of them."""

    paragraphs: tuple[str, ...]  # body in order, each exactly once, normalised; the lead (if any) first
    lead: str | None  # the first body paragraph when it is a lead (passed in, or printed twice)
    dateline: str | None  # "ASTANA. KAZINFORM", "Рудный. 24 августа. KAZAKHSTAN TODAY"
    source_credit: str | None  # "X" of a trailing "Source: X" / "Источник: X" / "Дереккөз: X"
    photo_credits: tuple[str, ...]  # caption lines ("Фото: пресс-служба Allur"), each once
    removed: tuple[Removal, ...]  # every dropped line (and stripped dateline/credit) with its rule
    damaged_chars: int  # "\ufffd" in the kept paragraphs
    lookalikes_fixed: int  # Latin look-alikes repaired in the kept paragraphs


@lru_cache(maxsize=64)
def _dateline_pattern(agencies: tuple[str, ...]) -> re.Pattern[str]:
    """Dateline "CITY. [24 августа.] AGENCY [–]" opening a paragraph; rules.AGENCIES plus the site's."""
    names = "|".join(re.escape(a) for a in sorted({*R.AGENCIES, *agencies}, key=len, reverse=True))
    day = r"(?:\d{1,2}\s+[^\W\d_]+|[^\W\d_]+\s+\d{1,2})"  # "24 августа", English "April 24" (kt.kz en)
    return re.compile(
        rf"(?P<dateline>{_CITY_NAME}\.\s+(?:{day}\.\s+)?(?:{names}))(?:\s*[-–—]+(?:\s+|$)|\s+|$)"
    )


def clean_paragraphs(
    paragraphs: Sequence[str],
    *,
    title: str | None = None,
    rules: SiteRules = DEFAULT_RULES,
    lead: str | None = None,
) -> CleanedBody:
    """Normalise body paragraphs and take out everything that is not the article's own text.

    Args:
        paragraphs: body text blocks in page order (HTML paragraphs or blank-line-separated page text).
            A block with line breaks is judged line by line and each kept line becomes one paragraph.
        title: the article title; body lines equal to it (ignoring case, spaces, punctuation) are dropped.
        rules: the site's additions: ``junk`` (literal line prefixes, or regexes when starting with "^") and
            ``agencies`` (extra names for datelines).
        lead: the lead/standfirst taken from markup (e.g. ``.content_main_desc``); it is trusted, kept as the
            first paragraph exactly once and reported in ``lead``. Without it, the first paragraph is the
            lead only when the page printed it twice (tengrinews page text, seeds/002).

    Returns:
        A CleanedBody; empty lines vanish silently, every other dropped line is in ``removed``.
    """
    site = site_junk(rules.junk)
    removed: list[Removal] = []
    lines: list[NormalizedText] = []
    lead_given = False
    if lead and (first := normalize_text(lead)).text:
        lines.append(first)
        lead_given = True
    for block in paragraphs:
        for raw in block.splitlines():
            norm = normalize_text(raw)
            if norm.text and any(h in norm.text for h in _INLINE_HINTS):
                norm = _cut_inline(norm, removed)
            if norm.text:
                lines.append(norm)

    texts = [n.text for n in lines]
    shapes = [weather_shape(t) for t in texts]
    context = context_rules(texts, shapes)
    line_rules = [context.get(j) or match_line(t, site, shapes[j]) for j, t in enumerate(texts)]
    tail = teaser_start(texts, lambda j: line_rules[j] or _date_or_credit(texts[j]))
    tail = len(lines) if tail is None else tail
    title_key = _key(normalize_text(title).text) if title else ""
    body: list[tuple[NormalizedText, str]] = []
    seen: set[str] = set()
    repeated: set[str] = set()
    credits: dict[str, None] = {}
    pending_headlines = 0
    previous: str | None = None
    for i, norm in enumerate(lines):
        text = norm.text
        key = text  # a page prints its duplicates verbatim (normalised); casefolding costs ~2 µs a line
        rule = None
        if not (lead_given and i == 0):
            core = strip_decor(text)
            rule = line_rules[i]
            if rule is None and is_date_line(core):
                rule = DATE_LINE
            if rule is None and i >= tail:
                rule = TEASER_BLOCK
            if rule is None and previous == CURRENCY_WIDGET and is_currency(text, after_widget=True):
                rule = CURRENCY_WIDGET
            if rule is None and is_photo_credit(core):
                credits[core] = None
                rule = PHOTO_CREDIT
            if rule == READ_ALSO:  # a bare header takes the linked title(s) on the next line(s) with it
                pending_headlines = read_also_follow(core)
            elif rule is None and pending_headlines:
                if is_headline(text):
                    rule = READ_ALSO
                    pending_headlines -= 1
                else:
                    pending_headlines = 0
            if (
                rule is None
                and title_key
                and abs(len(text) - len(title_key)) <= 10
                and _key(text) == title_key
            ):
                rule = DUPLICATE_TITLE
            if rule is None and key in seen and _is_repeat(text, body[-1][1] if body else None):
                repeated.add(key)
                rule = DUPLICATE_PARAGRAPH
        previous = rule
        if rule:
            removed.append(Removal(rule, text))
            continue
        seen.add(key)
        body.append((norm, key))

    source_credit = _pop_source_credit(body, removed)
    dateline = _pop_dateline(body, _dateline_pattern(rules.agencies), removed, start=int(lead_given))
    lead_out = None
    if body and (lead_given or (body[0][1] in repeated and _is_sentence(body[0][0].text))):
        lead_out = body[0][0].text
    kept = [norm for norm, _ in body]
    if removed:
        logger.debug("cleaning removed %d lines: %s", len(removed), sorted({r.rule for r in removed}))
    return CleanedBody(
        paragraphs=tuple(n.text for n in kept),
        lead=lead_out,
        dateline=dateline,
        source_credit=source_credit,
        photo_credits=tuple(credits),
        removed=tuple(removed),
        damaged_chars=sum(n.damaged_chars for n in kept),
        lookalikes_fixed=sum(n.lookalikes_fixed for n in kept),
    )


def _date_or_credit(text: str) -> str | None:
    """DATE_LINE or PHOTO_CREDIT for the lines dropped without a junk rule of their own."""
    core = strip_decor(text)
    if is_date_line(core):
        return DATE_LINE
    return PHOTO_CREDIT if is_photo_credit(core) else None


def _cut_inline(norm: NormalizedText, removed: list[Removal]) -> NormalizedText:
    """Cut embed / read-also spans an extractor glued into a paragraph (zakon.kz, samples rows 8 and 10)."""
    kept, start = [], 0
    for match in _INLINE.finditer(norm.text):  # one pass: the spans are searched for once
        removed.append(Removal(match.lastgroup or READ_ALSO, match.group()))
        kept.append(norm.text[start : match.start()])
        start = match.end()
    text = " ".join(" ".join([*kept, norm.text[start:]]).split())
    return NormalizedText(text, text.count("\ufffd"), norm.lookalikes_fixed)


def _pop_source_credit(body: list[tuple[NormalizedText, str]], removed: list[Removal]) -> str | None:
    """Take a "Source: X" line off the end of the body (only the last TRAILING_SOURCE_LINES lines)."""
    for j in range(len(body) - 1, max(len(body) - 1 - TRAILING_SOURCE_LINES, -1), -1):
        text = body[j][0].text
        if len(text) <= MAX_CREDIT_CHARS and (match := _SOURCE.fullmatch(text)):
            removed.append(Removal(SOURCE_CREDIT, text))
            del body[j]
            return match["credit"]
    return None


def _pop_dateline(
    body: list[tuple[NormalizedText, str]], pattern: re.Pattern[str], removed: list[Removal], start: int = 0
) -> str | None:
    """Strip an agency dateline ("ASTANA. KAZINFORM –") from the start of the first story paragraph.

    ``start`` is 1 when the lead came from markup: the dateline then opens the paragraph after it.
    """
    if len(body) <= start:
        return None
    norm, key = body[start]
    match = pattern.match(norm.text)
    if not match:
        return None
    removed.append(Removal(DATELINE, match.group().strip()))
    rest = norm.text[match.end() :].strip()
    if rest:
        body[start] = (NormalizedText(rest, norm.damaged_chars, norm.lookalikes_fixed), key)
    else:
        del body[start]
    return match["dateline"]


def is_photo_credit(core: str) -> bool:
    """A caption credit line ("Фото: пресс-служба Allur", "Фото Министерства транспорта РК")."""
    if len(core) > MAX_CREDIT_CHARS:
        return False
    if _PHOTO_COLON.match(core):
        return True
    return (
        bool(_PHOTO_BARE.fullmatch(core))
        and len(core.split()) <= BARE_CREDIT_MAX_WORDS
        and not core.endswith((".", "!", "?", ":"))
    )


def _key(text: str) -> str:
    """Title comparison key: case-folded, punctuation and spacing ignored."""
    return _KEY_JUNK.sub(" ", text.casefold()).strip()


def _is_repeat(text: str, previous: str | None) -> bool:
    """A repeat worth dropping: right after its twin (caption/lead printed twice) or a prose paragraph."""
    if len(text) < MIN_DEDUP_CHARS:
        return False
    # "?" left out: interviews put the same long question to each guest (AEB page 3c6d3381)
    return text == previous or (len(text) >= MIN_PROSE_DEDUP_CHARS and text.endswith(_PROSE_END))


def _is_sentence(text: str) -> bool:
    return text.endswith(_SENTENCE_END) or len(text.split()) >= HEADLINE_MAX_WORDS
