"""Page-text path: split a page text (seeds, WET-style dumps) into title, date, dateline, body, junk."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from pipelines.article import Removal
from pipelines.boilerplate import match_junk
from pipelines.dates import ParsedDate, is_clock_line, parse_date

# Common Crawl WET / corpus dumps put a " date YYYY-MM-DD " header before the text (seeds 001, 003).
DUMP_DATE_HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?))?\s+")

# A title is a short line without sentence-final punctuation; calibrated on the seeds and the
# kz-sites.md page texts, where headlines run 5-20 words and leads end with a full stop.
TITLE_MAX_WORDS = 25
TITLE_MIN_WORDS = 2
SENTENCE_END = re.compile(r"[.;:,…]$")
# Lines of the header zone we look at before the body starts (a page's chrome is rarely longer).
HEADER_ZONE_LINES = 12


@dataclass(frozen=True, slots=True)
class TextPage:
    """What the header zone of a page text gave, and the lines left for the shared cleaning stage."""

    title: str | None
    published: ParsedDate | None
    date_source: str | None
    body_lines: tuple[str, ...]
    removed: tuple[Removal, ...]


def split_text_page(text: str, *, now: datetime | None = None, tz: str = "Asia/Almaty") -> TextPage:
    """Classify the leading lines of a page text; everything from the first body line on is body.

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
    removed: list[Removal] = []
    if lines and (header := DUMP_DATE_HEADER.match(lines[0])):
        published = parse_date(" ".join(filter(None, header.groups())), now=now, tz=tz)
        date_source = "dump_header" if published else None
        lines[0] = lines[0][header.end() :].strip()
    title: str | None = None
    start = 0
    for index, line in enumerate(lines[:HEADER_ZONE_LINES]):
        rule = match_junk(line)
        if rule:
            removed.append(Removal(rule, line))
        elif is_clock_line(line):
            removed.append(Removal("header_clock", line))
        elif (parsed := parse_date(line, now=now, tz=tz)) is not None:
            if published is None:
                published, date_source = parsed, "text_date_line"
            else:
                removed.append(Removal("extra_date_line", line))
        elif title is None and _looks_like_title(line):
            title = line
        elif title is not None and _same_text(line, title):
            removed.append(Removal("duplicate_title", line))
        else:
            start = index
            break
        start = index + 1
    return TextPage(title, published, date_source, tuple(lines[start:]), tuple(removed))


def _looks_like_title(line: str) -> bool:
    words = line.split()
    return TITLE_MIN_WORDS <= len(words) <= TITLE_MAX_WORDS and not SENTENCE_END.search(line)


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())
