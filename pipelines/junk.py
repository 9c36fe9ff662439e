"""Judge one line on its own: the junk rule of pipelines/rules.py it falls under, or None for story text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipelines import dates_data as D
from pipelines import rules as R
from pipelines.normalize import normalize_text
from pipelines.options import DEFAULT_RULES, SiteRules
from pipelines.phrases import alternation, phrases, prefix_pattern, whole_pattern
from pipelines.widgets import (
    PAGE_CHROME,
    SHORT_LINE_CHARS,
    WEATHER_WIDGET,
    WIDGET_MAX_CHARS,
    is_currency,
    label_words,
    weather_shape,
)

NAV_LINE_CHARS = 40  # "Редакция Реклама", "ру қз qz 中文": a handful of short words
MAX_JUNK_LINE_CHARS = 400  # longest START junk seen: the Tengri Auto promo (~300); longer lines are story
READ_ALSO_LIST_MAX = 10  # headline lines taken after a "Новости по теме" list header
GLUED_LABEL_CHARS = 40  # "BasNewsЖаңалықтар": a brand and a menu label printed without a space
DECOR_MAX_CHARS = 32  # longest decoration seen: a 30-"=" separator line; a longer run of marks holds no text

# Rule names, as recorded in CleanedBody.removed (and stats keys downstream).
CURRENCY_WIDGET = "currency_widget"
SHARE_SOCIAL = "share_social"
SOCIAL_EMBED = "social_embed"
READ_ALSO = "read_also"
DATE_LINE = "date_line"
PROMO = "promo"
SITE_JUNK = "site_junk"
DUPLICATE_TITLE = "duplicate_title"
DUPLICATE_PARAGRAPH = "duplicate_paragraph"
PHOTO_CREDIT = "photo_credit"
SOURCE_CREDIT = "source_credit"
DATELINE = "dateline"

_DECOR = re.compile(r"^[^\w$€₽₸£¥+\-−]+")  # "|| Фото …", "👉 Подписывайтесь …", "* Банковская …"
_DIGIT = re.compile(r"\d")

# One anchored match per line and family kind; the named group that matched is the rule.
_START_ANY = re.compile(
    rf"(?P<{PROMO}>{alternation(R.PROMO_START)})|(?P<{SHARE_SOCIAL}>{alternation(R.SHARE_SOCIAL_START)})"
    rf"|(?P<{SOCIAL_EMBED}>{alternation(R.SOCIAL_EMBED_START)})|(?P<{READ_ALSO}>{alternation(R.READ_ALSO_START)})"
    rf"|(?P<{PAGE_CHROME}>{alternation(R.PAGE_CHROME_START)})",
    re.I,
)
# A whole-line label may carry a counter: "Пікірлер (3)", "Поделиться 12".
_WHOLE_ANY = re.compile(
    rf"(?:(?P<{SHARE_SOCIAL}>{alternation(R.SHARE_SOCIAL_WHOLE, R.SOCIAL_NETWORKS)})"
    rf"|(?P<{READ_ALSO}>{alternation(R.READ_ALSO_LISTS)})"
    rf"|(?P<{PAGE_CHROME}>{alternation(R.PAGE_CHROME_WHOLE, R.SECTION_LABELS, R.SITE_NAMES, R.AGENCIES)}))"
    r"[\W_]*+(?:\d[\d\s]*+[\W_]*+)?",
    re.I,
)
_SHORT_ANY = re.compile(
    rf"(?P<{SHARE_SOCIAL}>{alternation(R.SHARE_SOCIAL_SHORT)})|(?P<{PAGE_CHROME}>{alternation(R.PAGE_CHROME_SHORT)})",
    re.I,
)
_SHARE_INSIDE = prefix_pattern(R.SHARE_SOCIAL_INSIDE)
# Calls opening the line are matched at its start, calls ending it searched in its last characters only.
_CALL_START = re.compile("|".join(p for p in phrases(R.SUBSCRIBE_CALLS) if p.startswith("^")), re.I)
_CALL_END = re.compile("|".join(p for p in phrases(R.SUBSCRIBE_CALLS) if p.endswith("$")), re.I)
# INSIDE phrases are searched only after a plain substring test (a case-insensitive regex search costs
# ~7 µs per paragraph, the substring test ~0.3 µs); the first letter is dropped to allow either case.
_PROMO_INSIDE_HINTS = tuple(p[1:] for p in R.PROMO_INSIDE)
_PROMO_INSIDE = prefix_pattern(R.PROMO_INSIDE)
_EMBED_AUTHOR = re.compile(rf"{R.SOCIAL_EMBED_AUTHOR}[\W_]*", re.I)
_READ_ALSO_BARE = whole_pattern(R.READ_ALSO_START)
_READ_ALSO_LIST = whole_pattern(R.READ_ALSO_LISTS)
# Breadcrumbs: a crumb holds no separator, so where one ends is never in doubt (when a crumb could swallow
# " » " or "/", a failing 100-character line tried every split of its crumbs: seconds). After a home label
# a "/" inside a word ("Covid/коронавирус") stays in its crumb, one beside a space separates.
_CRUMB = r"(?:[^>.!?\s]|\s(?![>»→]\s)){1,60}+"
_HOME_CRUMB = r"(?:[^>»→|/]|(?<!\s)/(?!\s)){1,60}+"
_CHROME_SHAPES = re.compile(
    rf"(?:{R.VIEW_COUNTER})|(?:{R.READING_TIME})|(?:{R.PHONE_LINE})|(?:{R.EMAIL_LINE})[\s.]*+"
    rf"|(?:{alternation(R.BREADCRUMB_HOMES)})\s*(?:[>»/→|]\s*{_HOME_CRUMB}){{1,6}}+"  # "Main Page > News"
    rf"|{_CRUMB}(?:\s[>»→]\s{_CRUMB}){{2,}}+",  # any 3+ crumbs joined by " > "
    re.I,
)
_SHAPE_HINT = re.compile(r"[\d>»→/|@]")  # every _CHROME_SHAPES line has a digit, crumb separator or "@"
_NAV_WORDS = frozenset(R.NAV_WORDS) | label_words()
_LANGUAGE_WORDS = frozenset(R.LANGUAGE_SWITCH_WORDS)
_WORD_SPLIT = re.compile(r"[\s|/·•]+")
_NOTICES = tuple(
    (anchor, re.compile(pattern, re.I))
    for table in (R.REPRINT_NOTICES, R.FOOTER_NOTICES)
    for group in table.values()
    for anchor, pattern in group
)
_NOTICE_ANCHORS = tuple(sorted({anchor for anchor, _ in _NOTICES}))  # ~1 µs a line for all of them
_COPYRIGHT = re.compile(R.COPYRIGHT_LINE, re.I)
# A Latin brand glued to a Cyrillic menu label ("BasNewsЖаңалықтар"): one word of two scripts with a
# capital where they meet. One-script words with a capital inside ("watchOS", "ҚазАқпарат") are names.
_GLUED_LABEL = re.compile(r"[A-Za-z][\w.\-]*[a-z0-9.][А-ЯЁӘҒҚҢӨҰҮҺІ][а-яёәғқңөұүһі]+")
_HASHTAGS = re.compile(r"#[^\W_][\w\-]*(?:[\s,]+#[^\W_][\w\-]*)*")  # "#Астана #мектеп" tag rows
# Site slogans (rules.py SITE_SLOGAN): case matters for the place names only, so the pattern is compiled
# without re.I and its fixed words carry their own (?i:); every repeat is possessive (no backtracking).
_PLACE_WORD = rf"(?i:{alternation(R.SLOGAN_PLACE_WORDS)})"
_PLACE = rf"(?:[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w\-]*+(?:\s++{_PLACE_WORD})?+|{_PLACE_WORD})"
_JOIN = rf"(?:\s*+,\s*+|\s++(?i:{alternation(R.SLOGAN_JOINS)})\s++)"
_PLACES = rf"{_PLACE}(?:{_JOIN}{_PLACE}){{0,{R.SLOGAN_MAX_PLACES}}}+"
_ONE_SLOGAN = (
    rf"(?:(?i:{alternation(R.SLOGAN_ADJECTIVES)})\s++)?+(?i:{alternation(R.SLOGAN_NEWS_FIRST)})\s++{_PLACES}"
    rf"|{_PLACES}\s++(?i:{alternation(R.SLOGAN_NEWS_LAST)})"
)
_SLOGAN = re.compile(rf"(?:{_ONE_SLOGAN})(?:\s*+[/|]\s*+(?:{_ONE_SLOGAN}))?+")

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
    """The line without leading bullets, pipes, stars and emoji ("|| Фото …" → "Фото …"); "" when they run
    past DECOR_MAX_CHARS (a separator line)."""
    decor = _DECOR.match(line, 0, DECOR_MAX_CHARS + 1)
    if decor is None:
        return line
    return "" if decor.end() > DECOR_MAX_CHARS else line[decor.end() :]


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
    if size <= R.SUBSCRIBE_CALL_CHARS and _is_subscribe_call(core):
        return SHARE_SOCIAL
    if size <= R.NOTICE_MAX_CHARS and (_COPYRIGHT.match(line) or _is_notice(line)):
        return PAGE_CHROME
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
    if " " not in line and len(line) <= GLUED_LABEL_CHARS and _GLUED_LABEL.fullmatch(line):
        return PAGE_CHROME
    if line.startswith("#") and _HASHTAGS.fullmatch(line):
        return PAGE_CHROME
    if _SLOGAN.fullmatch(core):  # "Новости Актау и Мангыстау": the outlet's places, no story
        return PAGE_CHROME
    if len(line) <= NAV_LINE_CHARS:
        words = [w for w in _WORD_SPLIT.split(line.casefold()) if w]
        if all(w in _LANGUAGE_WORDS for w in words):  # "Рус Қаз Eng", or one switcher entry a line ("Қаз")
            return PAGE_CHROME
        if len(words) >= 2 and all(w in _NAV_WORDS for w in words):
            return PAGE_CHROME
    return None


def _is_notice(line: str) -> bool:
    """A reprint, copyright or disclaimer notice (rules.REPRINT_NOTICES, FOOTER_NOTICES) in the line."""
    for anchor in _NOTICE_ANCHORS:  # a plain loop: a third cheaper than any() over a generator
        if anchor in line:
            break
    else:
        return False
    return any(word in line and pattern.search(line) for word, pattern in _NOTICES)


def _is_subscribe_call(core: str) -> bool:
    """A call to follow the outlet on a channel (rules.SUBSCRIBE_CALLS)."""
    if _CALL_START.match(core):
        return True
    tail = max(0, len(core) - R.SUBSCRIBE_TAIL_CHARS)
    if not any(ending in core[tail:] for ending in R.SUBSCRIBE_KK_ENDINGS):
        return False
    return _CALL_END.search(core, tail) is not None
