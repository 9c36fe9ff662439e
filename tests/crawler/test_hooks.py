"""Per-site field hooks (pipelines/hooks.py): named in SiteRules, imported by name, one field each."""

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from crawler.profiles import PROFILES, build_registry
from pipelines.article import RawPage, Rejection, Translation
from pipelines.core import clean_page, extract_html
from pipelines.hooks import HookError, HookPage, apply_hook, resolve_hook
from pipelines.options import FieldHook, Layout, SiteRules
from pipelines.sharedpool import PoolConfig, acquire_pool

HERE = __name__
FETCHED = datetime(2026, 4, 28, 12, 0, tzinfo=UTC)
STORY = (
    "Акимат города сообщил, что ремонт моста через реку Илек завершат к середине лета, а движение по нему "
    "откроют сразу после проверки конструкций. Подрядчик уже заменил опоры и настил, осталось уложить "
    "асфальт и установить новые перила вдоль пешеходной части. Жители левого берега ждут окончания работ: "
    "объезд через соседний мост занимает в часы пик до сорока минут."
)


def page(head="", title="Мост через Илек откроют летом", byline="Алия Сейтова"):
    return f"""<html lang="ru"><head><meta charset="utf-8"><title>{title}</title>
<meta property="article:published_time" content="2026-04-27T10:00:00+05:00">{head}</head><body>
<article><h1>{title}</h1><div class="by">{byline}</div><div class="text"><p>{STORY}</p>
<p class="sign">Редакция: {byline}</p></div></article></body></html>"""


# Hooks of this test module: importable by name in any process, as a profile's are.
def shout_title(page: HookPage, found):
    return found.upper()


def keep_title(page: HookPage, found):
    return None


def first_paragraph_only(page: HookPage, found):
    return found[:1]


def byline_author(page: HookPage, found):
    return page.tree.cssselect("div.by")[0].text_content().strip()


def noon_published(page: HookPage, found):
    return datetime(2026, 4, 26, 12, 0, tzinfo=UTC)


def naive_published(page: HookPage, found):
    return datetime(2026, 4, 26, 12, 0)


NOT_A_FUNCTION = 42


def rules_with(*hooks, **fields):
    return SiteRules(hooks=tuple(FieldHook(field, f"{HERE}:{name}") for field, name in hooks), **fields)


class TestFieldHook:
    def test_a_hook_names_a_known_field_and_a_module_function(self):
        with pytest.raises(ValueError, match="hook field 'summary' is not one of title, body, published_at"):
            FieldHook("summary", f"{HERE}:shout_title")
        with pytest.raises(ValueError, match=r"is not 'package\.module:function'"):
            FieldHook("title", f"{HERE}.shout_title")

    @pytest.mark.parametrize(
        ("name", "message"),
        [("tests.no_such_module:f", "cannot be imported"), (f"{HERE}:missing", "cannot be imported"),
         (f"{HERE}:NOT_A_FUNCTION", "is not a function")],
    )  # fmt: skip
    def test_a_name_that_is_no_function_fails_in_one_line(self, name, message):
        with pytest.raises(HookError, match=message):
            resolve_hook(name)

    def test_a_hook_is_imported_once_per_process(self):
        assert resolve_hook(f"{HERE}:shout_title") is resolve_hook(f"{HERE}:shout_title") is shout_title


class TestEachField:
    def test_title(self):
        article = extract_html(
            page(), "https://x.test/a-1", now=FETCHED, rules=rules_with(("title", "shout_title"))
        )
        assert article.title == "МОСТ ЧЕРЕЗ ИЛЕК ОТКРОЮТ ЛЕТОМ"

    def test_none_keeps_what_the_extraction_found(self):
        plain = extract_html(page(), "https://x.test/a-1", now=FETCHED)
        kept = extract_html(
            page(), "https://x.test/a-1", now=FETCHED, rules=rules_with(("title", "keep_title"))
        )
        assert kept == plain and kept.title == "Мост через Илек откроют летом"

    def test_body_goes_through_the_shared_cleaning_and_says_so(self):
        plain = extract_html(page(), "https://x.test/a-1", now=FETCHED)
        rules = rules_with(("body", "first_paragraph_only"))
        article = extract_html(page(), "https://x.test/a-1", now=FETCHED, rules=rules)
        assert len(plain.paragraphs) > 1 and article.paragraphs == (STORY,)
        assert article.extraction == "hook"

    def test_author_from_the_parsed_page(self):
        rules = rules_with(("author", "byline_author"))
        assert extract_html(page(), "https://x.test/a-1", now=FETCHED, rules=rules).author == "Алия Сейтова"

    def test_published_at_and_its_source(self):
        rules = rules_with(("published_at", "noon_published"))
        article = extract_html(page(), "https://x.test/a-1", now=FETCHED, rules=rules)
        assert (article.published_at, article.date_source) == (
            datetime(2026, 4, 26, 12, 0, tzinfo=UTC),
            "hook",
        )

    def test_a_naive_date_is_a_counted_extract_error_of_that_page(self):
        raw = RawPage(url="https://x.test/a-1", body=page().encode(), fetched_at=FETCHED)
        rejection = clean_page(raw, rules_with(("published_at", "naive_published")))
        assert isinstance(rejection, Rejection) and rejection.reason == "extract_error"
        assert rejection.detail.startswith("HookError: hook") and "without a UTC offset" in rejection.detail

    def test_rules_without_a_hook_for_the_field_leave_it(self):
        assert apply_hook(rules_with(("title", "shout_title")), "author", None, "Б. Б.") == "Б. Б."


class TestLayoutsKeepTheirDates:
    def test_the_day_s_layout_and_the_hook_both_apply(self):
        old = Layout(valid_until=date(2025, 12, 31), body="div.none-any-more")
        current = Layout(body="div.text", drop=("p.sign",))
        rules = rules_with(("title", "shout_title"), layouts=(old, current))
        for day, extraction in ((datetime(2025, 6, 1, tzinfo=UTC), "fallback"), (FETCHED, "layout")):
            article = extract_html(page(), "https://x.test/a-1", now=day, rules=rules)
            assert (article.title, article.extraction) == ("МОСТ ЧЕРЕЗ ИЛЕК ОТКРОЮТ ЛЕТОМ", extraction)


class TestInWorkers:
    def test_a_worker_process_imports_the_hook_by_its_name(self):
        raw = RawPage(url="https://x.test/a-1", body=page().encode(), fetched_at=FETCHED)
        rules = rules_with(("title", "shout_title"), ("author", "byline_author"))

        async def in_a_worker():
            lease = await acquire_pool(PoolConfig(1, task_timeout=30))
            try:
                return await lease.run(clean_page, raw, rules)
            finally:
                await lease.release()

        article = asyncio.run(in_a_worker())
        assert (article.title, article.author) == ("МОСТ ЧЕРЕЗ ИЛЕК ОТКРОЮТ ЛЕТОМ", "Алия Сейтова")


class TestRegistry:
    def test_a_profile_s_hooks_are_imported_with_the_registry(self):
        broken = replace(PROFILES["tengrinews"], rules=rules_with(("title", "missing")))
        with pytest.raises(HookError, match="cannot be imported"):
            build_registry([broken])

    def test_one_hook_per_field(self):
        twice = replace(
            PROFILES["tengrinews"], rules=rules_with(("title", "shout_title"), ("title", "keep_title"))
        )
        with pytest.raises(ValueError, match="tengrinews: two hooks for one field"):
            build_registry([twice])


KAZINFORM_HEAD = """<link rel="canonical" href="https://www.inform.kz/ru/most-4be1c0">
<link rel="alternate" hreflang="ru" href="https://www.inform.kz/ru/most-4be1c0">
<link rel="alternate" hreflang="kz" href="https://www.inform.kz/kz/kopir-4be1c1">
<link rel="alternate" hreflang="qz" href="https://qz.inform.kz/news/kopir-77a0f1/">
<link rel="alternate" hreflang="kk-Latn" href="https://qz.inform.kz/news/other-77a0f2/">"""


class TestKazinformLatinEdition:
    def test_its_qz_code_names_the_latin_script_edition(self):
        raw = RawPage(
            url="https://www.inform.kz/ru/most-4be1c0", body=page(KAZINFORM_HEAD).encode(), fetched_at=FETCHED
        )
        article = clean_page(raw, PROFILES["kazinform"].rules)
        assert article.translations == (
            Translation("kk", "https://www.inform.kz/kz/kopir-4be1c1"),
            Translation("kk-Latn", "https://qz.inform.kz/news/kopir-77a0f1/"),  # the first kk-Latn link
        )

    def test_the_shared_core_knows_no_site_code(self):
        raw = RawPage(
            url="https://www.inform.kz/ru/most-4be1c0", body=page(KAZINFORM_HEAD).encode(), fetched_at=FETCHED
        )
        langs = [t.lang for t in clean_page(raw).translations]
        assert langs == ["kk", "qz", "kk-Latn"]
