"""Tests for pipelines/language.py on the labelled paragraphs and on real ru/en pages."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from pipelines.language import LanguageGuess, detect_language, detect_paragraph

DATA = Path(__file__).parent / "data" / "lang_paragraphs.jsonl"
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
RU_SAMPLES = Path("/work/shared/research/html/_text_samples/ainews_extracted_articles_2025-08_sample.jsonl")
# So the labelled set cannot shrink silently: (lang, script) -> minimum number of paragraphs.
MIN_COUNTS = {
    ("kk", "Cyrl"): 55,
    ("kk", "Latn"): 40,
    ("ru", "Cyrl"): 55,
    ("en", "Latn"): 35,
    ("ky", "Cyrl"): 20,
    ("tt", "Cyrl"): 18,
    ("tr", "Latn"): 18,
    ("uz", "Latn"): 15,
    ("uz", "Cyrl"): 15,
}
MIN_ACCURACY = 0.99
KK_LOOKALIKES = {"ky", "tt", "uz", "tr", "ba", "az"}

KK_PARAGRAPHS = [
    "Қазақстан Республикасының Президенті Қасым-Жомарт Тоқаев Ақордада Ұлттық банк төрағасын қабылдады, деп "
    "хабарлайды Kazinform тілшісі. Кездесуде инфляция деңгейі мен теңгенің айырбас бағамы талқыланды.",
    "Мемлекет басшысы биыл елімізде 200-ден астам жаңа мектеп салынатынын атап өтті. Оның айтуынша, бұл "
    "жоба өңірлердегі оқушы орындарының тапшылығын азайтады.",
    "Кездесу соңында тараптар бірқатар келісімге қол қойды.",
]
RU_QUOTE = "«Мы рассчитываем завершить строительство всех школ до начала учебного года», — сказал министр."


def _rows() -> list[dict]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]


class TestLabelledParagraphs:
    def test_set_is_large_and_well_formed(self):
        rows = _rows()
        counts = Counter((row["lang"], row["script"]) for row in rows)
        assert len(rows) >= 240
        for key, minimum in MIN_COUNTS.items():
            assert counts[key] >= minimum, f"{key}: {counts[key]} < {minimum}"
        assert all(row["text"].strip() and len(row["lang"]) == 2 and len(row["script"]) == 4 for row in rows)
        assert len({row["text"] for row in rows}) == len(rows), "duplicate paragraphs"

    def test_accuracy_on_labelled_paragraphs(self):
        rows = _rows()
        failures = Counter()
        for row in rows:
            got = detect_paragraph(row["text"])
            if got != (row["lang"], row["script"]):
                failures[(f"{row['lang']}-{row['script']}", f"{got[0]}-{got[1]}")] += 1
                print(f"MISS {row['lang']}-{row['script']} -> {got}: {row['text'][:100]}")
        accuracy = 1 - sum(failures.values()) / len(rows)
        print(f"accuracy {accuracy:.4f} on {len(rows)}; (truth, detected) failures: {dict(failures)}")
        assert accuracy >= MIN_ACCURACY

    def test_kazakh_is_never_confused_with_its_lookalikes(self):
        for row in _rows():
            lang, _ = detect_paragraph(row["text"])
            if row["lang"] == "kk":
                assert lang not in KK_LOOKALIKES, row["text"]
            elif row["lang"] in KK_LOOKALIKES:
                assert lang != "kk", row["text"]


class TestDetectParagraph:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Кыргыз Республикасынын Президенти Садыр Жапаров Бишкекте инвесторлор менен жолугушту.", "ky"),
            ("Қазақстан Республикасының Президенті Қасым-Жомарт Тоқаев инвесторлармен кездесті.", "kk"),
            ("Бишкекте жаңы мектеп ачылды.", "ky"),
            ("Астанада жаңа мектеп ашылды.", "kk"),
            ("Президент Қасым-Жомарт Тоқаев провёл совещание, сообщает Ақорда.", "ru"),
            ("Жители называют этот парк «үлкен бақ», сообщает пресс-служба акимата.", "ru"),
            ("Татарстан Рәисе Рөстәм Миңнеханов Казанда инвесторлар белән очрашты.", "tt"),
            ("Ўзбекистон Республикаси Президенти Тошкентда хорижий инвесторлар билан учрашди.", "uz"),
        ],
    )
    def test_cyrillic_turkic_and_russian(self, text, expected):
        assert detect_paragraph(text) == (expected, "Cyrl")

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Qazaqstan Respýblıkasynyń Prezıdenti Qasym-Jomart Toqaev, dep habarlaıdy Kazinform.", "kk"),
            ("Buǵan deıin Memleket basshysy Úkimetke tapsyrma bergen bolatyn.", "kk"),
            ("Toqaev Astanada sheteldik ınvestorlarmen kezdesti.", "kk"),  # no acutes: ı with q
            (
                "Qazaqstan Respy'blikasyny'n' Prezi'denti Toqaev s'eteldik i'nvestorlarmen kezdesti.",
                "kk",
            ),
            ("O'zbekiston Respublikasi Prezidenti Toshkentda xorijiy investorlar bilan uchrashdi.", "uz"),
            ("Cumhurbaşkanı Erdoğan, Ankara'da yabancı yatırımcılarla bir araya geldi.", "tr"),
            (
                "Our goal is to give blog readers a chance to raise questions; you're welcome to email us.",
                "en",
            ),
        ],
    )
    def test_latin(self, text, expected):
        assert detect_paragraph(text) == (expected, "Latn")

    def test_other_scripts_and_no_letters(self):
        assert detect_paragraph("哈萨克斯坦总统在阿斯塔纳会见了中国外交部长。") == ("zh", "Hani")
        assert detect_paragraph("ٴبىز قازاق ەلىمىز") == ("kk", "Arab")  # Kazakh Arabic script (Xinjiang)
        assert detect_paragraph("استقبل رئيس كازاخستان وزير الخارجية في أستانا وبحث الجانبان التعاون.") == (
            "ar",
            "Arab",
        )
        assert detect_paragraph("") == (None, None)
        assert detect_paragraph("12:45 — 2024 © ***") == (None, None)


class TestDetectLanguage:
    def test_kazakh_story_quoting_russian_is_kazakh_with_a_russian_share(self):
        guess = detect_language([*KK_PARAGRAPHS, RU_QUOTE])
        assert (guess.lang, guess.script) == ("kk", "Cyrl")
        assert 0 < guess.shares["ru"] < guess.shares["kk"]
        assert sum(guess.shares.values()) == pytest.approx(1)

    def test_short_paragraphs_do_not_vote(self):
        guess = detect_language([*KK_PARAGRAPHS, "Фото: Kazinform", "Оқи отырыңыз"])
        assert guess == LanguageGuess("kk", "Cyrl", {"kk": 1.0})

    def test_a_document_of_short_lines_is_still_identified(self):
        assert detect_language(["Астанада", "жаңа мектеп", "ашылды."]).lang == "kk"

    @pytest.mark.parametrize("paragraphs", [[], [""], ["  ", "2024"]])
    def test_no_text_gives_no_language(self, paragraphs):
        assert detect_language(paragraphs) == LanguageGuess(None, None, {})

    def test_kazakh_latin_document(self):
        guess = detect_language(
            [
                "Qazaqstan Respýblıkasynyń Prezıdenti Qasym-Jomart Toqaev Astanada sheteldik ınvestorlarmen "
                "kezdesti, dep habarlaıdy Kazinform agenttiginiń menshikti tilshisi.",
                "Buǵan deıin Memleket basshysy sý tapshylyǵy máselesin sheshýdi Úkimetke tapsyrǵan.",
            ]
        )
        assert (guess.lang, guess.script, dict(guess.shares)) == ("kk", "Latn", {"kk": 1.0})

    @pytest.mark.parametrize("seed", ["000", "001", "003", "004"])
    def test_english_seed_pages(self, seed):
        (path,) = SEEDS.glob(f"{seed}_*.txt")
        guess = detect_language(path.read_text(encoding="utf-8").splitlines())
        assert (guess.lang, guess.script) == ("en", "Latn")
        assert guess.shares["en"] > 0.9

    def test_russian_seed_page(self):
        (path,) = SEEDS.glob("002_*.txt")
        guess = detect_language(path.read_text(encoding="utf-8").splitlines())
        assert (guess.lang, guess.script) == ("ru", "Cyrl")

    def test_real_russian_articles_from_kz_sites(self):
        articles = [json.loads(line) for line in RU_SAMPLES.read_text(encoding="utf-8").splitlines()]
        assert len(articles) >= 20
        for article in articles:
            guess = detect_language(article["content"].split("\n"))
            assert (guess.lang, guess.script) == ("ru", "Cyrl"), article["url"]
            assert guess.shares["ru"] > 0.95, (article["url"], guess.shares)
