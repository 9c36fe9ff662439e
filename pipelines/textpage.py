"""Page-text path: split a page text (seeds, WET-style dumps) into title, date, header chrome and body."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from pipelines.article import Removal
from pipelines.boilerplate import is_photo_credit
from pipelines.dates import ParsedDate, is_clock_line, parse_date
from pipelines.headline import is_byline, is_prose, looks_like_title, pick_title
from pipelines.junk import match_line, site_junk, strip_decor
from pipelines.normalize import normalize_text
from pipelines.teasers import HEADLINE_MAX_WORDS, is_teaser_label
from pipelines.titles import strip_site_name
from pipelines.widgets import context_rules, weather_shape

# Common Crawl WET / corpus dumps put a " date YYYY-MM-DD " header before the text (seeds 001, 003).
DUMP_DATE_HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?))?\s+")
# The header zone ends at the first story paragraph; a page's chrome above it (weather list, currency rows,
# menu, teaser list) is rarely longer than this.
HEADER_ZONE_LINES = 60
DATE_LOOKAHEAD_LINES = 3  # a date block under the lead: "Lead. / [byline, counter] / Date / Story"
# An unknown sentence in the chrome (a ticker, a banner) ends the zone too early; a headline + date line +
# story further down moves the start there when at most RESTART_MAX_PROSE such sentences stand before it.
RESTART_LINES = 30
RESTART_MAX_PROSE = 2
# strict=False reads a date among a few other words; in the header it must still show a time or a year
# ("10 сентября 2024, 11:25 | Государство"), so a headline like "Что изменится с 1 июля" stays a headline.
_LOOSE_DATE_HINT = re.compile(r"\d{1,2}:\d{2}|(?<!\d)(?:19|20)\d\d(?!\d)")
_SENTENCE_END = re.compile(r"[.!?…][\"»”)]*$")  # "… 2024 жылғы 10 қазанда басталады." is story
_CLOCK_ONLY = re.compile(r"\d{1,2}:\d{2}")
_LETTER = re.compile(r"[^\W\d_]")

HEADER_CHROME = "header_chrome"  # slogans, site names, bylines, rubrics and counters around the headline


@dataclass(frozen=True, slots=True)
class TextPage:
    """What the header zone of a page text gave, and the lines left for the shared cleaning stage."""

    title: str | None
    published: ParsedDate | None
    date_source: str | None
    body_lines: tuple[str, ...]
    removed: tuple[Removal, ...]


@dataclass(frozen=True, slots=True)
class _DateLine:
    index: int
    parsed: ParsedDate
    clock: bool  # weekday + date without a time: a site clock above the headline, a date below it


def split_text_page(text: str, *, now: datetime | None = None, tz: str = "Asia/Almaty") -> TextPage:
    """Find the headline, the date and the chrome above the story; everything from the story on is body.

    The header zone runs to the first story paragraph. In it, junk lines (rules.py, weather lists, menus)
    go; date lines are read (strictly, else with a rubric, counter or label around one date); the headline
    is the title-like line that leads into the date or the story and shares words with the story (not a
    slogan, a site name or a menu label); the rest (slogans, bylines, counters) is header chrome, and a
    body line repeating such a line (a footer menu) goes too.

    Args:
        text: the page text, one paragraph per line (blank lines between paragraphs are fine).
        now: when the page was fetched; anchors relative dates ("Сегодня | 08:02").
        tz: the site's local time zone for dates without an offset.

    Returns:
        The title and publication date found in the header zone (a dump header date wins), the body
        lines in order (junk still in: the shared cleaning stage removes it), and what was removed here.
    """
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    published: ParsedDate | None = None
    date_source: str | None = None
    if lines and (header := DUMP_DATE_HEADER.match(lines[0])):
        published = parse_date(" ".join(filter(None, header.groups())), now=now, tz=tz)
        date_source = "dump_header" if published else None
        lines[0] = lines[0][header.end() :].strip()
        lines = [line for line in lines if line]
    texts = [normalize_text(line).text for line in lines]
    junk = _junk_rules(texts)
    zone = min(len(texts), HEADER_ZONE_LINES + DATE_LOOKAHEAD_LINES)
    dates = {i: d for i in range(zone) if not junk[i] and (d := _read_date(texts, i, now, tz))}
    start = _restart(texts, junk, dates, _body_start(texts, junk, dates))
    candidates = [
        i
        for i in range(start)
        if not junk[i]
        and i not in dates
        and looks_like_title(texts[i])
        and not is_photo_credit(strip_decor(texts[i]))
    ]
    dated = {i for i, d in dates.items() if not d.clock}
    title_at = pick_title(candidates, texts, start, dated, junk)
    # "Title. / Date / Story" or "Title / Lead. / Date / Story": a sentence right above the date line is
    # a headline printed with a full stop only when it beats the lines above it as the headline.
    if (story := _story_under_date(texts, start, junk, dates)) is not None:
        if pick_title([*candidates, start], texts, story, dated, junk) == start:
            title_at, start = start, story
    title = (strip_site_name(texts[title_at], [], "") or texts[title_at]) if title_at is not None else None
    above = [d for i, d in dates.items() if i < start]
    date = _pick_date(above, title_at) or _date_under_lead(texts, dates, start)
    if date is not None and published is None:
        published, date_source = date.parsed, "text_date_line"
    taken = {title_at, date.index if date else None}
    removed, captions, chrome = _file_header(lines, texts, junk, dates, range(start), taken, title)
    meta = _under_lead_meta(texts, date, start)
    removed += [Removal(HEADER_CHROME, lines[i]) for i in sorted(meta)]
    body: list[str] = []
    for i in range(start, len(lines)):
        if i in taken or i in meta:  # a date block under the lead
            continue
        if texts[i] in chrome:  # the header's slogan or menu printed again in the footer
            removed.append(Removal(HEADER_CHROME, lines[i]))
        else:
            body.append(lines[i])
    return TextPage(title, published, date_source, (*captions, *body), tuple(removed))


def _file_header(
    lines: list[str],
    texts: list[str],
    junk: list[str | None],
    dates: dict[int, _DateLine],
    zone: range,
    taken: set[int | None],
    title: str | None,
) -> tuple[list[Removal], list[str], set[str]]:
    """What becomes of the header lines besides the headline and the date line (``taken``).

    Returns:
        The removals (junk rule, site clock, other date, repeated headline, header chrome), the photo
        captions (the cleaning stage files them as credits), and the header chrome texts.
    """
    removed: list[Removal] = []
    captions: list[str] = []
    chrome: set[str] = set()
    for i in zone:
        if i in taken:
            continue
        if junk[i]:
            removed.append(Removal(junk[i], lines[i]))
        elif i in dates:
            removed.append(Removal("header_clock" if dates[i].clock else "extra_date_line", lines[i]))
        elif title is not None and _same_text(texts[i], title):
            removed.append(Removal("duplicate_title", lines[i]))
        elif is_photo_credit(strip_decor(texts[i])):
            captions.append(lines[i])
        else:
            removed.append(Removal(HEADER_CHROME, lines[i]))
            chrome.add(texts[i])
    return removed, captions, chrome


def _junk_rules(texts: list[str]) -> list[str | None]:
    """The junk rule of each line: on its own (rules.py) or among its neighbours (weather lists, menus)."""
    shapes = [weather_shape(t) for t in texts]
    context = context_rules(texts, shapes)
    site = site_junk(())
    return [context.get(i) or match_line(t, site, shapes[i]) for i, t in enumerate(texts)]


def _body_start(texts: list[str], junk: list[str | None], dates: dict[int, _DateLine]) -> int:
    """Index of the first story line: the first prose paragraph of the header zone.

    A text without one there (a poem, a list, a page of short lines) keeps the old reading: leading junk
    and date lines, then one title-like line, then body.
    """
    for i in range(min(len(texts), HEADER_ZONE_LINES)):
        if not junk[i] and i not in dates and is_prose(texts[i]):
            return i
    title_seen = False
    for i, text in enumerate(texts):
        if junk[i] or i in dates:
            continue
        if title_seen or not looks_like_title(text):
            return i
        title_seen = True
    return len(texts)


def _restart(texts: list[str], junk: list[str | None], dates: dict[int, _DateLine], start: int) -> int:
    """The story start under a headline and its date line a little further down, or ``start``."""
    prose = 0
    for j in range(start, min(len(texts), start + RESTART_LINES)):
        if junk[j] or j in dates:
            continue
        if is_teaser_label(texts[j]):  # a list of other stories: its dates are theirs
            return start
        if is_prose(texts[j]):
            prose += 1
            if prose > RESTART_MAX_PROSE:
                return start
            continue
        below = next((k for k in range(j + 1, len(texts)) if not junk[k]), None)
        if looks_like_title(texts[j]) and below in dates and not dates[below].clock:
            story = _story_under_date(texts, j, junk, dates)
            return story if story is not None else start
    return start


def _story_under_date(
    texts: list[str], i: int, junk: list[str | None], dates: dict[int, _DateLine]
) -> int | None:
    """When line ``i`` is a headline-sized sentence right above a date line, the story line under the date."""
    if i >= len(texts) or len(texts[i].split()) > HEADLINE_MAX_WORDS:
        return None
    below = next((j for j in range(i + 1, len(texts)) if not junk[j]), None)
    if below not in dates or dates[below].clock:
        return None
    story = next((k for k in range(below + 1, len(texts)) if not (junk[k] or _is_meta(texts[k]))), None)
    return story if story is not None and is_prose(texts[story]) else None


def _read_date(texts: list[str], i: int, now: datetime | None, tz: str) -> _DateLine | None:
    """The date of a header line: strict first, then one date among a rubric, label or counter."""
    text = texts[i]
    if is_clock_line(text):
        parsed = parse_date(text, now=now, tz=tz)
        return _DateLine(i, parsed, clock=True) if parsed else None
    parsed = parse_date(text, now=now, tz=tz)
    if parsed is None and _LOOSE_DATE_HINT.search(text) and not _SENTENCE_END.search(text):
        parsed = parse_date(text, now=now, tz=tz, strict=False)
    if parsed is None:
        return None
    if not parsed.has_time:  # "10 сентября 2024" with the time on its own line below or above
        for j in (i + 1, i - 1):
            if 0 <= j < len(texts) and _CLOCK_ONLY.fullmatch(texts[j]):
                timed = parse_date(f"{text} {texts[j]}", now=now, tz=tz, strict=False)
                return _DateLine(i, timed or parsed, clock=False)
    return _DateLine(i, parsed, clock=False)


def _pick_date(dates: list[_DateLine], title_at: int | None) -> _DateLine | None:
    """The article's date line: the first under the headline, else the nearest non-clock one above it."""
    if title_at is not None and (below := [d for d in dates if d.index > title_at]):
        return below[0]
    above = [d for d in dates if not d.clock and (title_at is None or d.index < title_at)]
    if not above:
        return None
    return above[0] if title_at is None else above[-1]


def _date_under_lead(texts: list[str], dates: dict[int, _DateLine], start: int) -> _DateLine | None:
    """A date block printed under the lead ("Title / Lead. / 10.09.2024 / Story"), never further down."""
    for i in range(start + 1, min(len(texts), start + 1 + DATE_LOOKAHEAD_LINES)):
        if i in dates:
            return dates[i]
        if not _is_meta(texts[i]):
            return None
    return None


def _under_lead_meta(texts: list[str], date: _DateLine | None, start: int) -> set[int]:
    """The byline and counters of a date block under the lead ("Lead. / 10.09.2024 / Алия Ахметова")."""
    if date is None or date.index < start:
        return set()
    meta = set()
    for i in range(date.index + 1, len(texts)):
        if not _is_meta(texts[i]):
            break
        meta.add(i)
    return meta


def _is_meta(text: str) -> bool:
    """A line of a date block: a byline, a time, a counter ("14:30", "👁 1 234")."""
    return is_byline(text) or not _LETTER.search(text)


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())
