import json
from collections import Counter
from pathlib import Path

import pytest

from pipelines.boilerplate import CleanedBody, clean_paragraphs
from pipelines.normalize import normalize_text
from pipelines.options import SiteRules
from tests.conftest import SHARED
from tests.services import require_shared

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = SHARED / "research" / "html" / "_text_samples" / "ainews_extracted_articles_2025-08_sample.jsonl"
SEED_002_TITLE = "Аким Астаны встретился с губернатором Челябинской области"


def _seed(prefix: str) -> list[str]:
    path = next((ROOT / "seeds").glob(f"{prefix}_*.txt"))
    return path.read_text(encoding="utf-8").split("\n\n")


def _samples() -> list[dict]:
    require_shared(SAMPLES)
    return [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines()]


# trafilatura evaldata style: per page shape, snippets that must be in / must be out of the cleaned body.
SNIPPETS = [
    {
        "name": "kt.kz page text",
        "lines": [
            "24.08.2025, 15:10 28971",
            "Рудный. 24 августа. KAZAKHSTAN TODAY - В Костанайской области открыли новый цех.",
            "Фото: gov.kz",
            "Проект обошелся инвестору в 2 млрд тенге, на предприятии создано 120 рабочих мест.",
            "relevant news",
            "В Рудном отремонтируют три школы",
            "Костанайские фермеры собрали рекордный урожай",
            "This information may not be reproduced without reference to Kazakhstan Today news agency.",
            "Tell a friend",
        ],
        "with": ["В Костанайской области открыли", "создано 120 рабочих мест."],
        "without": [
            "28971",
            "KAZAKHSTAN TODAY",
            "gov.kz",
            "отремонтируют три школы",
            "рекордный урожай",
            "reproduced",
        ],
        "dateline": "Рудный. 24 августа. KAZAKHSTAN TODAY",
        "photo_credits": ("Фото: gov.kz",),
    },
    {
        "name": "lada.kz page text",
        "lines": [
            "18+",
            "Курсы валют в банках Актау: 496 588.01 6.42",
            "Температура воды в Каспийском море",
            "+24°C",
            "15.02.2026, 09:18",
            "В Актау прошел субботник на набережной, передает Lada.kz.",
        ],
        "with": ["передает Lada.kz."],
        "without": ["18+", "588.01", "Каспийском", "24°C", "09:18"],
    },
    {
        "name": "en.tengrinews page text",
        "lines": [
            "Main Page > News > President",
            "Currency rates: usd/kzt 447.9 eur/kzt 482.16",
            "Weather: Astana+28+30℃",
            "President Tokayev signed the law on mass media, Tengrinews.kz reports.",
            "Related news",
            "Tokayev meets Chinese delegation",
            "Astana to host summit in June",
            "Akimat reports on road repairs in the capital this summer.",
        ],
        "with": ["signed the law on mass media", "road repairs in the capital"],
        "without": ["Main Page", "447.9", "Astana+28", "Chinese delegation", "host summit"],
    },
    {
        "name": "kaz.tengrinews page text",
        "lines": [
            "Бөлісу",
            "Астанада жаңа мектеп ашылды. Бұл туралы қала әкімдігінің Telegram-арнасында хабарланды.",
            "Тағы оқыңыз: Алматыда жол жөндеу басталды",
            "Жаңалықтар телефоныңда",
            "Беттегі қате",
        ],
        "with": ["Telegram-арнасында хабарланды."],
        "without": ["Бөлісу", "жол жөндеу", "телефоныңда", "Беттегі"],
    },
    {
        "name": "diapazon.kz page text",
        "lines": [
            "8447 просмотров",
            "|| Фото из архива «Д»",
            "В Актобе открылся новый детский сад на 320 мест.",
            "Реклама на сайте diapazon.kz, в Инстаграм @gazeta_diapazon и на радио",
        ],
        "with": ["детский сад на 320 мест."],
        "without": ["8447", "архива", "Реклама"],
        "photo_credits": ("Фото из архива «Д»",),
    },
]


@pytest.mark.parametrize("case", SNIPPETS, ids=[c["name"] for c in SNIPPETS])
def test_snippets_with_and_without(case):
    cleaned = clean_paragraphs(case["lines"])
    text = "\n".join(cleaned.paragraphs)
    for snippet in case["with"]:
        assert snippet in text
    for snippet in case["without"]:
        assert snippet not in text
    assert cleaned.dateline == case.get("dateline")
    assert cleaned.photo_credits == case.get("photo_credits", ())


class TestSeeds:
    def test_seed_002_tengrinews_page_text(self):
        cleaned = clean_paragraphs(_seed("002"), title=SEED_002_TITLE)
        assert len(cleaned.paragraphs) == 8  # the lead + 7 story paragraphs
        assert cleaned.paragraphs[0].startswith("В ходе двухсторонней встречи")
        assert cleaned.lead == cleaned.paragraphs[0]  # printed twice around "ПОДЕЛИТЬСЯ": it is the lead
        assert cleaned.paragraphs[-1].startswith("Кроме того, в рамках недели Челябинской области")
        assert len(set(cleaned.paragraphs)) == len(cleaned.paragraphs)
        rules = Counter(r.rule for r in cleaned.removed)
        assert rules == {
            "duplicate_title": 2,
            "duplicate_paragraph": 1,
            "share_social": 2,  # ПОДЕЛИТЬСЯ, Join Telegram
            "page_chrome": 3,  # Tengrinews, Редакция Реклама, Социальные сети
            "read_also": 1,
            "currency_widget": 2,
            "weather_widget": 32,  # header, location-current, current city, 9 index letters, 20 city temps
        }

    def test_seed_002_without_title_keeps_title_line_once_and_no_lead(self):
        cleaned = clean_paragraphs(_seed("002"))
        assert cleaned.paragraphs[0] == SEED_002_TITLE
        assert cleaned.lead is None  # the repeated first line has no sentence end: a title, not a lead

    def test_seed_004_chrome_source_and_damage(self):
        cleaned = clean_paragraphs(
            _seed("004"), title="Astana and Chelyabinsk plan to open direct air flight"
        )
        assert [r.rule for r in cleaned.removed] == [
            "page_chrome",
            "date_line",
            "duplicate_title",
            "source_credit",
        ]
        assert cleaned.source_credit == "Kazakhstan 2050"
        assert cleaned.paragraphs[0].startswith("During the bilateral meeting")
        assert cleaned.paragraphs[-1].startswith("Besides, within the week of Chelyabinsk")
        assert cleaned.damaged_chars == 3

    def test_seed_000_dateline_without_dash(self):
        cleaned = clean_paragraphs(_seed("000"))
        assert cleaned.dateline == "ASTANA. KAZINFORM"
        assert cleaned.paragraphs[0].startswith("Akim of Astana City met with the Governor")
        assert "Kazinform cites the official website" in cleaned.paragraphs[0]
        assert len(cleaned.paragraphs) == 8


class TestDateline:
    @pytest.mark.parametrize(
        ("paragraph", "dateline", "rest"),
        [
            ("ASTANA. KAZINFORM – Akim met.", "ASTANA. KAZINFORM", "Akim met."),
            ("ASTANA. KAZINFORM - Akim met.", "ASTANA. KAZINFORM", "Akim met."),
            ("ASTANA. KAZINFORM Akim met.", "ASTANA. KAZINFORM", "Akim met."),
            ("NUR-SULTAN. KAZINFORM – Akim met.", "NUR-SULTAN. KAZINFORM", "Akim met."),
            ("TAShKENT. KAZINFORM — Uzbek officials met.", "TAShKENT. KAZINFORM", "Uzbek officials met."),
            ("АСТАНА. ҚазАқпарат - Әкім кездесті.", "АСТАНА. ҚазАқпарат", "Әкім кездесті."),
            (
                "Рудный. 24 августа. KAZAKHSTAN TODAY - В Рудном.",
                "Рудный. 24 августа. KAZAKHSTAN TODAY",
                "В Рудном.",
            ),
            ("АЛМАТЫ. KAZINFORM — Текст новости.", "АЛМАТЫ. KAZINFORM", "Текст новости."),
        ],
    )
    def test_agency_dateline_is_stripped(self, paragraph, dateline, rest):
        cleaned = clean_paragraphs([paragraph, "Second paragraph of the story."])
        assert cleaned.dateline == dateline
        assert cleaned.paragraphs == (rest, "Second paragraph of the story.")

    def test_agency_mentioned_in_text_is_not_a_dateline(self):
        cleaned = clean_paragraphs(["Kazinform cites the official website. ASTANA. KAZINFORM was there."])
        assert cleaned.dateline is None
        assert cleaned.removed == ()

    def test_dateline_only_on_the_first_paragraph(self):
        cleaned = clean_paragraphs(["First paragraph.", "ASTANA. KAZINFORM – Second."])
        assert cleaned.dateline is None

    def test_site_agency(self):
        rules = SiteRules(agencies=("BAQ.KZ",))
        cleaned = clean_paragraphs(["АСТАНА. BAQ.KZ - Жаңалық."], rules=rules)
        assert cleaned.dateline == "АСТАНА. BAQ.KZ"
        assert clean_paragraphs(["АСТАНА. BAQ.KZ - Жаңалық."]).dateline is None


class TestLeadTitleDuplicates:
    def test_passed_lead_is_first_exactly_once(self):
        lead = "Министр ответил на вопросы журналистов о ценах на такси."
        cleaned = clean_paragraphs([lead, "Второй абзац новости о такси и ценах."], lead=lead)
        assert cleaned.lead == lead
        assert cleaned.paragraphs == (lead, "Второй абзац новости о такси и ценах.")
        assert [r.rule for r in cleaned.removed] == ["duplicate_paragraph"]

    def test_no_lead_without_markup_or_repetition(self):
        assert clean_paragraphs(["Первый абзац новости.", "Второй абзац."]).lead is None

    def test_title_duplicate_ignores_case_and_punctuation(self):
        cleaned = clean_paragraphs(
            ["АКИМ  АСТАНЫ встретился с губернатором!", "Текст."],
            title="Аким Астаны встретился с губернатором",
        )
        assert cleaned.paragraphs == ("Текст.",)
        assert cleaned.removed[0].rule == "duplicate_title"

    def test_repeated_list_items_and_questions_are_kept(self):
        # AEB: recipe blocks, spec lists and interviews repeat short items legitimately
        item = "Portion Fix Containers: 1 Green, 1 Red, 1 Yellow, 1 tsp."
        question = (
            "Какую кухню любите сами? Есть ли какие-то предпочтения, а может, есть блюда, которых не едите?"
        )
        lines = [item, question, "Первый рецепт с подробным описанием.", item, question, "Второй рецепт."]
        assert clean_paragraphs(lines).paragraphs == tuple(lines)

    def test_line_printed_twice_in_a_row_is_kept_once(self):
        caption = "Министр транспорта на брифинге в правительстве"
        cleaned = clean_paragraphs([caption, caption, "Текст новости."])
        assert cleaned.paragraphs == (caption, "Текст новости.")
        assert [r.rule for r in cleaned.removed] == ["duplicate_paragraph"]

    def test_short_repeated_separators_are_not_deduplicated(self):
        cleaned = clean_paragraphs(["Первая часть истории.", "***", "Вторая часть истории.", "***", "Конец."])
        assert cleaned.paragraphs.count("***") == 2

    def test_photo_caption_printed_twice_is_one_credit(self):
        caption = "Фото: © Tengrinews.kz / Турар Казангапов"
        cleaned = clean_paragraphs([caption, "Текст новости.", caption])
        assert cleaned.photo_credits == (caption,)
        assert cleaned.paragraphs == ("Текст новости.",)
        assert [r.rule for r in cleaned.removed] == ["photo_credit", "photo_credit"]


class TestSourceCredit:
    @pytest.mark.parametrize(
        ("line", "credit"),
        [
            ("Source: Kazakhstan 2050", "Kazakhstan 2050"),
            ("Источник: пресс-служба акимата", "пресс-служба акимата"),
            ("Дереккөз: Егемен Қазақстан", "Егемен Қазақстан"),
        ],
    )
    def test_trailing_source_line(self, line, credit):
        cleaned = clean_paragraphs(["Текст новости.", line])
        assert cleaned.source_credit == credit
        assert cleaned.paragraphs == ("Текст новости.",)

    def test_source_quote_mid_text_stays(self):
        body = [
            "Первый абзац.",
            "Источник: близкий к следствию, сообщил об этом.",
            "Второй.",
            "Третий.",
            "Четвертый.",
        ]
        cleaned = clean_paragraphs(body)
        assert cleaned.source_credit is None
        assert cleaned.paragraphs == tuple(body)


class TestContext:
    def test_city_list_after_weather_header(self):
        lines = [
            "Текст новости.",
            "Погода",
            "location-current",
            "Алматы",
            "А",
            "Алматы -2",
            "Б",
            "Балхаш -13",
        ]
        cleaned = clean_paragraphs(lines)
        assert cleaned.paragraphs == ("Текст новости.",)
        assert {r.rule for r in cleaned.removed} == {"weather_widget"}

    def test_city_temperature_run_without_header(self):
        cleaned = clean_paragraphs(["Текст новости.", "Алматы -2", "Астана -16", "Актау 2"])
        assert cleaned.paragraphs == ("Текст новости.",)

    def test_short_standings_table_stays(self):
        lines = ["Турнирная таблица после 20 туров:", "Астана 45", "Кайрат 41", "Тобол 38"]
        assert clean_paragraphs(lines).paragraphs == tuple(lines)

    def test_read_also_header_takes_the_linked_title_only(self):
        lines = [
            "Текст новости.",
            "Читайте также",
            "Токаев подписал закон",
            "Продолжение истории со всеми деталями.",
        ]
        cleaned = clean_paragraphs(lines)
        assert cleaned.paragraphs == ("Текст новости.", "Продолжение истории со всеми деталями.")

    def test_block_with_line_breaks_is_judged_per_line(self):
        cleaned = clean_paragraphs(["Текст новости.\nTengrinews\nЧитайте также\nJoin Telegram"])
        assert cleaned.paragraphs == ("Текст новости.",)
        assert [r.rule for r in cleaned.removed] == ["page_chrome", "read_also", "share_social"]

    def test_empty_paragraphs_vanish_silently(self):
        cleaned = clean_paragraphs(["", "  ", "\u00a0", "Текст.", "\u200b"])
        assert cleaned == CleanedBody(("Текст.",), None, None, None, (), (), 0, 0)

    def test_site_junk_prefix_and_regex(self):
        rules = SiteRules(junk=("Тест-драйв недели", r"^\d+ комментари"))
        lines = ["Текст.", "Тест-драйв недели: новый кроссовер", "12 комментариев"]
        cleaned = clean_paragraphs(lines, rules=rules)
        assert cleaned.paragraphs == ("Текст.",)
        assert [r.rule for r in cleaned.removed] == ["site_junk", "site_junk"]
        assert clean_paragraphs(lines).paragraphs == tuple(lines)

    def test_lookalikes_and_damage_are_summed_over_kept_paragraphs(self):
        cleaned = clean_paragraphs(
            ["Қазақстанның бiлiм жүйесі.", "Energy \ufffd development.", "Join Telegram"]
        )
        assert (cleaned.lookalikes_fixed, cleaned.damaged_chars) == (2, 1)


# Real junk lines that kz-sites.md quotes from the full ainews dump and pages (the 20-row sample has none of
# them), injected where the sites print them: inline after the lead, and as trailing paragraphs.
INJECTED_INLINE = (
    "Читайте также: Токаев: Мы уделяем первостепенное внимание развитию сотрудничества с Узбекистаном"
)
INJECTED_TAIL = [
    "Китайских авто все больше на наших дорогах! Заходите в наш спецпроект вселенная китайских авто",
    "Подписывайтесь на наш Telegram-канал @sportnurkz . Здесь вы найдете все самые свежие новости спорта.",
    "*Банковская деятельность лицензируется в Республике Казахстан",
    "Наши новости теперь в WhatsApp!",
]
# Junk really present in the 20 sample articles: (row, rule, start of the removed text).
SAMPLE_JUNK = [
    (2, "photo_credit", "Фото: пресс-служба Allur"),
    (3, "social_embed", "Посмотреть эту публикацию в Instagram"),
    (3, "social_embed", "Публикация от Kazakhstan national football team"),
    (8, "social_embed", "Посмотреть эту публикацию в Instagram Публикация от Катя Мокина"),
    (8, "read_also", "Материал по теме Иностранцы называют вундеркиндом"),
    (10, "social_embed", "Посмотреть эту публикацию в Instagram Публикация от Egov.kz (@egov.kz)"),
    (18, "photo_credit", "Фото Министерства транспорта РК"),
]
SAMPLE_STORY_PARAGRAPHS = 142  # 146 non-empty lines minus the 4 whole-line junk above


class TestRealArticles:
    def test_sample_junk_removed_and_every_story_paragraph_kept(self):
        kept = 0
        found = []
        for row, article in enumerate(_samples()):
            cleaned = clean_paragraphs(article["content"].split("\n"), title=article["title"])
            kept += len(cleaned.paragraphs)
            found += [(row, r.rule, r.text) for r in cleaned.removed]
            assert not any(
                "Посмотреть эту публикацию" in p or "Материал по теме" in p for p in cleaned.paragraphs
            )
        assert kept == SAMPLE_STORY_PARAGRAPHS
        assert [(row, rule) for row, rule, _ in found] == [(row, rule) for row, rule, _ in SAMPLE_JUNK]
        assert all(
            text.startswith(start) for (_, _, text), (_, _, start) in zip(found, SAMPLE_JUNK, strict=True)
        )

    def test_injected_real_junk_is_removed_and_story_survives(self):
        kept = 0
        for article in _samples():
            paragraphs = [p for p in article["content"].split("\n") if p.strip()]
            injected = [*paragraphs[:1], INJECTED_INLINE, *paragraphs[1:], *INJECTED_TAIL]
            baseline = clean_paragraphs(paragraphs, title=article["title"])
            cleaned = clean_paragraphs(injected, title=article["title"])
            assert cleaned.paragraphs == baseline.paragraphs
            for paragraph in cleaned.paragraphs:
                assert not paragraph.startswith("Читайте также")
                assert "Заходите в наш спецпроект" not in paragraph
                assert "Подписывайтесь на наш Telegram-канал" not in paragraph
                assert "Банковская деятельность лицензируется" not in paragraph
            kept += len(cleaned.paragraphs)
        assert kept == SAMPLE_STORY_PARAGRAPHS


STORY_END = [
    "Шымкент қаласында 300 келушіге арналған жаңа емхана пайдалануға берілді. Бұл туралы әкімдік хабарлады.",
    "Емханада терапевт, педиатр және кардиолог қабылдау жүргізеді.",
]


class TestTeaserBlock:
    """Other stories after the story ends: a label, then only headlines (and junk, stamps, teaser leads)."""

    @pytest.mark.parametrize(
        "label",
        ["Жаңа", "Танымал", "Соңғы жаңалықтар", "Тағы да оқыңыз", "Басқа жаңалықтар", "Последние новости",
         "Похожие материалы", "Свежие записи", "Читайте также", "Related posts"],
    )  # fmt: skip
    def test_a_label_and_headlines_to_the_end_go(self, label):
        tail = [label, "Алматыда жаңбыр жауады", "Ақтөбеде жаңа көпір салынады"]
        cleaned = clean_paragraphs([*STORY_END, "Бөлісу", *tail])
        assert cleaned.paragraphs == tuple(STORY_END)

    def test_a_teaser_lead_under_its_headline_goes_with_it(self):  # uakytnews.kz "Жаңа" block (reviewer)
        tail = [
            "Жаңа",
            "Алматы облысында жылқы ұрлаған топ ұсталды",
            "Алматы облысының полицейлері 40-тан астам жылқы ұрлаған қылмыстық топты ұстады.",
        ]
        cleaned = clean_paragraphs([*STORY_END, *tail])
        assert cleaned.paragraphs == tuple(STORY_END)
        assert [r.rule for r in cleaned.removed] == ["page_chrome", "teaser_block", "teaser_block"]

    def test_a_read_also_link_inside_the_story_keeps_what_follows(self):
        lines = [STORY_END[0], "Читайте также", "Токаев подписал закон", STORY_END[1]]
        assert clean_paragraphs(lines).paragraphs == (STORY_END[0], STORY_END[1])

    def test_a_subhead_like_a_label_keeps_the_story_under_it(self):
        lines = [*STORY_END, "Последние новости", "Министр ответил на вопросы журналистов о ценах."]
        assert clean_paragraphs(lines).paragraphs == tuple(lines)

    def test_a_feed_of_stamped_headlines_goes_without_a_label(self):
        for feed in (["14:20", "Алматыда жаңбыр жауады", "14:05", "Ақтөбеде көпір салынады"],
                     ["Алматыда жаңбыр жауады", "12.09.2024", "Ақтөбеде көпір салынады", "11.09.2024"],
                     ["14:25 В Алматы ограничат движение", "14:10 Курс тенге укрепился"]):  # fmt: skip
            assert clean_paragraphs([*STORY_END, *feed]).paragraphs == tuple(STORY_END)

    def test_short_lines_at_the_end_without_a_label_are_story(self):
        lines = [*STORY_END, "Нұрлан ЖҰМАБАЙ,", "Түркістан облысы"]
        assert clean_paragraphs(lines).paragraphs == tuple(lines)
        one_pair = [*STORY_END, "Түркістан облысы", "12.09.2024"]  # a signature with its date: one stamp
        assert clean_paragraphs(one_pair).paragraphs == tuple(one_pair[:-1])


class TestMenuRun:
    def test_unknown_entries_of_a_menu_go_with_the_known_ones(self):
        menu = ["Басты бет", "Саясат", "Руханият", "Медицина", "Спорт"]
        cleaned = clean_paragraphs([*STORY_END, *menu])
        assert cleaned.paragraphs == tuple(STORY_END)
        assert {r.rule for r in cleaned.removed} == {"page_chrome"}

    def test_a_list_of_names_stays(self):
        names = ["Айгүл Сәрсенова", "Марат Ахметов", "Ерлан Жұмабаев"]
        assert clean_paragraphs([*STORY_END, *names]).paragraphs == (*STORY_END, *names)


REAL_TEXTS = ROOT / "tests" / "pipelines" / "data" / "real_texts"
# The text path takes these out as the byline of a date block under the lead (pipelines/textpage.py); the
# cleaning stage alone, as the HTML path uses it, keeps a byline.
HEADER_META_IN_STORY = {"019_vlast_ru": ("Алия Ахметова",)}


@pytest.mark.parametrize("golden", sorted(REAL_TEXTS.glob("*.expected.json")), ids=lambda p: p.name[:-14])
def test_real_page_texts_story_and_tail_through_the_cleaning_stage(golden):
    """From the story's first line to the end, as an HTML extractor hands a body: the junk in and after the
    story goes (widgets, notices, share rows, teaser blocks, footers), every story paragraph stays."""
    expected = json.loads(golden.read_text(encoding="utf-8"))
    text = golden.with_name(golden.name.replace(".expected.json", ".txt")).read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first = [normalize_text(line).text for line in lines].index(expected["paragraphs"][0])
    cleaned = clean_paragraphs(lines[first:], title=expected["title"])
    kept = [p for p in cleaned.paragraphs if p not in HEADER_META_IN_STORY.get(golden.name[:-14], ())]
    assert kept == expected["paragraphs"]
