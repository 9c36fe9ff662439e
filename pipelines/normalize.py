"""Normalise one paragraph: NFC, whitespace, safe mojibake repair (ftfy), Latin look-alikes in Cyrillic."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ftfy import TextFixerConfig, fix_text

REPLACEMENT_CHAR = "\ufffd"

# ftfy only where it cannot invent text: no HTML unescaping (extracted text is already unescaped, a literal
# "&amp;" is content), quotes and full-width forms left as written (cn.inform.kz), no ligature folding.
# Mojibake repair (UTF-8 read as cp1251 / latin-1 / cp1252), C1 controls, surrogates and terminal escapes are
# fixed; "\ufffd" is never guessed back (replace_lossy_sequences only *marks* a lossy run with "\ufffd").
FTFY_CONFIG = TextFixerConfig(
    unescape_html=False,
    uncurl_quotes=False,
    fix_character_width=False,
    fix_latin_ligatures=False,
    normalization="NFC",
    explain=False,
)

# ftfy.fix_text costs ~300 µs on a 350-char Cyrillic paragraph (its badness regex), i.e. ~12 ms for a page;
# it runs only when a mojibake signature is present. The signature regex itself is slow on long text, so a
# one-class scan for characters that mojibake produces and kk/ru/en reporting almost never uses goes first.
_MOJIBAKE_HINT = re.compile(
    "[ЂЃѓ‚„†‡€‰Љ‹ЊЌЋЏђ™љ›њќћџЎўЈ¤Ґ¦§©Є¬®Ї°±µ¶·ґєјЅѕїÃÂÐÑâ\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]"
)
_CP1251_CONT = "ЂЃ‚ѓ„…†‡€‰Љ‹ЊЌЋЏђ‘’“”•–—™љ›њќћџ\u00a0ЎўЈ¤Ґ¦§Ё©Є«¬\u00ad®Ї°±Ііґµ¶·ё№є»јЅѕї"
_CP1252_CONT = (  # bytes 0x80-0xBF as latin-1 or cp1252 show them
    "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
    "\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
_NEEDS_FTFY = re.compile(
    rf"(?:[РСТУ][{_CP1251_CONT}]){{2}}"  # "РђРєРёРј": UTF-8 Cyrillic read as cp1251 (two pairs in a row)
    rf"|[ÂÃÐÑâ][{_CP1252_CONT}]"  # "Ã©", "Ð°Ð»", "â€”": UTF-8 read as latin-1 / cp1252
    r"|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]"  # controls (incl. ESC), C1, lone surrogates
)

# Invisible characters deleted outright: soft hyphen, zero-width space/non-joiner/joiner, word joiner,
# LRM/RLM, BOM. (ZWJ inside emoji sequences is lost: acceptable for a kk/ru/en text corpus.)
_INVISIBLE_CHARS = "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
# What str.split() breaks on besides a plain space: NBSP, narrow NBSP, U+2000-200A, tabs, line breaks, …
_ODD_SPACE_CHARS = "\t\n\r\x0b\x0c\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_ODD_SPACE = re.compile(f"[{_ODD_SPACE_CHARS}]")
# One scan decides whether any of the slower steps is needed (most paragraphs need none).
_UNUSUAL = re.compile(f"{_MOJIBAKE_HINT.pattern[:-1]}{_INVISIBLE_CHARS}{_ODD_SPACE_CHARS}]")

# Latin look-alikes that stand for Cyrillic letters inside a Cyrillic word: old Kazakh fonts typed і, һ, ә,
# ө with Latin i, h, ə, ɵ; copy-paste mixes a/c/e/o/p/x/y. Only letters that look the same are mapped
# (not b→в, m→м, t→т, whose lowercase shapes differ). "y"→"у": Kazakh "ү" is equally plausible; either way
# the word becomes one script.
LOOKALIKES: dict[str, str] = {
    "a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у", "i": "і", "h": "һ", "k": "к",
    "ə": "ә", "ɵ": "ө", "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "I": "І", "K": "К", "M": "М",
    "O": "О", "P": "Р", "T": "Т", "X": "Х", "Y": "У", "Ə": "Ә", "Ɵ": "Ө",
}  # fmt: skip
_LOOKALIKE_TABLE = str.maketrans(LOOKALIKES)
_LAT = "A-Za-z\u0259\u018f\u0275\u019f"
_CYR = "\u0400-\u04ff"
# A Latin letter next to a Cyrillic one (starts with the rare class, so it scans fast through Cyrillic text).
_MIXED_PAIR = re.compile(f"[{_LAT}](?:(?<=[{_CYR}][{_LAT}])|(?=[{_CYR}]))")
_WORD = re.compile(r"[^\W\d_]+")
_LATIN_LETTER = re.compile(f"[{_LAT}]")
_CYRILLIC_LETTER = re.compile(f"[{_CYR}]")
_ROMAN_NUMERAL = re.compile("[IVXLCDMХСМІ]+")  # "ХХI": a numeral typed half in Cyrillic, leave it alone


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """A normalised paragraph and what was found while normalising it."""

    text: str
    damaged_chars: int  # "\ufffd" left in the text: bytes lost before we saw them, never guessed back
    lookalikes_fixed: int  # Latin letters replaced by their Cyrillic twin inside Cyrillic words


def normalize_text(text: str) -> NormalizedText:
    """Normalise one paragraph for storage.

    NFC; ftfy mojibake repair when a mojibake signature is present; invisible characters removed; every
    whitespace run (NBSP, tabs, line breaks) becomes one space; trimmed; Latin look-alike letters inside
    otherwise-Cyrillic words are replaced by their Cyrillic twins. Pure Latin words are never touched.

    Returns:
        The text with the count of unrecoverable "\\ufffd" characters and of look-alikes fixed.
    """
    unusual = _UNUSUAL.search(text) is not None
    if unusual and _MOJIBAKE_HINT.search(text) and _NEEDS_FTFY.search(text):
        text = fix_text(text, FTFY_CONFIG)
    elif not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if unusual and _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
    text = " ".join(text.split()) if unusual or "  " in text else text.strip()
    fixed = 0
    if _MIXED_PAIR.search(text):
        text, fixed = _fix_lookalikes(text)
    return NormalizedText(text, text.count(REPLACEMENT_CHAR), fixed)


def _fix_lookalikes(text: str) -> tuple[str, int]:
    """Replace mappable Latin letters in words that are mostly Cyrillic; returns the text and the count."""
    fixed = 0

    def repair(match: re.Match[str]) -> str:
        nonlocal fixed
        word = match.group()
        latin = len(_LATIN_LETTER.findall(word))
        if not latin:
            return word
        cyrillic = len(_CYRILLIC_LETTER.findall(word))
        if cyrillic < latin or _ROMAN_NUMERAL.fullmatch(word):
            return word
        repaired = word.translate(_LOOKALIKE_TABLE)
        if _LATIN_LETTER.search(repaired):  # an unmappable Latin letter: a real mixed word ("Wi-Fiды")
            return word
        fixed += latin
        return repaired

    return _WORD.sub(repair, text), fixed
