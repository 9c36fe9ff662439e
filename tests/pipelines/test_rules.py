import re

import pytest

from pipelines import rules as R
from pipelines.boilerplate import clean_paragraphs, match_junk
from pipelines.teasers import is_teaser_label

# Every phrase of a table must fire its rule when it stands alone on a line: a phrase that a guard or the
# decoration stripping can never reach is dead data.
TABLES = [
    ("currency_widget", R.CURRENCY_LABELS),
    ("weather_widget", R.WEATHER_LABELS),
    ("share_social", R.SHARE_SOCIAL_WHOLE),
    ("share_social", R.SHARE_SOCIAL_SHORT),
    ("share_social", R.SHARE_SOCIAL_START),
    ("share_social", R.SHARE_SOCIAL_INSIDE),
    ("social_embed", R.SOCIAL_EMBED_START),
    ("read_also", R.READ_ALSO_START),
    ("read_also", R.READ_ALSO_LISTS),
    ("page_chrome", R.PAGE_CHROME_WHOLE),
    ("page_chrome", R.PAGE_CHROME_SHORT),
    ("page_chrome", R.PAGE_CHROME_START),
    ("page_chrome", R.SITE_NAMES),
    ("page_chrome", R.SECTION_LABELS),
    ("share_social", R.SOCIAL_NETWORKS),
    ("page_chrome", R.AGENCIES),
    ("promo", R.PROMO_START),
    ("promo", R.PROMO_INSIDE),
]
CASES = [
    (rule, phrase)
    for rule, table in TABLES
    for phrase in (table if isinstance(table, tuple) else [p for group in table.values() for p in group])
]


@pytest.mark.parametrize(("rule", "phrase"), CASES)
def test_every_phrase_fires_its_rule(rule, phrase):
    assert match_junk(phrase) == rule


@pytest.mark.parametrize(("rule", "phrase"), CASES)
def test_phrases_are_clean(rule, phrase):
    assert phrase == phrase.strip() and "  " not in phrase


@pytest.mark.parametrize(
    "table",
    [R.CURRENCY_LABELS, R.WEATHER_LABELS, R.KZ_CITIES, R.SHARE_SOCIAL_WHOLE, R.SHARE_SOCIAL_SHORT,
     R.SHARE_SOCIAL_START, R.READ_ALSO_START, R.READ_ALSO_LISTS, R.PAGE_CHROME_WHOLE, R.PAGE_CHROME_SHORT,
     R.PAGE_CHROME_START, R.PROMO_START, R.SECTION_LABELS, R.TEASER_LABELS, R.TEASER_LABEL_STEMS,
     R.SUBSCRIBE_CALLS],
)  # fmt: skip
def test_language_tables_cover_kk_ru_en_without_duplicates(table):
    assert {"ru", "kk", "en"} <= set(table)
    for phrases in table.values():
        assert len({p.casefold() for p in phrases}) == len(phrases)


@pytest.mark.parametrize(
    "pattern",
    [R.VIEW_COUNTER, R.PHONE_LINE, R.READ_ALSO_INLINE, R.SOCIAL_EMBED_INLINE, R.SOCIAL_EMBED_AUTHOR,
     *R.WEATHER_VALUE_PATTERNS, R.READING_TIME, R.EMAIL_LINE, R.COPYRIGHT_LINE],
)  # fmt: skip
def test_patterns_compile(pattern):
    re.compile(pattern)


# One line per notice regex (the uakytnews.kz one quoted in a reviewer's report, the others phrasings of the
# page texts in tests/pipelines/data/real_texts): a regex no line reaches is dead data.
NOTICE_EXAMPLES = [
    "При использовании материалов ссылка на ng.kz обязательна",
    "Цитирование разрешено, ссылка на kazpravda.kz обязательна.",
    "Перепечатка материалов без разрешения редакции запрещена.",
    "Мнение редакции может не совпадать с мнением автора.",
    "Толық немесе ішінара пайдаланғанына қарамастан, сайт материалдарын пайдаланған кезде uakytnews.kz "
    "сайтына гиперсілтеме жасауыңызды сұраймыз.",
    "Сайт материалдарын пайдаланғанда сілтеме жасау міндетті.",
    "Дереккөзге гиперсілтеме көрсетуіңізді сұраймыз.",
    "Abai.kz сайтындағы материалдарды көшіріп басу үшін редакцияның рұқсаты қажет.",
    "Жазбаша рұқсатсыз көшіруге тыйым салынады.",
    "Редакцияның пікірі авторлардың пікірімен сәйкес келмеуі мүмкін.",
    "Materials may not be reproduced without the written permission of the publisher.",
    "Reproduction of this article is prohibited.",
    "2024, Все права защищены",
    "Сетевое издание зарегистрировано в Министерстве информации и общественного развития РК.",
    "Мы используем файлы cookie для удобства пользователей.",
    "Барлық құқық қорғалған © 2024",
    "Қазақстан Республикасы Ақпарат министрлігінде тіркелген. Куәлік № 12345-Г",
    "Басылым Ақпарат және қоғамдық даму министрлігінде тіркелген.",
    "Сайт cookie файлдарын пайдаланады.",
    "2024 Kursiv Media, all rights reserved",
    "This website uses cookies to improve your experience.",
]
SUBSCRIBE_EXAMPLES = [
    "Подпишитесь на канал Sputnik Казахстан в Telegram",
    "Біздің Instagram парақшамызға жазылыңыз!",
    "Subscribe to our newsletter",
]


NOTICES = [
    notice for table in (R.REPRINT_NOTICES, R.FOOTER_NOTICES) for group in table.values() for notice in group
]


@pytest.mark.parametrize("table", [R.REPRINT_NOTICES, R.FOOTER_NOTICES])
def test_notice_tables_cover_kk_ru_en_without_duplicates(table):
    assert {"ru", "kk", "en"} <= set(table)
    patterns = [pattern for group in table.values() for _, pattern in group]
    assert len(set(patterns)) == len(patterns)


@pytest.mark.parametrize(("anchor", "pattern"), NOTICES)
def test_every_notice_fires_on_an_example_line_holding_its_anchor(anchor, pattern):
    hits = [line for line in NOTICE_EXAMPLES if re.search(pattern, line, re.I)]
    assert hits, pattern
    for line in hits:
        assert anchor in line  # the anchor is the cheap test before the regex: it must not lose a notice
        assert match_junk(line) == "page_chrome"


@pytest.mark.parametrize("pattern", [p for group in R.SUBSCRIBE_CALLS.values() for p in group])
def test_every_subscribe_call_fires_on_an_example_line(pattern):
    assert pattern.startswith("^") or pattern.endswith("$")  # junk.py tries them at the start or the end
    hits = [line for line in SUBSCRIBE_EXAMPLES if re.search(pattern, line, re.I)]
    assert hits and all(match_junk(line) == "share_social" for line in hits), pattern


STORY = (
    "Шымкент қаласында 300 келушіге арналған жаңа емхана пайдалануға берілді. Бұл туралы әкімдік хабарлады."
)


@pytest.mark.parametrize("label", [p for group in R.TEASER_LABELS.values() for p in group])
def test_teaser_labels_are_no_junk_alone_but_open_a_block_at_the_end(label):
    assert match_junk(label) is None
    tail = [label, "Алматыда жаңбыр жауады", "Ақтөбеде жаңа көпір салынады"]
    assert clean_paragraphs([STORY, *tail]).paragraphs == (STORY,)
    assert clean_paragraphs([STORY, label, STORY.replace("300", "400")]).paragraphs[1] == label


@pytest.mark.parametrize("stem", [p for group in R.TEASER_LABEL_STEMS.values() for p in group])
def test_teaser_label_stems_name_a_block(stem):
    assert is_teaser_label(f"Басқа {stem}")
    assert not is_teaser_label(f"{stem} " + "сөз " * R.TEASER_LABEL_WORDS)
