"""Widget and menu lines by shape: currency rows, weather lists, and runs of short menu labels."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipelines import rules as R
from pipelines.phrases import alternation, phrases, whole_pattern

SHORT_LINE_CHARS = 100  # a weather line is a city and a few values; a longer line is a sentence
WIDGET_MAX_CHARS = 160  # currency rows with 4-5 rates ("Currency rates: usd/kzt 447.9 eur/kzt 482.16 …")
CITY_RUN_MIN = 3  # city–temperature lines in a row that are a weather list even without a "Погода" header
CITY_PAIRS_MIN = 2  # a city and a bare temperature on separate lines: two pairs make a list
MENU_RUN_MIN = 3  # short label lines in a row that are a menu when half of them are known labels
MENU_LABEL_CHARS = 30  # "Арнайы жобалар", "Новости Казахстана"; menu entries are one to three words
MENU_LABEL_WORDS = 3

WEATHER_WIDGET = "weather_widget"
PAGE_CHROME = "page_chrome"

_DIGIT = re.compile(r"\d")
# A currency row is tokens between separators: labels, numbers ("479", "+0.04", "1.5%") and currency words.
# One regex checks the whole row (a story line fails at its first word) and three findall count its tokens:
# a Python loop over the tokens cost ~1.5 µs a token, 50x an ordinary line of the same length on "1, 1, …".
_SEP = r"[\s,;:()]"
_TOKEN_END = r"(?![^\s,;:()])"  # a token runs to the next separator
_LABEL = rf"(?:{alternation(R.CURRENCY_LABELS)})(?:(?:\s+[^\d\s:]+){{1,3}}\s*:|\s*:)?"
_NUMBER = r"[+\-−]?\d++(?:\.\d++)?+%?+"  # no "," inside: it separates tokens ("479,85" is two numbers)
_CURRENCY_ROW = re.compile(
    rf"(?:{_SEP}*+(?>{_LABEL}|{_NUMBER}{_TOKEN_END}|(?:{alternation(R.CURRENCY_TOKENS)}){_TOKEN_END}))*+{_SEP}*+",
    re.I,
)
_CURRENCY_LABEL = re.compile(rf"(?<![^\s,;:()]){_LABEL}", re.I)
_CURRENCY_TOKEN = re.compile(r"[^\s,;:()]++")
_CURRENCY_NUMBER = re.compile(rf"(?<![^\s,;:()]){_NUMBER}{_TOKEN_END}")
_CITY = alternation(R.KZ_CITIES)
# "13°C", "+28℃", and uakytnews.kz "-24 C" without the degree sign; a bare number ends before a non-digit
_TEMP = r"[+\-−]?\d{1,2}(?:[.,]\d)?(?:\s*(?:°\s*(?:[CСF](?![^\W\d_]))?|℃|[CС](?!\w))|(?!\d))"
_WEATHER_VALUE = "|".join(R.WEATHER_VALUE_PATTERNS)
# Each value is one atomic token that never ends before a digit: read as the temperatures "20" + "24", a
# line of years ("2024 2023 … 2015 Архив новостей") split every number every way: 5 s for ten years.
_WEATHER_ONLY = re.compile(rf"(?:[\s,;:|/]*+(?>{_WEATHER_VALUE}|{_CITY}|{_TEMP}))++[\s.]*+", re.I)
_WEATHER_UNIT = re.compile(r"°|℃|hPa|гПа|мм\s*рт|mm\s*Hg|%|м/с|m/s|\d\s*[CС](?!\w)", re.I)
_WEATHER_LABEL = re.compile(rf"(?:{alternation(R.WEATHER_LABELS)})\s*:?\s*", re.I)
_WEATHER_PLACE = re.compile(r"(?:в|во|на|in)\s+[^\W\d_][\w\-]*\s*:?\s*", re.I)  # "Погода в Астане"
_CITY_ONLY = re.compile(rf"(?:{_CITY})", re.I)
_LETTER_ONLY = re.compile(r"[^\W\d_]")
_SIGNED_TEMP = re.compile(r"[+\-−]\d{1,2}(?:[.,]\d)?")  # "+12" under a city name: a temperature, no unit
_LIST_SHAPES = ("city_temp", "city", "letter", "temp", "unit")

_KNOWN_LABEL = whole_pattern(
    R.SECTION_LABELS, R.TEASER_LABELS, R.READ_ALSO_LISTS, R.PAGE_CHROME_WHOLE, R.SHARE_SOCIAL_WHOLE
)


def is_currency(line: str, after_widget: bool = False) -> bool:
    """Only a label, numbers and currency tokens: "501.24 course down 597.92 course down 6.64 course up"."""
    if len(line) > WIDGET_MAX_CHARS or not _CURRENCY_ROW.fullmatch(line):
        return False
    if _CURRENCY_LABEL.search(line):
        return True
    numbers = _CURRENCY_NUMBER.findall(line)
    if after_widget:
        return bool(numbers)
    decimals = sum("." in number for number in numbers)
    units = len(_CURRENCY_TOKEN.findall(line)) - len(numbers)
    # "USD 479.85": one rate row of a widget that prints a currency a line (kazpravda-style headers)
    return (len(numbers) >= 2 and (units > 0 or decimals >= 2)) or (units > 0 and decimals > 0)


def weather_shape(line: str) -> str | None:
    """'header' (label [+ values]), 'unit' (values with °/C/hPa), 'city_temp', 'city', 'temp', 'letter'."""
    if len(line) > SHORT_LINE_CHARS:
        return None
    if label := _WEATHER_LABEL.match(line):
        rest = line[label.end() :]
        if place := _WEATHER_PLACE.match(rest):
            rest = rest[place.end() :]
        return "header" if not rest or _WEATHER_ONLY.fullmatch(rest) else None
    if _DIGIT.search(line) and _WEATHER_ONLY.fullmatch(line):
        if _WEATHER_UNIT.search(line):
            return "unit"
        if _CITY_ONLY.search(line):
            return "city_temp"
        return "temp" if _SIGNED_TEMP.fullmatch(line) else None
    if _CITY_ONLY.fullmatch(line):
        return "city"
    return "letter" if _LETTER_ONLY.fullmatch(line) else None


def weather_lines(shapes: Sequence[str | None]) -> set[int]:
    """Indexes of weather lines needing context: a city list after a header, or a run of cities and values.

    A run is a weather list when it has CITY_RUN_MIN city temperatures ("Алматы -2"), a city next to a
    value with a unit ("Nur-Sultan" / "-24 C"), or CITY_PAIRS_MIN cities and bare temperatures ("+12").
    """
    found: set[int] = set()
    in_widget = False
    for i, shape in enumerate(shapes):
        if shape in ("header", "unit"):
            in_widget = True
        elif in_widget and shape in _LIST_SHAPES:
            found.add(i)
        else:
            in_widget = False
    run: list[int] = []
    for i, shape in enumerate([*shapes, None]):
        if shape in _LIST_SHAPES:
            run.append(i)
            continue
        if not run:
            continue
        kinds = [shapes[j] for j in run]
        cities = kinds.count("city") + kinds.count("city_temp")
        if (
            kinds.count("city_temp") >= CITY_RUN_MIN
            or (cities and "unit" in kinds)
            or (cities >= CITY_PAIRS_MIN and kinds.count("temp") >= CITY_PAIRS_MIN)
        ):
            found.update(run)
        run = []
    return found


def menu_lines(texts: Sequence[str]) -> set[int]:
    """Indexes of menu entries: MENU_RUN_MIN+ short label lines in a row, half of them known labels.

    The known labels (rules.SECTION_LABELS, TEASER_LABELS, ...) vouch for the unknown ones beside them
    ("Руханият" between "Қоғам" and "Спорт"); a list of names or short story lines has no known label.
    """
    found: set[int] = set()
    run: list[int] = []
    for i, text in enumerate([*texts, ""]):
        if len(text) <= MENU_LABEL_CHARS and text[:1].isupper() and _is_menu_label(text):
            run.append(i)
            continue
        # known labels are looked up only for a run long enough to be a menu (most runs are one line)
        if len(run) >= MENU_RUN_MIN and 2 * sum(
            _KNOWN_LABEL.fullmatch(texts[j]) is not None for j in run
        ) >= len(run):
            found.update(run)
        run = []
    return found


def _is_menu_label(text: str) -> bool:
    """One to MENU_LABEL_WORDS words of letters ("Арнайы жобалар", "Ел аузында")."""
    words = text.split(" ")
    return len(words) <= MENU_LABEL_WORDS and all(w.replace("-", "").isalpha() for w in words)


def context_rules(texts: Sequence[str], shapes: Sequence[str | None]) -> dict[int, str]:
    """Rules of lines that are junk only among their neighbours: weather lists, then menu runs."""
    rules = dict.fromkeys(menu_lines(texts), PAGE_CHROME)
    rules.update(dict.fromkeys(weather_lines(shapes), WEATHER_WIDGET))
    return rules


def label_words() -> frozenset[str]:
    """Words of the section and home labels: a short line made only of them is a flattened menu (not the
    teaser labels: "Последние новости" alone may be a story's subhead)."""
    labels = (*phrases(R.SECTION_LABELS), *R.BREADCRUMB_HOMES)
    return frozenset(word.casefold() for label in labels for word in label.split())
