import re
import unicodedata
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from pipelines import dates_data as D
from pipelines.dates import parse_date

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = {"ru", "kk", "kk-Latn", "en"}
TABLES = {
    "MONTHS": {
        lang: tuple(w for words in months.values() for w in words) for lang, months in D.MONTHS.items()
    },
    "WEEKDAYS": D.WEEKDAYS,
    "RELATIVE_DAYS": {lang: tuple(days) for lang, days in D.RELATIVE_DAYS.items()},
    "AGO_WORDS": D.AGO_WORDS,
    "AGO_UNITS": {lang: tuple(w for ws in units.values() for w in ws) for lang, units in D.AGO_UNITS.items()},
    "DECORATION_WORDS": D.DECORATION_WORDS,
}
MONTH_FORMS = [
    (lang, number, form)
    for lang, months in D.MONTHS.items()
    for number, forms in months.items()
    for form in forms
]
NOW = datetime.fromisoformat("2026-03-10T15:00:40+05:00")


def _fold(text: str) -> str:
    """Lower case without accents, ı as i: "Qańtar", "QAÑTAR" and "qantar" are one name."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("ı", "i"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class TestShape:
    @pytest.mark.parametrize("name", TABLES)
    def test_every_table_covers_the_four_languages_without_duplicates(self, name):
        assert set(TABLES[name]) == LANGUAGES
        for words in TABLES[name].values():
            assert len({w.casefold() for w in words}) == len(words), name

    @pytest.mark.parametrize("lang", sorted(LANGUAGES))
    def test_months_are_the_twelve(self, lang):
        assert sorted(D.MONTHS[lang]) == list(range(1, 13))
        assert all(D.MONTHS[lang].values())

    @pytest.mark.parametrize("name", TABLES)
    def test_words_are_single_nfc_words(self, name):
        for words in TABLES[name].values():
            for word in words:
                assert re.fullmatch(r"[^\W\d_]+", word), word
                assert unicodedata.normalize("NFC", word) == word, word


class TestEveryWordParses:
    @pytest.mark.parametrize(
        ("lang", "number", "form"), MONTH_FORMS, ids=[f"{m[0]}-{m[2]}" for m in MONTH_FORMS]
    )
    def test_month_form(self, lang, number, form):
        for text in (f"5 {form} 2024", f"5 {form.upper()} 2024", f"5 {form.capitalize()} 2024"):
            result = parse_date(text)
            assert result is not None, text
            assert (result.value.year, result.value.month, result.value.day) == (2024, number, 5), text

    @pytest.mark.parametrize(("word", "days"), [p for days in D.RELATIVE_DAYS.values() for p in days.items()])
    def test_relative_day(self, word, days):
        result = parse_date(f"{word.capitalize()}, 10:00", now=NOW)
        assert (result.value.day, result.value.hour, result.relative) == (10 - days, 10, True), word

    @pytest.mark.parametrize(
        ("lang", "unit", "word"),
        [(lang, unit, w) for lang, units in D.AGO_UNITS.items() for unit, ws in units.items() for w in ws],
    )
    def test_ago_unit_with_each_ago_word_of_its_language(self, lang, unit, word):
        for ago in D.AGO_WORDS[lang]:
            expected = (NOW - timedelta(**{f"{unit}s": 2})).replace(second=0)  # "hour" -> hours=2
            if unit in ("day", "week"):
                expected = expected.replace(hour=0, minute=0)
            assert parse_date(f"2 {word} {ago}", now=NOW).value == expected, f"2 {word} {ago}"

    @pytest.mark.parametrize("word", [w for words in D.DECORATION_WORDS.values() for w in words])
    def test_decoration_word(self, word):
        assert parse_date(f"{word} 5 мая 2024").value.isoformat() == "2024-05-05T00:00:00+05:00"

    @pytest.mark.parametrize("word", [w for words in D.WEEKDAYS.values() for w in words])
    def test_weekday(self, word):
        assert parse_date(f"{word}, 5 мая 2024").value.isoformat() == "2024-05-05T00:00:00+05:00"


def test_latin_kazakh_month_names_live_only_in_dates_data():
    """A copy of the Latin-Kazakh month table elsewhere (as discovery.py had) fails here."""
    names = {_fold(form) for forms in D.KK_LATN_MONTHS.values() for form in forms}
    pattern = re.compile(rf"(?<!\w)(?:{'|'.join(sorted(names, key=len, reverse=True))})(?!\w)")
    allowed = ROOT / "pipelines" / "dates_data.py"
    found = []
    for package in ("crawler", "pipelines", "db"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == allowed:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                found += [
                    f"{path.relative_to(ROOT)}:{number}: {m.group(0)}" for m in pattern.finditer(_fold(line))
                ]
    assert not found, "\n".join(found)
    assert pattern.search(_fold(allowed.read_text(encoding="utf-8")))  # the scan does see the table
