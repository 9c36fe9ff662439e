"""Paragraph and document language identification: kk (Cyrillic and Latin), ru, en and their look-alikes.

Cheap signals decide almost every paragraph: the Cyrillic letters each language adds to the Russian alphabet,
the Kazakh Latin diacritics, and short lists of function words. Lingua (which really knows kk, ru and en)
decides only what they leave open (once per document and candidate set), so a 30-paragraph page costs
about a millisecond (bench/language_speed.py). Letters, words and languages are DATA in language_data.py.

Lingua 2.1 knows Kazakh but not Kyrgyz, Uzbek, Tatar, Bashkir or Tajik, nor Kazakh in Latin script (it
calls it Turkish or Azerbaijani): those are told apart by alphabet and function words *before* Lingua runs.
"""

from __future__ import annotations

import logging
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache

from lingua import LanguageDetector, LanguageDetectorBuilder

from pipelines.language_data import (
    APOSTROPHES,
    CYRILLIC_EXTRA_SETS,
    CYRILLIC_MISSING,
    CYRILLIC_SPECIAL,
    EN_FUNCTION_WORDS,
    FUNCTION_WORDS,
    KK_APOSTROPHE_LETTERS,
    KK_ARABIC_LETTERS,
    KK_LATIN_ACUTES,
    KK_LATIN_DOTLESS,
    KK_LATIN_ONLY,
    LATIN_FUNCTION_WORDS,
    LINGUA_LANGUAGES,
    OTHER_SCRIPTS,
    RUSSIAN_ONLY,
    RUSSIAN_ONLY_WORDS,
    SPELLING_MARKERS,
    TIE_ORDER,
    UZ_APOSTROPHE_LETTERS,
    WORD,
)

logger = logging.getLogger(__name__)

# --- Tuned numbers ----------------------------------------------------------------------------------------
# Paragraphs with fewer letters ("Фото: Kazinform", "Оқи отырыңыз") cannot be identified and do not vote
# unless the whole document is that short.
MIN_VOTE_LETTERS = 20
# Share of special letters (beyond Russian's 33) in the lower-case words of a Cyrillic paragraph above which
# they decide alone. Measured on tests/pipelines/data/lang_paragraphs.jsonl: Kazakh 0.036-0.23 (under 0.08
# only paragraphs quoting Russian), Tatar 0.025+, Kyrgyz and Uzbek 0.01+, Russian 0.0 even when it names
# "Қасым-Жомарт Тоқаев" or «Нұрсәт» (capitalised words are left out for that reason), but 0.036 for
# "парк «үлкен бақ»". Below this, Lingua (kk against ru) or Russian function words (others) decide.
MIN_SPECIAL_DENSITY = 0.05
# Special letters outside a language's alphabet it may still contain (a quoted word, a foreign name), as a
# share of all its special letters, before that language stops being a candidate.
FOREIGN_LETTER_TOLERANCE = 0.1
# English fast path: share of words from EN_FUNCTION_WORDS; English news runs at 0.25-0.45, while German,
# Italian or Turkish text hardly reaches 0.06 with this list (their "in" and "a" alone).
MIN_EN_FUNCTION_SHARE = 0.15
# Lingua sees at most this many characters of a paragraph: its accuracy is flat past ~120 and time is linear.
LINGUA_MAX_CHARS = 400
# The cheap signals read at most this many characters of a paragraph (time is linear: ~0.1 us a character);
# a longer paragraph's letter count is extrapolated from them. Real paragraphs run 150-600 characters, but
# an extractor sometimes hands over a whole article as one.
SAMPLE_CHARS = 1000
PARAGRAPH_CACHE_SIZE = 8192  # site furniture repeats on every page of a site

_LINGUA_ALL = tuple(language.iso_code_639_1.name.lower() for language in LINGUA_LANGUAGES)
_LINGUA_CODES = frozenset(_LINGUA_ALL)
_LINGUA_CYRILLIC = ("kk", "ru", "uk", "be", "bg", "mk", "sr", "mn")
# What the cheap signals say of a paragraph: a language code, None (no language), or the codes among which
# Lingua must choose.
Verdict = str | tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """A document's language, script and each language's share of its letters."""

    lang: str | None  # ISO 639-1; None when there is no text
    script: str | None  # ISO 15924: Cyrl, Latn, Arab, Hani ...
    shares: Mapping[str, float] = field(default_factory=dict)  # sums to 1 when lang is not None


@cache
def _detector() -> LanguageDetector:
    """The Lingua detector, built on first use (low accuracy mode: trigram models, ~0.2 ms a paragraph)."""
    logger.debug("building the Lingua detector for %d languages", len(LINGUA_LANGUAGES))
    return LanguageDetectorBuilder.from_languages(*LINGUA_LANGUAGES).with_low_accuracy_mode().build()


def _lingua(text: str, allowed: Sequence[str]) -> str | None:
    """Lingua's most likely language for ``text`` among the ``allowed`` ISO codes."""
    values = _detector().compute_language_confidence_values(text[:LINGUA_MAX_CHARS])
    for value in values:
        code = value.language.iso_code_639_1.name.lower()
        if value.value > 0 and code in allowed:
            return code
    return None


def _hits(words: Sequence[str], vocabulary: frozenset[str]) -> int:
    return sum(word in vocabulary for word in words)


def _evidence(lang: str, words: Sequence[str], lowered: str) -> int:
    """Function-word hits of ``lang`` in lower-cased ``words`` (plus Kyrgyz spelling markers)."""
    hits = _hits(words, FUNCTION_WORDS.get(lang, frozenset()))
    if lang in SPELLING_MARKERS:
        hits += len(SPELLING_MARKERS[lang].findall(lowered))
    return hits


def _detect_plain_cyrillic(text: str, lowered: str, words: Sequence[str]) -> Verdict:
    """Language of Cyrillic text with no special letter in its common words (ru, bg, sr, mk, terse Turkic).

    ``words`` are as written: the Russian fast path looks for lower-case function words only.
    """
    has_russian_letters = RUSSIAN_ONLY.search(lowered) is not None
    if not RUSSIAN_ONLY_WORDS.isdisjoint(words) or (
        has_russian_letters and not FUNCTION_WORDS["ru"].isdisjoint(words)
    ):
        return "ru"
    words = [word.lower() for word in words]
    russian = _hits(words, FUNCTION_WORDS["ru"])
    # Kyrgyz can go a sentence without ң ө ү ("... Бишкекте инвесторлор менен жолугушту"); one hit is not
    # enough ("сообщает" has a Kyrgyz-looking "оо").
    lang, hits = max(
        ((lang, _evidence(lang, words, lowered)) for lang in FUNCTION_WORDS if lang != "ru"),
        key=lambda item: item[1],
    )
    if hits >= 2 and hits > russian:
        return lang
    if has_russian_letters:  # ы/э: not bg, sr, mk, uk
        return "ru"
    return ("ru", "bg", "sr", "mk", "uk")


def _break_tie(tied: list[str], text: str, lowered: str, words: Sequence[str]) -> Verdict:
    """One of several languages whose alphabets fit the paragraph's special letters equally well."""
    evidence = {lang: _evidence(lang, words, lowered) for lang in tied}
    if "mn" in tied and evidence["mn"] <= max((n for lang, n in evidence.items() if lang != "mn"), default=0):
        # ө ү alone fit Mongolian too: only clear Mongolian evidence makes it so (Lingua cannot help here,
        # it calls Kyrgyz Mongolian).
        tied.remove("mn")
    tied.sort(key=lambda lang: (-evidence[lang], TIE_ORDER.index(lang)))
    first, second = tied[0], tied[1] if len(tied) > 1 else None
    if second and evidence[first] == evidence[second] and {first, second} <= _LINGUA_CODES:
        return tuple(lang for lang in tied if lang in _LINGUA_CODES)
    return first


@lru_cache(maxsize=1024)
def _alphabet_fit(used: frozenset[str]) -> tuple[tuple[str, str, str], ...]:
    """(language, used special letters outside its alphabet, Russian letters it lacks) per candidate."""
    return tuple(
        (lang, "".join(sorted(used - extra)), CYRILLIC_MISSING.get(lang, ""))
        for lang, extra in CYRILLIC_EXTRA_SETS.items()
        if not extra.isdisjoint(used)
    )


def _detect_cyrillic(text: str, words: Sequence[str]) -> Verdict:
    """Language of a mostly Cyrillic paragraph, from the special letters of its lower-case words."""
    lowered = text.lower()
    if not CYRILLIC_SPECIAL.search(lowered):
        return _detect_plain_cyrillic(text, lowered, words)
    common = " ".join([word for word in words if word[0].islower()])
    if len(common) < MIN_VOTE_LETTERS:  # a headline in capitals or Title Case: use every word
        common = lowered
    special = CYRILLIC_SPECIAL.findall(common)
    if not special:
        return _detect_plain_cyrillic(text, lowered, words)
    total = len(special)
    fit = _alphabet_fit(frozenset(special))
    tied = [lang for lang, outside, missing in fit if not outside and not any(ch in common for ch in missing)]
    if not tied:  # no alphabet holds every special letter: count the misfits
        tolerance = FOREIGN_LETTER_TOLERANCE * total
        counts = Counter(special)
        candidates: dict[str, int] = {}
        for lang, outside, missing in fit:
            foreign = sum(counts[ch] for ch in outside) + sum(common.count(ch) for ch in missing)
            if foreign <= tolerance:
                candidates[lang] = foreign
        if not candidates:
            return _LINGUA_CYRILLIC
        best = min(candidates.values())
        tied = [lang for lang, foreign in candidates.items() if foreign == best]
    dense = total >= MIN_SPECIAL_DENSITY * len(common)
    if len(tied) == 1 and dense:
        return tied[0]
    lowered_words = [word.lower() for word in words]
    lang = tied[0] if len(tied) == 1 else _break_tie(tied, text, lowered, lowered_words)
    if isinstance(lang, str) and not dense:
        # A few special letters: Russian text with a Kazakh word in it, or Kazakh text quoting Russian?
        if lang in _LINGUA_CODES:
            return (lang, "ru")
        if _hits(lowered_words, FUNCTION_WORDS["ru"]) > _evidence(lang, lowered_words, lowered):
            return "ru"
    return lang


def _detect_latin(text: str, words: Sequence[str]) -> Verdict:
    """Language of a mostly Latin paragraph: Kazakh and Uzbek Latin by signals, English fast, else Lingua."""
    lowered = text.lower()
    if "\u0301" in lowered:  # decomposed acutes (g + U+0301) -> precomposed ǵ
        lowered = unicodedata.normalize("NFC", lowered)
    lowered = APOSTROPHES.sub("ʻ", lowered)
    if KK_LATIN_DOTLESS in lowered and (
        KK_LATIN_ACUTES.search(lowered) or ("q" in lowered and "ə" not in lowered)
    ):
        return "kk"  # ı with acutes, or ı with q: Turkish has no q, Azerbaijani writes ə
    if KK_LATIN_ONLY in lowered:
        return "kk"
    words = [word.lower() for word in words]  # as written: an ASCII apostrophe splits "o'zbekiston"
    kk_words = _hits(words, LATIN_FUNCTION_WORDS["kk"])
    uz_words = _hits(words, LATIN_FUNCTION_WORDS["uz"])
    if "q" in lowered and len(KK_APOSTROPHE_LETTERS.findall(lowered)) >= 2 and kk_words >= uz_words:
        return "kk"
    english = _hits(words, EN_FUNCTION_WORDS)
    if english >= 2 and english >= MIN_EN_FUNCTION_SHARE * len(words):
        return "en"
    if "q" in lowered and kk_words >= 2 + uz_words:
        return "kk"
    uz_letters = len(UZ_APOSTROPHE_LETTERS.findall(lowered))
    # oʻ/gʻ with q and without Azerbaijani ə is Uzbek ("Toshkentda oʻtgan xalqaro ...")
    if (
        uz_words >= 2
        or (uz_letters and (uz_words or ("q" in lowered and "ə" not in lowered)))
        or uz_letters >= 2
    ):
        return "uz"
    return _LINGUA_ALL


@lru_cache(maxsize=PARAGRAPH_CACHE_SIZE)
def _analyse(paragraph: str, min_letters: int = 1) -> tuple[Verdict, str | None, int]:
    """(verdict, script, letter count) of one paragraph; not identified below ``min_letters`` letters."""
    text = paragraph[:SAMPLE_CHARS]
    words = WORD.findall(text)  # one regex pass; scripts are counted per word, by its first letter
    letters = sum(map(len, words))
    if letters < min_letters:
        return None, None, letters
    verdict, script = _identify(text, words, letters)
    if len(text) < len(paragraph):
        letters = letters * len(paragraph) // len(text)
    return verdict, script, letters


def _identify(text: str, words: Sequence[str], letters: int) -> tuple[Verdict, str | None]:
    """(verdict, script) of ``text`` whose ``words`` hold ``letters`` letters."""
    cyrillic = sum(len(word) for word in words if "\u0400" <= word[0] <= "\u052f")
    latin = sum(len(word) for word in words if word[0] <= "\u024f" or "\u1e00" <= word[0] <= "\u1eff")
    if 2 * (cyrillic + latin) >= letters:
        if cyrillic >= latin:
            return _detect_cyrillic(text, words), "Cyrl"
        return _detect_latin(text, words), "Latn"
    for script, pattern, lang in OTHER_SCRIPTS:
        if pattern.search(text):
            if script == "Arab" and KK_ARABIC_LETTERS.search(text):
                return "kk", script
            return (lang or _LINGUA_ALL), script
    return _LINGUA_ALL, None


def detect_paragraph(text: str) -> tuple[str | None, str | None]:
    """Language and script of one paragraph.

    Returns:
        (ISO 639-1 code, ISO 15924 script), e.g. ("kk", "Cyrl"), ("kk", "Latn"), ("ru", "Cyrl");
        (None, None) when the text has no letters.
    """
    verdict, script, _ = _analyse(text)
    if isinstance(verdict, tuple):
        return _lingua(text[:SAMPLE_CHARS], verdict), script
    return verdict, script


def detect_language(paragraphs: Sequence[str]) -> LanguageGuess:
    """Document language: the language with the largest share of letters over its paragraphs.

    Each paragraph votes with its letter count; paragraphs under MIN_VOTE_LETTERS letters vote only when the
    whole document is that short (then joined into one). A Kazakh story quoting Russian comes out as
    ``LanguageGuess("kk", "Cyrl", {"kk": 0.8, "ru": 0.2})``.
    """
    results = [(paragraph, *_analyse(paragraph, MIN_VOTE_LETTERS)) for paragraph in paragraphs]
    voters = [result for result in results if result[3] >= MIN_VOTE_LETTERS]
    if not voters and any(letters for *_, letters in results):
        joined = " ".join(paragraphs)
        voters = [(joined, *_analyse(joined))]
    letters_by_lang: Counter[str] = Counter()
    letters_by_script: dict[str, Counter[str]] = {}
    pending: dict[tuple[tuple[str, ...], str | None], list[tuple[str, int]]] = {}
    for paragraph, verdict, script, n in voters:
        if isinstance(verdict, tuple):  # Lingua must choose: once per group, not once per paragraph
            pending.setdefault((verdict, script), []).append((paragraph, n))
        elif verdict is not None:
            letters_by_lang[verdict] += n
            letters_by_script.setdefault(verdict, Counter())[script or "Zyyy"] += n
    for (allowed, script), group in pending.items():
        lang = _lingua(" ".join(paragraph[:LINGUA_MAX_CHARS] for paragraph, _ in group), allowed)
        if lang is not None:
            letters_by_lang[lang] += sum(n for _, n in group)
            letters_by_script.setdefault(lang, Counter())[script or "Zyyy"] += sum(n for _, n in group)
    if not letters_by_lang:
        return LanguageGuess(None, None, {})
    total = sum(letters_by_lang.values())
    lang = letters_by_lang.most_common(1)[0][0]
    script = letters_by_script[lang].most_common(1)[0][0]
    shares = {code: n / total for code, n in letters_by_lang.most_common()}
    return LanguageGuess(lang, None if script == "Zyyy" else script, shares)
