"""Turn the date strings of Kazakh news pages (ru, kk Cyrillic/Latin, en) into aware datetimes."""

import logging
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pipelines import dates_data as D

logger = logging.getLogger(__name__)

# Tuned numbers.
CLOCK_SKEW = timedelta(minutes=10)  # sites print minutes and their clocks drift; more is a wrong date
MAX_DATE_LENGTH = 80  # longest real date line seen ~50 chars ("Опубликовано: … | GMT +5"); prose is longer
DECORATION_CHARS = 24  # "(GMT +05:00)" and a view counter; longer text is refused before any regex runs
MIN_YEAR = 1990  # KZ online archives start in the late 1990s; earlier years are history, not pubdates
MAX_CARD_WORDS = 3  # other words in a card date block: lada.kz "Общество … Ольга Максимова" (rubric, author)

# Kazinform "02:46, 25 Январь 2026 | GMT +5" and its qz edition: an explicit UTC offset.
EXPLICIT_OFFSET_RE = re.compile(r"\(?\b(?:GMT|UTC)\s*(?P<sign>[+\-−])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?\)?")
# kt.kz "24.08.2025, 15:10 28971": a view counter right after the time (only once a year was given).
# Linear: one place for the counter, the year sought apart ("^.*\d{4}\D.*\d:\d\d\s+\d{1,9}$" backtracked).
VIEW_COUNT_RE = re.compile(r"(?<=\d:\d\d)\s+\d{1,9}$")
YEAR_THEN_OTHER_RE = re.compile(r"\d{4}\D")
CLOCK_UNITS = ("second", "minute", "hour")  # "N days ago" gives a date, not a time of day

# Dates in URLs: tengrinews day archive /news/2025/08/19/; kursiv /2024-04-18/; a slug's -2024-04-18-.
URL_DATE_RES = (
    re.compile(r"/(?P<y>(?:19|20)\d\d)/(?P<m>\d\d?)/(?P<d>\d\d?)(?=/|$)"),
    re.compile(r"(?<![\d])(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)(?![\d])"),
)

_ISO_RE = re.compile(r"\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:[.,]\d{1,9})?)?)?(?:Z|[+-]\d\d(?::?\d\d)?)?")
_RFC822_RE = re.compile(
    r"(?:[A-Za-z]{3},?\s+)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d\d(?::\d\d)?(?:\s+(?:[+-]\d{4}|[A-Z]{1,5}))?"
)
_TOKEN_RE = re.compile(
    r"(?P<time>\d{1,2}:\d\d(?::\d\d)?)(?![\d:])"
    r"|(?P<numdate>\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d\d)|\d{4}-\d\d-\d\d)(?![\d./-]\d)"
    r"|(?P<num>\d+)(?!\d)"
    r"|(?P<word>[^\W\d_]+)\.?"
    r"|(?P<sep>[\s,|·•/.:()\-–—]+)"
    r"|(?P<symbol>.)"  # an icon or stray mark: never part of a date
)


def _fold(word: str) -> str:
    """Case- and accent-fold a word for table look-ups ("Dúısenbi" -> "duisenbi", "Май" -> "маи")."""
    decomposed = unicodedata.normalize("NFKD", word.lower().replace("ı", "i"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _vocabulary() -> dict[str, tuple[str, Any]]:
    """Folded word -> (part, meaning) from dates_data.py; a word with two meanings is a table error."""
    entries = [
        *(("months", n, w) for table in D.MONTHS.values() for n, words in table.items() for w in words),
        *(("weekdays", None, w) for words in D.WEEKDAYS.values() for w in words),
        *(("reldays", n, w) for words in D.RELATIVE_DAYS.values() for w, n in words.items()),
        *(("units", _fold(w), w) for units in D.AGO_UNITS.values() for ws in units.values() for w in ws),
        *(("ago", language, w) for language, words in D.AGO_WORDS.items() for w in words),
        *(("decorations", None, w) for words in D.DECORATION_WORDS.values() for w in words),
    ]
    vocabulary: dict[str, tuple[str, Any]] = {}
    for part, meaning, word in entries:
        if vocabulary.setdefault(_fold(word), (part, meaning)) != (part, meaning):
            raise ValueError(f"{word!r} has two meanings in dates_data.py")
    return vocabulary


_VOCABULARY = _vocabulary()
# Units by the ago word's language: "минут" (ru, kk) goes with "назад" and "бұрын", "часа" (ru) only "назад".
_UNITS = {lang: {_fold(w): u for u, ws in units.items() for w in ws} for lang, units in D.AGO_UNITS.items()}
_ANCHORS = ("times", "numdates", "months", "reldays", "ago")  # parts only a date has; a lone number has not
_Parts = defaultdict[str, list[Any]]  # a date's parts by kind ("times", "months", ...), as _scan found them


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A normalised date: aware value, whether the string gave a time of day, whether it was relative."""

    value: datetime
    has_time: bool
    relative: bool


def parse_date(
    text: str, *, now: datetime | None = None, tz: str = "Asia/Almaty", strict: bool = True
) -> ParsedDate | None:
    """Parse a date line ("18 октября 2024 | 16:08", "Вчера, 11:22", ISO, RFC 822).

    Rule for what counts as a date line: after removing an explicit "GMT +5" offset and a view counter,
    every word must be a month, weekday, relative-day, "N units ago" or decoration word (dates_data.py),
    numbers must fit a day, year or time, and the parts must form exactly one date. Prose is refused.

    Args:
        text: the date string as shown on the page or in a feed.
        now: when the page was fetched (aware; a naive value is taken as wall time in ``tz``). Needed for
            relative and year-less dates; in strict mode results later than ``now`` + CLOCK_SKEW are refused
            (without ``now`` none is: callers bound the result by :func:`latest_allowed`).
        tz: zone of the site's wall-clock times; its offset history applies (Almaty +06:00 until 2024-03-01).
        strict: False for listing cards and short date blocks: up to MAX_CARD_WORDS other words may stand
            around ONE contiguous date ("10 сентября 2024, 11:25 | Государство", "Политика 21:38, 18
            Августа 2026"), and a date after ``now`` is kept (cards of pinned or scheduled stories carry them,
            and a card date only places the URL in a crawl window).

    Returns:
        ParsedDate in the local offset of that instant (or the offset the string gave), or None.
    """
    if not isinstance(text, str):
        return None
    cleaned, offset = _strip_decorations(text)
    if not cleaned or len(cleaned) > MAX_DATE_LENGTH:
        return None
    zone: tzinfo = timezone(offset) if offset is not None else ZoneInfo(tz)
    now_local = None
    if now is not None:
        now_local = now.replace(tzinfo=zone) if now.tzinfo is None else now.astimezone(zone)
    parsed = _parse_machine(cleaned, zone)
    if parsed is None and (parts := _scan(cleaned, strict)) is not None:
        if parts["ago"] or parts["units"]:
            parsed = _parse_ago(parts, now_local, zone)
        elif parts["reldays"]:
            parsed = _parse_relative_day(parts, now_local, zone)
        else:
            parsed = _parse_absolute(parts, now_local, zone)
    if parsed is None or parsed.value.year < MIN_YEAR:
        return None
    if strict and now_local is not None and parsed.value > now_local + CLOCK_SKEW:
        logger.debug("refused future date %r (now %s)", text, now_local)
        return None
    return parsed


def is_clock_line(text: str) -> bool:
    """True for a header clock ("Monday, November 30th, 2020"): weekday + date, no time, not relative."""
    if not isinstance(text, str):
        return False
    cleaned, _ = _strip_decorations(text)
    parts = _scan(cleaned, strict=True) if 0 < len(cleaned) <= MAX_DATE_LENGTH else None
    if parts is None or not parts["weekdays"] or parts["times"] or parts["reldays"] or parts["units"]:
        return False
    return bool(parts["numdates"]) or (len(parts["months"]) == 1 and len(parts["numbers"]) == 1)


def latest_allowed(now: datetime | None, tz: str = "Asia/Almaty") -> datetime:
    """The latest date a page fetched at ``now`` (naive: wall time in ``tz``) may carry: ``now`` + CLOCK_SKEW.

    Without ``now``, the real current time + CLOCK_SKEW: the one clock the core reads, for this bound only.
    """
    if now is None:
        return datetime.now(UTC) + CLOCK_SKEW
    return (now.replace(tzinfo=ZoneInfo(tz)) if now.tzinfo is None else now) + CLOCK_SKEW


def date_from_url(url: str, *, now: datetime | None, tz: str = "Asia/Almaty") -> ParsedDate | None:
    """Date-only ParsedDate from a URL path (/news/2025/08/19/, /2024-04-18/); None if absent, ambiguous or
    after :func:`latest_allowed` (``now``): /2099/11/19/ was once taken."""
    try:
        path = urlsplit(url).path
    except (TypeError, ValueError):
        return None
    found = {
        (int(m["y"]), int(m["m"]), int(m["d"])) for pattern in URL_DATE_RES for m in pattern.finditer(path)
    }
    if len(found) != 1:
        return None
    year, month, day = found.pop()
    if year < MIN_YEAR:
        return None
    try:
        value = _localize(datetime(year, month, day), ZoneInfo(tz))
    except ValueError:
        return None
    return ParsedDate(value, has_time=False, relative=False) if value <= latest_allowed(now, tz) else None


def _strip_decorations(text: str) -> tuple[str, timedelta | None]:
    """Normalise spaces, pull out an explicit "GMT +5" offset and a trailing view counter; "" if too long."""
    text = " ".join(text.split())
    if len(text) > MAX_DATE_LENGTH + DECORATION_CHARS:
        return "", None
    text = unicodedata.normalize("NFC", text)
    offset = None
    matches = list(EXPLICIT_OFFSET_RE.finditer(text))
    if len(matches) > 1:
        return "", None
    if matches:
        m = matches[0]
        hours, minutes = int(m["h"]), int(m["m"] or 0)
        if hours > 14 or minutes > 59:
            return "", None
        offset = timedelta(hours=hours, minutes=minutes) * (1 if m["sign"] == "+" else -1)
        text = text[: m.start()] + " " + text[m.end() :]
    text = text.strip()
    # the counter's time ends 4 characters before it, and the year must stand before that time
    if (counter := VIEW_COUNT_RE.search(text)) and YEAR_THEN_OTHER_RE.search(text, 0, counter.start() - 4):
        text = text[: counter.start()]
    return text.strip(" ,|·•-–—"), offset


def _localize(naive: datetime, zone: tzinfo) -> datetime:
    """Attach ``zone`` to a wall-clock time and freeze the offset in force at that instant."""
    aware = naive.replace(tzinfo=zone)
    offset = aware.utcoffset()
    return aware.replace(tzinfo=timezone(offset)) if offset is not None else aware


def _parse_machine(text: str, zone: tzinfo) -> ParsedDate | None:
    """ISO 8601 (meta tags, JSON-LD) or RFC 822 (RSS pubDate); zoneless values are wall time in ``zone``."""
    try:
        if _ISO_RE.fullmatch(text):
            value, has_time = datetime.fromisoformat(text), len(text) > 10 and text[10] in "T "
        elif _RFC822_RE.fullmatch(text):
            value, has_time = parsedate_to_datetime(text), True  # "-0000" or no zone: wall time
        else:
            return None
    except (TypeError, ValueError, IndexError):
        return None
    return ParsedDate(_localize(value, zone) if value.tzinfo is None else value, has_time, relative=False)


def _scan(text: str, strict: bool) -> _Parts | None:
    """The parts of the one date in ``text``; None when there is none or more than one.

    Strict: every token must be a date part. Otherwise other words split the line into runs of date parts
    and exactly one run may hold a date (``_ANCHORS``): a run of bare numbers (a view counter) is ignored,
    and more than MAX_CARD_WORDS other words make the line prose.
    """
    runs, others = [_Parts(list)], 0
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup or ""
        if kind == "sep":
            continue
        if (part := _part(kind, m.group(kind))) is not None:
            runs[-1][part[0]].append(part[1])
            continue
        if strict:
            return None
        others += kind != "symbol"
        if runs[-1]:
            runs.append(_Parts(list))
    if strict:
        return runs[0]
    dated = [run for run in runs if any(run[a] for a in _ANCHORS)]
    return dated[0] if len(dated) == 1 and others <= MAX_CARD_WORDS else None


def _part(kind: str, value: str) -> tuple[str, Any] | None:
    """(part, meaning) of one token; None when it is no date part (a word outside the tables, 25:00)."""
    if kind == "time":
        hour, minute, second = [*map(int, value.split(":")), 0][:3]
        return ("times", (hour, minute, second)) if hour <= 23 and minute <= 59 and second <= 59 else None
    if kind == "numdate":
        parts = [int(p) for p in re.split(r"[./-]", value)]
        day, month, year = (parts[2], parts[1], parts[0]) if "-" in value else parts
        return "numdates", (day, month, year + 2000 if year < 100 else year)
    if kind == "num" and len(value) <= 4:  # a year, or a day / "N units ago" count
        return ("years" if len(value) == 4 else "numbers", int(value))
    return _VOCABULARY.get(_fold(value)) if kind == "word" else None


def _parse_absolute(p: _Parts, now_local: datetime | None, zone: tzinfo) -> ParsedDate | None:
    if len(p["weekdays"]) > 1 or len(p["times"]) > 1 or len(p["years"]) > 1:
        return None
    if p["numdates"]:
        if len(p["numdates"]) > 1 or p["months"] or p["numbers"] or p["years"]:
            return None
        day, month, year = p["numdates"][0]
    else:
        if len(p["months"]) != 1 or len(p["numbers"]) != 1:
            return None
        day, month, year = p["numbers"][0], p["months"][0], (p["years"][0] if p["years"] else None)
    hour, minute, second = p["times"][0] if p["times"] else (0, 0, 0)
    try:
        if year is None:  # year-less: this year unless that is after now, then last year
            if now_local is None:
                return None
            value = _localize(datetime(now_local.year, month, day, hour, minute, second), zone)
            if value > now_local + CLOCK_SKEW:
                value = _localize(datetime(now_local.year - 1, month, day, hour, minute, second), zone)
        else:
            value = _localize(datetime(year, month, day, hour, minute, second), zone)
    except ValueError:  # 31 June, 29 February of a common year
        return None
    return ParsedDate(value, has_time=bool(p["times"]), relative=False)


def _parse_relative_day(p: _Parts, now_local: datetime | None, zone: tzinfo) -> ParsedDate | None:
    if now_local is None or len(p["reldays"]) != 1 or len(p["times"]) > 1 or len(p["years"]) > 1:
        return None
    if p["months"] or p["numdates"] or p["numbers"] or p["weekdays"]:
        return None
    # A year next to "Вчера" (tv.ekaraganda "Вчера, 2026 12:10") adds nothing; relative dates show no
    # seconds, and "Вчера" alone is midnight of that day.
    day = now_local.date() - timedelta(days=p["reldays"][0])
    clock = time(*p["times"][0][:2]) if p["times"] else time()
    return ParsedDate(_localize(datetime.combine(day, clock), zone), has_time=bool(p["times"]), relative=True)


def _parse_ago(p: _Parts, now_local: datetime | None, zone: tzinfo) -> ParsedDate | None:
    if now_local is None or len(p["units"]) != 1 or len(p["ago"]) != 1 or len(p["numbers"]) > 1:
        return None
    if p["times"] or p["months"] or p["years"] or p["numdates"] or p["reldays"] or p["weekdays"]:
        return None
    unit = _UNITS[p["ago"][0]].get(p["units"][0])
    if unit is None:  # unit and ago word of two languages
        return None
    count = p["numbers"][0] if p["numbers"] else 1  # "час назад"
    ago = timedelta(**{f"{unit}s": count})  # "hour" -> timedelta(hours=count)
    naive = (now_local.replace(tzinfo=None) - ago).replace(second=0, microsecond=0)
    has_time = unit in CLOCK_UNITS
    if not has_time:
        naive = naive.replace(hour=0, minute=0)
    return ParsedDate(_localize(naive, zone), has_time=has_time, relative=True)
