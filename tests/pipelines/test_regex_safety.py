"""No regex of the cleaning core goes super-linear: a hostile line costs at most RATIO_LIMIT times the
cleaning of an ordinary paragraph of its length.

A fuzzing pass found lines that spun a cleaning worker for hours: "2024 2023 … 2015 Архив новостей" took
5 s in the weather-widget shape (each more year x4.7), 2 MB of date text 80 minutes in parse_date. All
bounds here are ratios measured on this machine, never absolute times; each timing is the best of a few.

Two nets, both built from tables so that what is added later is covered:

* every entry point (ENTRY_POINTS: the public functions that take a line or a text) on every hostile line
  (HOSTILE) at the lengths where the length guards switch and at 64 kB. The yardstick is cleaning an
  ordinary paragraph of the same length (real story text repeated), or the entry point itself on it when
  that costs more (a page text, a JSON-LD script): a predicate that rejects prose at its first word (a
  currency row, a weather line) would make any full reading of a widget-shaped line look 50x slower.
* every compiled pattern of the core's modules, found by walking them: matched against repeated units, its
  time must grow linearly with the length, as no backtracking blow-up does.
"""

from __future__ import annotations

import gc
import importlib
import math
import pkgutil
import re
import signal
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import pipelines
from crawler.profiles import PROFILES
from crawler.spiders.discovery import parse_card_date, repair_loc
from crawler.spiders.sitemaps import parse_w3c_datetime
from pipelines.blockpage import detect_block_page
from pipelines.boilerplate import MAX_CREDIT_CHARS, clean_paragraphs, is_photo_credit
from pipelines.dates import MAX_DATE_LENGTH, date_from_url, is_clock_line, parse_date
from pipelines.headline import is_byline, is_prose, looks_like_title
from pipelines.jsonld import load_json_ld
from pipelines.junk import (
    MAX_JUNK_LINE_CHARS,
    is_date_line,
    match_junk,
    match_line,
    read_also_follow,
    site_junk,
    strip_decor,
)
from pipelines.normalize import normalize_text
from pipelines.teasers import is_headline, is_teaser_label, teaser_start
from pipelines.textpage import split_text_page
from pipelines.titles import strip_site_name
from pipelines.verdict import REFRESH
from pipelines.widgets import SHORT_LINE_CHARS, WIDGET_MAX_CHARS, context_rules, is_currency, weather_shape

pytestmark = pytest.mark.slow

RATIO_LIMIT = 20  # the issue's bound: a hostile line may cost 20 ordinary paragraphs of its length
# Linear but heavy by design, with their own bound (measured 21-25x at 64 kB, 9x at 400 characters):
# mojibake goes through ftfy, and a word mixing Latin and Cyrillic letters is judged in Python.
HEAVY_LIMIT = 40
LONG_LINE_CHARS = 65536
LENGTHS = (SHORT_LINE_CHARS, MAX_JUNK_LINE_CHARS, LONG_LINE_CHARS)  # where the shapes stop and no line does
REPEATS = 3  # best of, for a ratio over half its bound: a lone run may have lost the CPU
BATCH_SECONDS = 0.001  # a timed batch lasts this long at least, for clock resolution (precision, no verdict)
GUARD = 5  # a run past GUARD x its bound is stopped (the old weather shape on 100 characters: hours)
SWEEP_CHARS = 1000
SWEEP_GROWTH = 4  # the sweep times each line at SWEEP_CHARS and at SWEEP_GROWTH times that
GROWTH_LIMIT = 3 * SWEEP_GROWTH  # linear growth with room for noise; a quadratic one is ~16

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)
REAL_TEXTS = Path(__file__).resolve().parent / "data" / "real_texts"
STORY = max(  # the longest story paragraph of the page texts: ordinary prose
    (line for path in sorted(REAL_TEXTS.glob("*.txt")) for line in path.read_text("utf-8").splitlines()),
    key=len,
)
TENGRINEWS = PROFILES["tengrinews"]
TENGRINEWS_JUNK = site_junk(TENGRINEWS.rules.junk)
ZONE = ZoneInfo(TENGRINEWS.rules.tz)

# Every public function of the core and of discovery that takes a line or a text.
ENTRY_POINTS: dict[str, Callable[[str], object]] = {
    "match_junk": match_junk,
    "match_line": lambda line: match_line(line, TENGRINEWS_JUNK),
    "strip_decor": strip_decor,
    "is_date_line": is_date_line,
    "read_also_follow": read_also_follow,
    "weather_shape": weather_shape,
    "is_currency": is_currency,
    "is_currency_after_widget": lambda line: is_currency(line, after_widget=True),
    "context_rules": lambda line: context_rules([line] * 3, [weather_shape(line)] * 3),
    "is_photo_credit": is_photo_credit,
    "clean_paragraphs_first": lambda line: clean_paragraphs([line, STORY], rules=TENGRINEWS.rules),
    "clean_paragraphs_last": lambda line: clean_paragraphs([STORY, line], title=line),
    "is_headline": is_headline,
    "is_teaser_label": is_teaser_label,
    "teaser_start": lambda line: teaser_start([STORY, line, line], lambda i: None),
    "looks_like_title": looks_like_title,
    "is_prose": is_prose,
    "is_byline": is_byline,
    "split_text_page": lambda line: split_text_page(f"{line}\n{STORY}\n{line}", now=NOW),
    "strip_site_name": lambda line: strip_site_name(line, ["Tengrinews"], "tengrinews.kz"),
    "normalize_text": normalize_text,
    "load_json_ld": load_json_ld,
    "parse_date": lambda line: parse_date(line, now=NOW),
    "parse_date_loose": lambda line: parse_date(line, now=NOW, strict=False),
    "is_clock_line": is_clock_line,
    "date_from_url": lambda line: date_from_url(f"https://tengrinews.kz/{line}", now=NOW),
    "parse_card_date": lambda line: parse_card_date(line, "ru", NOW, ZONE),
    "parse_w3c_datetime": lambda line: parse_w3c_datetime(line, ZONE),
    "repair_loc": repair_loc,
    "is_article_url": lambda line: [
        p.article_urls.is_article(f"https://{p.article_urls.hosts[0]}/{line}") for p in PROFILES.values()
    ],
    "meta_refresh": REFRESH.match,
    "detect_block_page": lambda line: detect_block_page(403, None, line),
}

# Hostile lines: (prefix, unit repeated to the length, end). Numbers and separators, widget, crumb, credit
# and notice shapes, markup, long words, mixed scripts; the end makes a line that almost fits a shape fail
# at its last character, the costly way for a backtracking pattern.
HOSTILE: dict[str, tuple[str, str, str]] = {
    "years": ("", "2024 ", "Архив"),  # the weather shape read "2024" as "20" + "24"
    "years_then_text": ("", "2024 2023 2022 2021 2020 2019 2018 2017 2016 2015 Архив новостей ", ""),
    "numbers_and_commas": ("", "1, ", "x"),
    "numbers_and_spaces": ("", "1 ", "x"),
    "digits": ("", "1", "x"),
    "decimals": ("", "1.5 ", "x"),
    "signed_numbers": ("", "+7 ", "x"),
    "percents": ("", "1% ", "x"),
    "dashes": ("", "- ", "x"),
    "colons": ("", ": ", "x"),
    "bare_colons": ("", ":", "x"),
    "pipes": ("", "| ", "x"),
    "dots": ("", ". ", ""),
    "spaces": ("", " ", "x"),
    "temperatures": ("", "13°C ", "Архив"),
    "cities": ("", "Алматы Астана Шымкент ", "!"),
    "city_temperatures": ("Погода: ", "Алматы -2 ", "!"),
    "currency_row": ("Курс валют: ", "usd 479.85 ", "x"),
    "clock_dates": ("", "24.08.2025, 15:10 ", "x"),
    "year_clocks": ("", "2024 12:30 ", "x"),
    "url_dates": ("", "2024/01/01/", ""),
    "crumbs": ("", "Новости » ", "!"),
    "short_crumbs": ("", "a » ", "!"),  # more ways to split a crumb line
    "home_crumbs": ("Главная", "/a", "|"),
    "view_counters": ("Просмотров: ", "1 ", "x"),
    "phone_numbers": ("Тел.: ", "+7 (1) ", "x"),
    "emails": ("E-mail: ", "a.b@c.", "!"),
    "source_credit": ("Источник: a", " .", "y"),
    "hyphenated_word": ("", "a-", "!"),  # an agency dateline's city name
    "reprint_notices": ("", "использование материалов ссылка обязательно ", ""),
    "follow_calls": ("", "Подпишитесь на канал telegram ", ""),
    "inline_read_also": ("", "Материал по теме ", ""),
    "embed_authors": ("Публикация от ", "a (@", "!"),
    "hashtags": ("", "#a ", "!"),
    "copyrights": ("", "© 2024 ", ""),
    "angle_brackets": ("", "<", ""),
    "open_tags": ("", "<a", ""),
    "quotes": ("", '"', ""),
    "open_brackets": ("", "[{(", ""),
    "json_arrays": ("", '{"a":[', ""),
    "long_cyrillic_word": ("", "а", ""),
    "long_latin_word": ("", "a", ""),
    "alternating_scripts": ("", "aя", ""),  # one long word
    "script_words": ("", "Almaty Алматы ", ""),
    "invisible": ("", "\u200b", ""),  # normalised to nothing
    "mixed_words": ("", "Aя ", ""),  # heavy: a Python judgement per word
    "mojibake": ("", "Ã©", ""),  # heavy: ftfy
}
HEAVY = frozenset({"mixed_words", "mojibake"})
# The issue's own lines and sizes, and lines at the caps of other shapes, besides HOSTILE at LENGTHS.
ISSUE_LINES: dict[str, str] = {
    "weather_years": "2024 2023 2022 2021 2020 2019 2018 2017 2016 2015 Архив новостей",
    "date_text_64k": ("24.08.2025, 15:10 " * 4000)[:LONG_LINE_CHARS],
    "years_x2000": "2024 " * 2000,
    "commas_x5000": "1, " * 5000,
    "dashes_x10000": "- " * 10000,
    "temperatures_x3000": "13°C " * 3000,
    "cities_x1000": "Алматы " * 1000,
    "angle_brackets_64k": "<" * LONG_LINE_CHARS,
    "date_line_at_cap": ("24 августа 2025 " * 10)[:MAX_DATE_LENGTH],
    "credit_at_cap": ("Фото: " + "a " * MAX_CREDIT_CHARS)[:MAX_CREDIT_CHARS],
    "currency_row_at_cap": ("Курс валют: " + "usd 479.85 " * 15)[: WIDGET_MAX_CHARS - 1] + "x",
    "numbers_at_widget_cap": ("1, " * WIDGET_MAX_CHARS)[: WIDGET_MAX_CHARS - 1] + "x",
}


class _TooSlow(Exception):
    """A timed run went past its guard."""


def _stop(*_: object) -> None:
    raise _TooSlow


def _batch(fn: Callable[[str], object], line: str, calls: int, guard: float | None = None) -> float:
    """Seconds for ``calls`` calls; inf when ``guard`` seconds pass first (a regex checks for signals).

    The cyclic GC is off meanwhile, as timeit does: a collection of the whole suite's heap is no cost of the
    line (late in a full run one took longer than a short line's guard)."""
    previous = signal.signal(signal.SIGALRM, _stop)
    collecting = gc.isenabled()
    gc.disable()
    if guard:
        signal.setitimer(signal.ITIMER_REAL, guard)
    try:
        start = time.perf_counter()
        for _ in range(calls):
            fn(line)
        return time.perf_counter() - start
    except _TooSlow:
        return float("inf")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if collecting:
            gc.enable()


def _calls(fn: Callable[[str], object], line: str) -> int:
    """Calls of ``fn`` on ``line`` that take BATCH_SECONDS at least (doubling, as timeit.autorange)."""
    calls = 1
    while _batch(fn, line, calls) < BATCH_SECONDS:
        calls *= 2
    return calls


def _fit(prefix: str, unit: str, size: int, end: str = "") -> str:
    """``prefix``, ``unit`` repeated and ``end``: ``size`` characters."""
    return (prefix + unit * (size // len(unit) + 1))[: size - len(end)] + end


def _clean(paragraph: str) -> object:
    """Cleaning one paragraph: the yardstick."""
    return clean_paragraphs([paragraph])


@cache
def _yardstick(entry: str, size: int) -> tuple[int, float]:
    """(calls, seconds): the calls of a batch lasting BATCH_SECONDS at least, and the yardstick's time for
    them, the larger of cleaning an ordinary paragraph of ``size`` characters and ``entry`` on it."""
    ordinary = _fit("", f"{STORY} ", size)
    per_call = 0.0
    for fn in (_clean, ENTRY_POINTS[entry]):
        calls = _calls(fn, ordinary)
        per_call = max(per_call, min(_batch(fn, ordinary, calls) for _ in range(REPEATS)) / calls)
    calls = math.ceil(BATCH_SECONDS / per_call)
    return calls, calls * per_call


def _ratio(entry: str, line: str, limit: float) -> float:
    """Time of ``entry`` on ``line`` over its yardstick; measured again, best of REPEATS, when over half
    the limit (a lone run may have lost the CPU)."""
    calls, yardstick = _yardstick(entry, len(line))
    fn, guard = ENTRY_POINTS[entry], GUARD * limit * yardstick
    ratio = _batch(fn, line, calls, guard) / yardstick
    if ratio > limit / 2:
        ratio = min(_batch(fn, line, calls, guard) for _ in range(REPEATS)) / yardstick
    return ratio


def _hostile_lines() -> Iterator[tuple[str, str]]:
    """(name, line) of every HOSTILE line at every length, and the issue's lines."""
    for name, (prefix, unit, end) in HOSTILE.items():
        for size in LENGTHS:
            yield name, _fit(prefix, unit, size, end)
    yield from ISSUE_LINES.items()


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_no_hostile_line_costs_more_than_ratio_limit(entry):
    normalize_text(STORY), ENTRY_POINTS[entry](STORY)  # warm caches (compiled patterns, lazy imports)
    slow = []
    for name, line in _hostile_lines():
        limit = HEAVY_LIMIT if name in HEAVY else RATIO_LIMIT
        if (ratio := _ratio(entry, line, limit)) > limit:
            slow.append(f"{name} ({len(line)} chars): {ratio:.1f}x")
    assert not slow, f"{entry} over its bound on: {', '.join(slow)}"


# --- every compiled pattern --------------------------------------------------------------------------------
SWEEP_MODULES = (
    *(module.name for module in pkgutil.walk_packages(pipelines.__path__, "pipelines.")),
    "crawler.spiders.discovery",
    "crawler.spiders.sitemaps",
    *(f"crawler.profiles.{name}" for name in ("shared", "kazinform", "tengrinews")),
)
# Units whose repetition drives backtracking: runs of numbers, separators, spaces and letters, markup. A
# line ends with a NUL, which no pattern takes: every pattern has to give up, the costly way to end.
SWEEP_UNITS = ("1 ", "2024 ", "2024 12:30 ", "a ", "- ", ", ", " ", "<a", "13°C ", "a » ", "a-")


def _patterns(value: object, depth: int = 0) -> Iterator[re.Pattern]:
    """Compiled patterns in a module attribute, looking into tuples, lists, sets and dicts."""
    if isinstance(value, re.Pattern):
        yield value
    elif depth < 3 and isinstance(value, tuple | list | set | frozenset):
        for item in value:
            yield from _patterns(item, depth + 1)
    elif depth < 3 and isinstance(value, dict):
        for item in value.values():
            yield from _patterns(item, depth + 1)


def _module_patterns() -> dict[str, re.Pattern]:
    """Every compiled pattern of SWEEP_MODULES by "module.attribute", and those the site profiles build."""
    found: dict[str, re.Pattern] = {}
    for module in SWEEP_MODULES:
        for attribute, value in vars(importlib.import_module(module)).items():
            for i, pattern in enumerate(_patterns(value)):
                found.setdefault(f"{module}.{attribute}[{i}]", pattern)
    for profile in PROFILES.values():
        rules = profile.article_urls
        for i, source in enumerate((*rules.include, *rules.exclude)):
            found[f"{profile.name}.article_urls[{i}]"] = re.compile(source)
        for i, (pattern, is_regex) in enumerate(site_junk(profile.rules.junk).patterns):
            if is_regex:
                found[f"{profile.name}.junk[{i}]"] = pattern
    return found


PATTERNS = _module_patterns()


def _growth(pattern: re.Pattern, unit: str, repeats: int) -> float:
    """Time of ``pattern.fullmatch`` on ``unit`` repeated to SWEEP_GROWTH x SWEEP_CHARS over that on
    SWEEP_CHARS (best of ``repeats``); each line ends with a NUL, so the pattern has to give up."""
    short, long = (_fit("", unit, size) + "\0" for size in (SWEEP_CHARS, SWEEP_GROWTH * SWEEP_CHARS))
    if isinstance(pattern.pattern, bytes):
        short, long = short.encode(), long.encode()
    calls = _calls(pattern.fullmatch, short)
    base = min(_batch(pattern.fullmatch, short, calls) for _ in range(repeats))
    guard = GUARD * GROWTH_LIMIT * base
    return min(_batch(pattern.fullmatch, long, calls, guard) for _ in range(repeats)) / base


@pytest.mark.parametrize("name", PATTERNS)
def test_every_pattern_grows_linearly(name):
    pattern, grown = PATTERNS[name], []
    for unit in SWEEP_UNITS:
        if (ratio := _growth(pattern, unit, 1)) > GROWTH_LIMIT / 2:
            ratio = _growth(pattern, unit, REPEATS)
        if ratio > GROWTH_LIMIT:
            grown.append(f"{unit!r}: x{ratio:.0f}")
    assert not grown, f"{pattern.pattern[:80]!r} grows faster than its input ({SWEEP_GROWTH}x) on {grown}"
