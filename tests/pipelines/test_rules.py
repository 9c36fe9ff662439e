import re

import pytest

from pipelines import rules as R
from pipelines.boilerplate import match_junk

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
     R.PAGE_CHROME_START, R.PROMO_START],
)  # fmt: skip
def test_language_tables_cover_kk_ru_en_without_duplicates(table):
    assert {"ru", "kk", "en"} <= set(table)
    for phrases in table.values():
        assert len({p.casefold() for p in phrases}) == len(phrases)


@pytest.mark.parametrize(
    "pattern",
    [R.VIEW_COUNTER, R.PHONE_LINE, R.READ_ALSO_INLINE, R.SOCIAL_EMBED_INLINE, R.SOCIAL_EMBED_AUTHOR,
     *R.WEATHER_VALUE_PATTERNS],
)  # fmt: skip
def test_patterns_compile(pattern):
    re.compile(pattern)
