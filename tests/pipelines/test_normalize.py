import json
from pathlib import Path

import pytest

from pipelines.normalize import normalize_text
from tests.conftest import SHARED
from tests.services import require_shared

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
SAMPLES = SHARED / "research" / "html" / "_text_samples" / "ainews_extracted_articles_2025-08_sample.jsonl"


def _sample_paragraphs() -> list[str]:
    require_shared(SAMPLES)
    rows = [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines()]
    return [p for row in rows for p in row["content"].split("\n") if p.strip()]


class TestWhitespace:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("Армения и\u00a0Иран достигли", "Армения и Иран достигли"),  # inform.kz NBSP (samples row 4)
            ("Аким\u202fАстаны", "Аким Астаны"),  # narrow NBSP
            ("Ка\u00adзах\u00adстан", "Казахстан"),  # soft hyphens
            ("Tengri\u200bnews\ufeff", "Tengrinews"),  # zero-width space, BOM
            ("  \tдва\t\tслова  ", "два слова"),
            ("строка\nперенос", "строка перенос"),
            ("\u00a0 \u200b", ""),
        ],
    )
    def test_whitespace_collapses_to_single_spaces(self, raw, expected):
        assert normalize_text(raw).text == expected

    def test_text_is_nfc(self):
        assert normalize_text("е\u0308ж").text == "ёж"


class TestDamage:
    def test_replacement_char_is_kept_and_counted(self):
        result = normalize_text("Business energy \ufffd development")
        assert result.text == "Business energy \ufffd development"
        assert result.damaged_chars == 1

    def test_seed_004_has_three_unrecoverable_chars(self):
        seed = next(p for p in SEEDS if p.name.startswith("004_"))
        results = [normalize_text(p) for p in seed.read_text(encoding="utf-8").split("\n\n")]
        assert sum(r.damaged_chars for r in results) == 3
        assert sum(r.text.count("\ufffd") for r in results) == 3


class TestMojibake:
    @pytest.mark.parametrize(
        "original",
        [
            "Аким Астаны встретился с губернатором Челябинской области",
            "Қазақстанның білім және ғылым министрлігі әлеуметтік жағдайды түсіндірді. Үкімет һәм өңір.",
        ],
    )
    def test_utf8_read_as_cp1251_is_repaired(self, original):
        broken = original.encode("utf-8").decode("cp1251")
        assert broken.startswith(("Р", "Т"))
        assert normalize_text(broken).text == original

    def test_literal_cp1251_mojibake_example(self):
        assert normalize_text("РђРєРёРј РђСЃС‚Р°РЅС‹").text == "Аким Астаны"

    @pytest.mark.parametrize(
        ("broken", "fixed"), [("cafÃ© Ã©tÃ©", "café été"), ("Astana â€” Almaty", "Astana — Almaty")]
    )
    def test_utf8_read_as_latin1_is_repaired(self, broken, fixed):
        assert normalize_text(broken).text == fixed

    @pytest.mark.parametrize(
        "legit",
        [
            "Сіз бен біз Тіл туралы",  # С+і, Т+і look like cp1251 pairs but are Kazakh
            "+28°C, давление 687 мм рт. ст., ±5",
            "© Tengrinews.kz № 1 § 5",
            "Ñandú, Ça va, Âge",
            "«Кайрат» “quoted” 'single'",  # quotes are not uncurled
            "AT&amp;T (Ｆｕｌｌ)",  # no HTML unescape, no width folding
        ],
    )
    def test_legit_text_is_left_alone(self, legit):
        assert normalize_text(legit).text == legit

    def test_real_articles_change_only_in_spacing_or_lookalikes(self):
        changed = [
            p
            for p in _sample_paragraphs()
            if (r := normalize_text(p)).text != " ".join(p.split()) and not r.lookalikes_fixed
        ]
        assert changed == []


class TestLookalikes:
    @pytest.mark.parametrize(
        ("raw", "expected", "count"),
        [
            ("Қазақстанның бiлiм", "Қазақстанның білім", 2),  # Latin i in Kazakh words → і
            ("Шаhар", "Шаһар", 1),  # Latin h → һ
            ("əлеумет", "әлеумет", 1),  # Latin schwa → ә
            ("Кaзaкcтaн", "Казакстан", 4),  # copy-paste a/c
            ("поckденим словом", "поскденим словом", 2),  # informburo (samples row 17)
            ("AКИМАТ", "АКИМАТ", 1),
        ],
    )
    def test_latin_letters_inside_cyrillic_words_are_fixed(self, raw, expected, count):
        result = normalize_text(raw)
        assert (result.text, result.lookalikes_fixed) == (expected, count)

    @pytest.mark.parametrize(
        "text",
        [
            "iPhone EXPO-2017 KAZINFORM",  # pure Latin words
            "компания Allur и сервис InDrive",  # Latin words in a Russian sentence
            "Apple-дің жаңа iPhone'ы",  # Kazakh suffix after a hyphen/apostrophe: separate words
            "Wi-Fiды",  # F has no Cyrillic twin: a real mixed word
            "ХХI ғасыр",  # Roman numeral half typed in Cyrillic
            "COVID-19 пандемиясы",
            "qazaqsha: Qazaqstan Respýblıkasy",  # Kazakh Latin script
        ],
    )
    def test_latin_words_are_untouched(self, text):
        result = normalize_text(text)
        assert (result.text, result.lookalikes_fixed) == (text, 0)

    def test_one_mixed_word_among_real_text(self):
        sample = [p for p in _sample_paragraphs() if "поckденим" in p]
        assert len(sample) == 1
        result = normalize_text(sample[0])
        assert result.lookalikes_fixed == 2
        assert "поскденим" in result.text
