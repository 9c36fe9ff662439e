"""Judge one line on its own: the junk rule of pipelines/rules.py it falls under, or None for story text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from pipelines import dates_data as D
from pipelines import rules as R
from pipelines.normalize import normalize_text
from pipelines.options import DEFAULT_RULES, SiteRules

NAV_LINE_CHARS = 40  # "Редакция Реклама", "ру қз qz 中文": a handful of short words
SHORT_LINE_CHARS = 100  # share/follow lines seen are <= 60 chars; a story sentence opening alike is longer
WIDGET_MAX_CHARS = 160  # currency rows with 4-5 rates ("Currency rates: usd/kzt 447.9 eur/kzt 482.16 …")
MAX_JUNK_LINE_CHARS = 400  # longest START junk seen: the Tengri Auto promo (~300); longer lines are story
CITY_RUN_MIN = 3  # city–temperature lines in a row that are a weather list even without a "Погода" header
READ_ALSO_LIST_MAX = 10  # headline lines taken after a "Новости по теме" list header

# Rule names, as recorded in CleanedBody.removed (and stats keys downstream).
CURRENCY_WIDGET = "currency_widget"
WEATHER_WIDGET = "weather_widget"
SHARE_SOCIAL = "share_social"
SOCIAL_EMBED = "social_embed"
READ_ALSO = "read_also"
PAGE_CHROME = "page_chrome"
DATE_LINE = "date_line"
PROMO = "promo"
SITE_JUNK = "site_junk"
DUPLICATE_TITLE = "duplicate_title"
DUPLICATE_PARAGRAPH = "duplicate_paragraph"
PHOTO_CREDIT = "photo_credit"
SOURCE_CREDIT = "source_credit"
DATELINE = "dateline"


Table = dict[str, tuple[str, ...]] | tuple[str, ...]


def phrases(table: Table) -> tuple[str, ...]:
    """All phrases of a per-language table (or the tuple itself)."""
    return tuple(p for group in table.values() for p in group) if isinstance(table, dict) else table


def alternation(*tables: Table) -> str:
    """Alternation of literal phrases, longest first; one ending in a letter must end on a word boundary."""
    ordered = sorted({p for t in tables for p in phrases(t)}, key=len, reverse=True)
    return "|".join(re.escape(p) + (r"(?!\w)" if p[-1].isalnum() else "") for p in ordered)


def whole_pattern(*tables: Table) -> re.Pattern[str]:
    """For fullmatch: the line is one of the phrases, trailing punctuation/emoji allowed ("Поделиться!")."""
    return re.compile(rf"(?:{alternation(*tables)})[\W_]*", re.I)


def prefix_pattern(*tables: Table) -> re.Pattern[str]:
    """For match: the line starts with one of the phrases."""
    return re.compile(rf"(?:{alternation(*tables)})", re.I)


_DECOR = re.compile(r"^[^\w$€₽₸£¥+\-−]+")  # "|| Фото …", "👉 Подписывайтесь …", "* Банковская …"
_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(r"[+\-−]?\d+(?:[.,]\d+)?%?")
_CURRENCY_LABEL = re.compile(
    rf"(?:{alternation(R.CURRENCY_LABELS)})(?:(?:\s+[^\d\s:]+){{1,3}}\s*:|\s*:)?", re.I
)
_CURRENCY_TOKENS = frozenset(R.CURRENCY_TOKENS)
_CURRENCY_SEP = re.compile(r"[\s,;:()]+")
_CURRENCY_TOKEN = re.compile(r"[^\s,;:()]+")
_CITY = alternation(R.KZ_CITIES)
_TEMP = r"[+\-−]?\d{1,2}(?:[.,]\d)?(?:\s*(?:°\s*[CСF]?|℃))?"
_WEATHER_VALUE = "|".join(R.WEATHER_VALUE_PATTERNS)
_WEATHER_ONLY = re.compile(rf"(?:[\s,;:|/]*(?:{_WEATHER_VALUE}|{_CITY}|{_TEMP}))+[\s.]*", re.I)
_WEATHER_UNIT = re.compile(r"°|℃|hPa|гПа|мм\s*рт|mm\s*Hg|%|м/с|m/s", re.I)
_WEATHER_LABEL = re.compile(rf"(?:{alternation(R.WEATHER_LABELS)})\s*:?\s*", re.I)
_CITY_ONLY = re.compile(rf"(?:{_CITY})", re.I)
_LETTER_ONLY = re.compile(r"[^\W\d_]")

# One anchored match per line and family kind; the named group that matched is the rule.
_START_ANY = re.compile(
    rf"(?P<{PROMO}>{alternation(R.PROMO_START)})|(?P<{SHARE_SOCIAL}>{alternation(R.SHARE_SOCIAL_START)})"
    rf"|(?P<{SOCIAL_EMBED}>{alternation(R.SOCIAL_EMBED_START)})|(?P<{READ_ALSO}>{alternation(R.READ_ALSO_START)})"
    rf"|(?P<{PAGE_CHROME}>{alternation(R.PAGE_CHROME_START)})",
    re.I,
)
_WHOLE_ANY = re.compile(
    rf"(?:(?P<{SHARE_SOCIAL}>{alternation(R.SHARE_SOCIAL_WHOLE)})|(?P<{READ_ALSO}>{alternation(R.READ_ALSO_LISTS)})"
    rf"|(?P<{PAGE_CHROME}>{alternation(R.PAGE_CHROME_WHOLE, R.SITE_NAMES, R.AGENCIES)}))[\W_]*",
    re.I,
)
_SHORT_ANY = re.compile(
    rf"(?P<{SHARE_SOCIAL}>{alternation(R.SHARE_SOCIAL_SHORT)})|(?P<{PAGE_CHROME}>{alternation(R.PAGE_CHROME_SHORT)})",
    re.I,
)
_SHARE_INSIDE = prefix_pattern(R.SHARE_SOCIAL_INSIDE)
# INSIDE phrases are searched only after a plain substring test (a case-insensitive regex search costs
# ~7 µs per paragraph, the substring test ~0.3 µs); the first letter is dropped to allow either case.
_PROMO_INSIDE_HINTS = tuple(p[1:] for p in R.PROMO_INSIDE)
_PROMO_INSIDE = prefix_pattern(R.PROMO_INSIDE)
_EMBED_AUTHOR = re.compile(rf"{R.SOCIAL_EMBED_AUTHOR}[\W_]*", re.I)
_READ_ALSO_BARE = whole_pattern(R.READ_ALSO_START)
_READ_ALSO_LIST = whole_pattern(R.READ_ALSO_LISTS)
_CHROME_SHAPES = re.compile(
    rf"(?:{R.VIEW_COUNTER})|(?:{R.PHONE_LINE})[\s\d()\-]*"
    rf"|(?:{alternation(R.BREADCRUMB_HOMES)})\s*(?:[>»/→|]\s*[^>»→|]{{1,60}}){{1,6}}"  # "Main Page > News"
    r"|[^>.!?]{1,60}(?:\s[>»→]\s[^>.!?]{1,60}){2,}",  # any 3+ crumbs joined by " > "
    re.I,
)
_SHAPE_HINT = re.compile(r"[\d>»→/|]")  # every _CHROME_SHAPES line has a digit or a crumb separator
_NAV_WORDS = frozenset(R.NAV_WORDS)
_LANGUAGE_WORDS = frozenset(R.LANGUAGE_SWITCH_WORDS)
_WORD_SPLIT = re.compile(r"[\s|/·•]+")

_MONTH = "|".join(re.escape(w) for months in D.MONTHS.values() for words in months.values() for w in words)
_WEEKDAY = "|".join(re.escape(w) for words in D.WEEKDAYS.values() for w in words)
_RELATIVE = "|".join(re.escape(w) for days in D.RELATIVE_DAYS.values() for w in days)
_CLOCK = r"\d{1,2}:\d{2}"
_DATE_LINE = re.compile(
    rf"(?:(?:{_WEEKDAY}),?\s+)?(?:{_MONTH})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}(?:,?\s+{_CLOCK})?"
    rf"|(?:(?:{_WEEKDAY}),?\s+)?\d{{1,2}}\s+(?:{_MONTH})\.?,?\s+\d{{4}}(?:\s*(?:г\.|ж\.|жыл))?"
    rf"(?:\s*[|,]?\s*{_CLOCK})?(?:\s*\|\s*GMT\s*[+\-]\d{{1,2}})?"
    rf"|{_CLOCK},?\s+\d{{1,2}}\s+(?:{_MONTH})\s+\d{{4}}(?:\s*\|\s*GMT\s*[+\-]\d{{1,2}})?"
    rf"|\d{{2}}\.\d{{2}}\.\d{{4}},?(?:\s+{_CLOCK})?(?:\s+\d+)?"  # kt.kz "24.08.2025, 15:10 28971" (+views)
    rf"|(?:{_RELATIVE})\s*[|,]?\s*{_CLOCK}|{_CLOCK},?\s*(?:{_RELATIVE})|\d{{4}}-\d{{2}}-\d{{2}}",
    re.I,
)


@dataclass(frozen=True, slots=True)
class SiteJunk:
    """SiteRules.junk compiled: (pattern, is_regex) pairs; literal phrases match at the line start."""

    patterns: tuple[tuple[re.Pattern[str], bool], ...] = ()


@lru_cache(maxsize=64)
def site_junk(junk: tuple[str, ...]) -> SiteJunk:
    """Compile a site's extra junk once: entries starting with "^" are regexes (searched), others prefixes."""
    return SiteJunk(
        tuple(
            (re.compile(e, re.I), True) if e.startswith("^") else (prefix_pattern((e,)), False) for e in junk
        )
    )


def match_junk(line: str, rules: SiteRules = DEFAULT_RULES) -> str | None:
    """The rule a single line falls under, judged on the line alone (no neighbouring-line context).

    Bare date lines are not junk here (the page-text path reads the date from them); ``clean_paragraphs``
    drops them from the body as "date_line".

    Returns:
        A rule name ("currency_widget", "share_social", …) or None when the line is body text.
    """
    text = normalize_text(line).text
    return match_line(text, site_junk(rules.junk)) if text else None


def strip_decor(line: str) -> str:
    """The line without leading bullets, pipes, stars and emoji ("|| Фото …" → "Фото …")."""
    decor = _DECOR.match(line)
    return line[decor.end() :] if decor else line


def is_date_line(core: str) -> bool:
    """A bare publication-date line ("Monday, November 30th, 2020", "24.08.2025, 15:10 28971")."""
    return (
        len(core) <= SHORT_LINE_CHARS and _DIGIT.search(core) is not None and bool(_DATE_LINE.fullmatch(core))
    )


def read_also_follow(core: str) -> int:
    """How many headline lines after this read-also line belong to it: a list, one linked title, or none."""
    if _READ_ALSO_LIST.fullmatch(core):
        return READ_ALSO_LIST_MAX
    return 1 if _READ_ALSO_BARE.fullmatch(core) else 0


def match_line(line: str, site: SiteJunk, shape: str | None = None) -> str | None:
    """The rule for a normalised line; ``shape`` is its weather_shape when the caller computed it already."""
    size = len(line)
    if size > MAX_JUNK_LINE_CHARS:
        return None
    core = strip_decor(line)
    if size <= WIDGET_MAX_CHARS and (rule := _match_short(line, core, shape)):
        return rule
    if start := _START_ANY.match(core):
        return start.lastgroup
    if any(h in core for h in _PROMO_INSIDE_HINTS) and _PROMO_INSIDE.search(core):
        return PROMO
    for pattern, is_regex in site.patterns:
        if pattern.search(line) if is_regex else pattern.match(core):
            return SITE_JUNK
    return None


def _match_short(line: str, core: str, shape: str | None) -> str | None:
    """Rules for widget-sized lines: shapes, whole-line labels, short follow/chrome lines."""
    if is_currency(line):
        return CURRENCY_WIDGET
    if len(line) > SHORT_LINE_CHARS:
        return None
    if (shape or weather_shape(line)) in ("header", "unit"):
        return WEATHER_WIDGET
    if whole := _WHOLE_ANY.fullmatch(core):
        return whole.lastgroup
    if core.endswith((".", "?")):  # a short sentence ("Следите за новостями, советуют в ДЧС, …") is story
        return _match_shape(line, core)
    if short := _SHORT_ANY.match(core):
        return short.lastgroup
    if _SHARE_INSIDE.search(core):  # "… в Google News" follow lines
        return SHARE_SOCIAL
    return _match_shape(line, core)


def _match_shape(line: str, core: str) -> str | None:
    """Chrome recognised by shape: embed author lines, counters, phones, breadcrumbs, nav/language rows."""
    if len(line) == 1:  # a lone letter or bullet carries no text
        return PAGE_CHROME
    if "(@" in core and _EMBED_AUTHOR.fullmatch(core):
        return SOCIAL_EMBED
    if _SHAPE_HINT.search(core) and _CHROME_SHAPES.fullmatch(core):  # counters, phones, breadcrumbs
        return PAGE_CHROME
    if len(line) <= NAV_LINE_CHARS:
        words = [w for w in _WORD_SPLIT.split(line.casefold()) if w]
        if len(words) >= 2 and (
            all(w in _NAV_WORDS for w in words) or all(w in _LANGUAGE_WORDS for w in words)
        ):
            return PAGE_CHROME
    return None


def is_currency(line: str, after_widget: bool = False) -> bool:
    """Only a label, numbers and currency tokens: "501.24 course down 597.92 course down 6.64 course up"."""
    numbers = decimals = units = labels = 0
    pos, size = 0, len(line)
    while True:  # token by token, so a story line is rejected at its first ordinary word
        if sep := _CURRENCY_SEP.match(line, pos):
            pos = sep.end()
        if pos >= size:
            break
        if label := _CURRENCY_LABEL.match(line, pos):
            labels += 1
            pos = label.end()
            continue
        if (found := _CURRENCY_TOKEN.match(line, pos)) is None:
            return False
        token, pos = found.group(), found.end()
        if _NUMBER.fullmatch(token):
            numbers += 1
            decimals += "." in token or "," in token
        elif token.casefold() in _CURRENCY_TOKENS:
            units += 1
        else:
            return False
    if labels:
        return True
    if after_widget:
        return numbers > 0
    return numbers >= 2 and (units > 0 or decimals >= 2)


def weather_shape(line: str) -> str | None:
    """'header' (label [+ values]), 'unit' (values with °/hPa), 'city_temp', 'city', 'letter' or None."""
    if len(line) > SHORT_LINE_CHARS:
        return None
    if label := _WEATHER_LABEL.match(line):
        rest = line[label.end() :]
        return "header" if not rest or _WEATHER_ONLY.fullmatch(rest) else None
    if _DIGIT.search(line) and _WEATHER_ONLY.fullmatch(line):
        if _WEATHER_UNIT.search(line):
            return "unit"
        return "city_temp" if _CITY_ONLY.search(line) else None
    if _CITY_ONLY.fullmatch(line):
        return "city"
    return "letter" if _LETTER_ONLY.fullmatch(line) else None


def weather_lines(shapes: Sequence[str | None]) -> set[int]:
    """Indexes of weather lines needing context: a city list after a header, or a run of city temperatures."""
    found: set[int] = set()
    in_widget = False
    for i, shape in enumerate(shapes):
        if shape in ("header", "unit"):
            in_widget = True
        elif in_widget and shape in ("city_temp", "city", "letter"):
            found.add(i)
        else:
            in_widget = False
    run: list[int] = []
    for i, shape in enumerate([*shapes, None]):
        if shape in ("city_temp", "city", "letter"):
            run.append(i)
            continue
        if sum(1 for j in run if shapes[j] == "city_temp") >= CITY_RUN_MIN:
            found.update(run)
        run = []
    return found
