"""Turn the date strings of Kazakh news pages (ru, kk Cyrillic/Latin, en) into aware datetimes."""

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import dateparser

logger = logging.getLogger(__name__)

# Tuned numbers.
CLOCK_SKEW = timedelta(minutes=10)  # sites print minutes and their clocks drift; more is a wrong date
MAX_DATE_LENGTH = 80  # longest real date line seen ~50 chars ("Опубликовано: … | GMT +5"); prose is longer
MIN_YEAR = 1990  # KZ online archives start in the late 1990s; earlier years are history, not pubdates

# Month names by number. Seen: ru genitive on tengrinews/zakon/nur ("18 октября 2024"); ru nominative
# capitalised on Kazinform ("25 Январь 2026", "04 Май 2026") and genitive too ("18 Августа 2026");
# abbreviations on ratel.kz ("04 Июл 2025"). kk Cyrillic: dateparser's kk locale knows these base forms
# and 3-letter cuts. kk Latin (qz.inform.kz "30 Qańtar 2026", lat.egemen.kz "31 Qazan, 2023", "09 Sáýir")
# is unknown to dateparser: the 2018 acute spelling plus the 2021 spelling (Nauryz, Säuir) are listed.
RU_MONTHS = {
    1: ("январь", "января", "янв"),
    2: ("февраль", "февраля", "фев", "февр"),
    3: ("март", "марта", "мар"),
    4: ("апрель", "апреля", "апр"),
    5: ("май", "мая"),
    6: ("июнь", "июня", "июн"),
    7: ("июль", "июля", "июл"),
    8: ("август", "августа", "авг"),
    9: ("сентябрь", "сентября", "сен", "сент"),
    10: ("октябрь", "октября", "окт"),
    11: ("ноябрь", "ноября", "ноя", "нояб"),
    12: ("декабрь", "декабря", "дек"),
}
KK_CYRL_MONTHS = {
    1: ("қаңтар", "қаң"),
    2: ("ақпан", "ақп"),
    3: ("наурыз", "нау"),
    4: ("сәуір", "сәу"),
    5: ("мамыр", "мам"),
    6: ("маусым", "мау"),
    7: ("шілде", "шіл"),
    8: ("тамыз", "там"),
    9: ("қыркүйек", "қыр"),
    10: ("қазан", "қаз"),
    11: ("қараша", "қар"),
    12: ("желтоқсан", "жел"),
}
KK_LATN_MONTHS = {
    1: ("Qańtar", "Qañtar"),
    2: ("Aqpan",),
    3: ("Naýryz", "Nauryz"),
    4: ("Sáýir", "Säuir", "Säuır"),
    5: ("Mamyr",),
    6: ("Maýsym", "Mausym"),
    7: ("Shilde", "Şilde"),
    8: ("Tamyz",),
    9: ("Qyrkúıek", "Qyrküiek"),
    10: ("Qazan",),
    11: ("Qarasha", "Qaraşa"),
    12: ("Jeltoqsan",),
}
EN_MONTHS = {
    1: ("january", "jan"),
    2: ("february", "feb"),
    3: ("march", "mar"),
    4: ("april", "apr"),
    5: ("may",),
    6: ("june", "jun"),
    7: ("july", "jul"),
    8: ("august", "aug"),
    9: ("september", "sep", "sept"),
    10: ("october", "oct"),
    11: ("november", "nov"),
    12: ("december", "dec"),
}

# Weekdays: ratel.kz "Пятница, 04 Июл 2025, 12:00"; header clocks "Monday, November 30th, 2020".
WEEKDAYS = (
    "понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье",
    "пн", "вт", "ср", "чт", "пт", "сб", "вс",
    "дүйсенбі", "сейсенбі", "сәрсенбі", "бейсенбі", "жұма", "сенбі", "жексенбі",
    "Dúısenbi", "Seısenbi", "Sárseni", "Sársenbi", "Beısenbi", "Juma", "Senbi", "Jeksenbi",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
)  # fmt: skip

# Relative day words -> days back. Seen: tengrinews "Сегодня | 08:02", "Вчера"; zakon "13:51, сегодня";
# nur "Вчера, 11:22"; tv.ekaraganda "Вчера, 2026 12:10". kk/en forms from the issue (kk unverified on sites).
RELATIVE_DAYS = {"сегодня": 0, "вчера": 1, "позавчера": 2, "бүгін": 0, "кеше": 1, "today": 0, "yesterday": 1}
# "N <unit> ago": ru "5 минут назад", kk "2 сағат бұрын" (issue), en "2 hours ago". Months/years: too vague.
AGO_WORDS = ("назад", "бұрын", "ago")
AGO_UNITS = {
    "second": ("секунду", "секунды", "секунд", "сек", "second", "seconds", "sec", "secs"),
    "minute": ("минуту", "минуты", "минут", "мин", "minute", "minutes", "min", "mins"),
    "hour": ("час", "часа", "часов", "ч", "сағат", "сағ", "hour", "hours", "hr", "hrs"),
    "day": ("день", "дня", "дней", "күн", "day", "days"),
    "week": ("неделю", "недели", "недель", "апта", "week", "weeks"),
}
CLOCK_UNITS = ("second", "minute", "hour")  # "N days ago" gives a date, not a time of day

# Decorations: words allowed around a date and ignored. nur "Опубликовано:", year words ("2024 г.",
# "2026 жылғы 5 қаңтар"), "в 16:08", "30th of November".
DECORATION_WORDS = (
    "опубликовано", "обновлено", "дата", "публикации", "published", "updated", "posted", "on",
    "жарияланды", "жарияланған", "жаңартылды",
    "г", "год", "года", "в", "жыл", "жылы", "жылғы", "ж", "at", "of", "st", "nd", "rd", "th",
)  # fmt: skip
# Kazinform "02:46, 25 Январь 2026 | GMT +5", qz "11:17, 30 Qańtar 2026 | GMT +5": explicit UTC offset.
EXPLICIT_OFFSET_RE = re.compile(r"\(?\b(?:GMT|UTC)\s*(?P<sign>[+\-−])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?\)?")
# kt.kz "24.08.2025, 15:10 28971": a view counter right after the time (only once a year was given).
VIEW_COUNT_RE = re.compile(r"^(?P<date>.*\d{4}\D.*\d:\d\d)\s+\d{1,9}$")

# dateparser is used for the relative forms; settings built once, RELATIVE_BASE added per call.
DATEPARSER_LANGUAGES = ["ru", "kk", "en"]
DATEPARSER_SETTINGS = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False, "DATE_ORDER": "DMY"}

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
)


def _fold(word: str) -> str:
    """Case- and accent-fold a word for table look-ups ("Sáýir" -> "sayir", "Май" -> "маи")."""
    decomposed = unicodedata.normalize("NFKD", word.lower().replace("ı", "i"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _build_month_table() -> dict[str, int]:
    table: dict[str, int] = {}
    for months in (RU_MONTHS, KK_CYRL_MONTHS, KK_LATN_MONTHS, EN_MONTHS):
        for number, names in months.items():
            for name in names:
                if table.setdefault(_fold(name), number) != number:
                    raise ValueError(f"month name {name!r} maps to two months")
    return table


_MONTHS = _build_month_table()
_WEEKDAYS = frozenset(_fold(w) for w in WEEKDAYS)
_RELATIVE_DAYS = {_fold(w): n for w, n in RELATIVE_DAYS.items()}
_AGO = frozenset(_fold(w) for w in AGO_WORDS)
_UNITS = {_fold(w): unit for unit, words in AGO_UNITS.items() for w in words}
_DECORATIONS = frozenset(_fold(w) for w in DECORATION_WORDS)


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A normalised date: aware value, whether the string gave a time of day, whether it was relative."""

    value: datetime
    has_time: bool
    relative: bool


@dataclass(slots=True)
class _Tokens:
    """What a date line is made of, after the vocabulary check."""

    times: list[tuple[int, int, int]] = field(default_factory=list)
    numdates: list[tuple[int, int, int]] = field(default_factory=list)  # (day, month, year)
    numbers: list[str] = field(default_factory=list)  # 1-3 digits: day of month or "N units ago"
    years: list[int] = field(default_factory=list)
    months: list[int] = field(default_factory=list)
    weekdays: int = 0
    reldays: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)  # original words
    ago: list[str] = field(default_factory=list)


def parse_date(text: str, *, now: datetime | None = None, tz: str = "Asia/Almaty") -> ParsedDate | None:
    """Parse a line that is a date ("18 октября 2024 | 16:08", "Вчера, 11:22", ISO, RFC 822).

    Rule for what counts as a date line: after removing an explicit "GMT +5" offset and a view counter,
    every word must be a month, weekday, relative-day, "N units ago" or decoration word (the tables above),
    numbers must fit a day, year or time, and the parts must form exactly one date. Prose is refused.

    Args:
        text: the date string as shown on the page or in a feed.
        now: when the page was fetched (aware; a naive value is taken as wall time in ``tz``). Needed for
            relative and year-less dates; results later than ``now`` + CLOCK_SKEW are refused.
        tz: zone of the site's wall-clock times; its offset history applies (Almaty +06:00 until 2024-03-01).

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
    parsed = _parse_iso(cleaned, zone) or _parse_rfc822(cleaned, zone)
    if parsed is None:
        tokens = _scan(cleaned)
        if tokens is None:
            return None
        if tokens.ago or tokens.units:
            parsed = _parse_ago(tokens, now_local, zone)
        elif tokens.reldays:
            parsed = _parse_relative_day(tokens, now_local, zone)
        else:
            parsed = _parse_absolute(tokens, now_local, zone)
    if parsed is None or parsed.value.year < MIN_YEAR:
        return None
    if now_local is not None and parsed.value > now_local + CLOCK_SKEW:
        logger.debug("refused future date %r (now %s)", text, now_local)
        return None
    return parsed


def is_clock_line(text: str) -> bool:
    """True for a header clock ("Monday, November 30th, 2020"): weekday + date, no time, not relative."""
    if not isinstance(text, str):
        return False
    cleaned, _ = _strip_decorations(text)
    tokens = _scan(cleaned) if 0 < len(cleaned) <= MAX_DATE_LENGTH else None
    if tokens is None or not tokens.weekdays or tokens.times or tokens.reldays or tokens.units:
        return False
    return bool(tokens.numdates) or (len(tokens.months) == 1 and len(tokens.numbers) == 1)


def date_from_url(url: str, *, tz: str = "Asia/Almaty") -> ParsedDate | None:
    """Date-only ParsedDate from a URL path (/news/2025/08/19/, /2024-04-18/); None if absent or ambiguous."""
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
        return ParsedDate(_localize(datetime(year, month, day), ZoneInfo(tz)), has_time=False, relative=False)
    except ValueError:
        return None


def _strip_decorations(text: str) -> tuple[str, timedelta | None]:
    """Normalise spaces, pull out an explicit "GMT +5" offset and a trailing view counter."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
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
    text = VIEW_COUNT_RE.sub(r"\g<date>", text.strip())
    return text.strip(" ,|·•-–—"), offset


def _localize(naive: datetime, zone: tzinfo) -> datetime:
    """Attach ``zone`` to a wall-clock time and freeze the offset in force at that instant."""
    aware = naive.replace(tzinfo=zone)
    offset = aware.utcoffset()
    return aware.replace(tzinfo=timezone(offset)) if offset is not None else aware


def _parse_iso(text: str, zone: tzinfo) -> ParsedDate | None:
    if not _ISO_RE.fullmatch(text):
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None:
        value = _localize(value, zone)
    return ParsedDate(value, has_time=len(text) > 10 and text[10] in "T ", relative=False)


def _parse_rfc822(text: str, zone: tzinfo) -> ParsedDate | None:
    if not _RFC822_RE.fullmatch(text):
        return None
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if value.tzinfo is None:  # "-0000" or no zone: wall time
        value = _localize(value, zone)
    return ParsedDate(value, has_time=True, relative=False)


def _scan(text: str) -> _Tokens | None:
    """Split a date line into classified tokens; None as soon as anything is not part of a date."""
    tokens, pos = _Tokens(), 0
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if m is None:
            return None
        pos = m.end()
        kind, value = m.lastgroup, m.group(m.lastgroup or 0)
        if kind == "time":
            parts = [int(p) for p in value.split(":")] + [0]
            if parts[0] > 23 or parts[1] > 59 or parts[2] > 59:
                return None
            tokens.times.append((parts[0], parts[1], parts[2]))
        elif kind == "numdate":
            parts = [int(p) for p in re.split(r"[./-]", value)]
            day, month, year = (parts[2], parts[1], parts[0]) if "-" in value else parts
            tokens.numdates.append((day, month, year + 2000 if year < 100 else year))
        elif kind == "num":
            if len(value) == 4:
                tokens.years.append(int(value))
            elif len(value) <= 3:
                tokens.numbers.append(value)
            else:
                return None
        elif kind == "word" and not _add_word(tokens, value):
            return None
    return tokens


def _add_word(tokens: _Tokens, word: str) -> bool:
    folded = _fold(word)
    if folded in _MONTHS:
        tokens.months.append(_MONTHS[folded])
    elif folded in _WEEKDAYS:
        tokens.weekdays += 1
    elif folded in _RELATIVE_DAYS:
        tokens.reldays.append(word)
    elif folded in _UNITS:
        tokens.units.append(word)
    elif folded in _AGO:
        tokens.ago.append(word)
    elif folded not in _DECORATIONS:
        return False
    return True


def _parse_absolute(tokens: _Tokens, now_local: datetime | None, zone: tzinfo) -> ParsedDate | None:
    if tokens.weekdays > 1 or len(tokens.times) > 1 or len(tokens.years) > 1:
        return None
    if tokens.numdates:
        if len(tokens.numdates) > 1 or tokens.months or tokens.numbers or tokens.years:
            return None
        day, month, year = tokens.numdates[0]
    else:
        if len(tokens.months) != 1 or len(tokens.numbers) != 1:
            return None
        day, month = int(tokens.numbers[0]), tokens.months[0]
        year = tokens.years[0] if tokens.years else None
    hour, minute, second = tokens.times[0] if tokens.times else (0, 0, 0)
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
    return ParsedDate(value, has_time=bool(tokens.times), relative=False)


def _parse_relative_day(tokens: _Tokens, now_local: datetime | None, zone: tzinfo) -> ParsedDate | None:
    if now_local is None or len(tokens.reldays) != 1 or len(tokens.times) > 1 or len(tokens.years) > 1:
        return None
    if tokens.months or tokens.numdates or tokens.numbers or tokens.weekdays:
        return None
    # A year next to "Вчера" (tv.ekaraganda "Вчера, 2026 12:10") adds nothing and confuses dateparser.
    phrase = tokens.reldays[0]
    if tokens.times:
        phrase += " {:02d}:{:02d}".format(*tokens.times[0][:2])
    naive = _dateparser(phrase, now_local)
    if naive is None:
        return None
    if not tokens.times:
        naive = naive.replace(hour=0, minute=0, second=0, microsecond=0)
    return ParsedDate(_localize(naive, zone), has_time=bool(tokens.times), relative=True)


def _parse_ago(tokens: _Tokens, now_local: datetime | None, zone: tzinfo) -> ParsedDate | None:
    if now_local is None or len(tokens.units) != 1 or len(tokens.ago) != 1 or len(tokens.numbers) > 1:
        return None
    if tokens.times or tokens.months or tokens.years or tokens.numdates or tokens.reldays or tokens.weekdays:
        return None
    count = (
        tokens.numbers[0] if tokens.numbers else "1"
    )  # "час назад"; dateparser needs the 1 for "сағат бұрын"
    naive = _dateparser(f"{count} {tokens.units[0]} {tokens.ago[0]}", now_local)
    if naive is None:
        return None
    has_time = _UNITS[_fold(tokens.units[0])] in CLOCK_UNITS
    naive = naive.replace(second=0, microsecond=0)
    if not has_time:
        naive = naive.replace(hour=0, minute=0)
    return ParsedDate(_localize(naive, zone), has_time=has_time, relative=True)


def _dateparser(phrase: str, now_local: datetime) -> datetime | None:
    """Resolve a relative phrase with dateparser against ``now_local`` (wall time, naive)."""
    settings = {**DATEPARSER_SETTINGS, "RELATIVE_BASE": now_local.replace(tzinfo=None)}
    try:
        value = dateparser.parse(phrase, languages=DATEPARSER_LANGUAGES, settings=settings)
    except Exception:  # dateparser raises assorted errors on odd input; a date we cannot read is None
        logger.debug("dateparser failed on %r", phrase, exc_info=True)
        return None
    return value.replace(tzinfo=None) if value is not None else None
