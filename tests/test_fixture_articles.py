"""Every fixture article page through clean_page against its golden (tests/fixtures/goldens), by field."""

import json
from datetime import datetime
from pathlib import Path

import pytest

from crawler.fixturesite import load_manifest
from crawler.goldens import (
    GOLDENS_DIR,
    HUMAN_KEYS,
    clean_fixture_page,
    golden_fields,
    golden_path,
    render_golden,
)
from crawler.profiles import PROFILES
from pipelines.article import Article
from tests.fixture_data import EXPECTED, GOLDENS, expected_fields

FIELDS = ("title", "lang", "script", "author", "section", "tags", "dateline", "source_credit", "lead")
OUTPUT_FIELDS = tuple(sorted(golden_fields(Article())))
"""What a golden records of clean_page's output; "without" is checked against the text instead."""
PAGES = load_manifest()
LAYOUTS = [(name, layout) for name, profile in PROFILES.items() for layout in profile.rules.layouts]


def page_id(url):
    return Path(PAGES[url].file).with_suffix("").as_posix()


def empty_strings(value, where="golden"):
    """Paths of the "" values in a JSON value: a golden says null where there is nothing."""
    if value == "":
        return [where]
    if isinstance(value, dict):
        return [path for key, item in value.items() for path in empty_strings(item, f"{where}.{key}")]
    if isinstance(value, list):
        return [path for i, item in enumerate(value) for path in empty_strings(item, f"{where}[{i}]")]
    return []


@pytest.fixture(scope="module", params=sorted(GOLDENS), ids=page_id)
def case(request):
    url = request.param
    golden = GOLDENS[url]
    return clean_fixture_page(PAGES[url]), golden, expected_fields(golden, PAGES[url])


class TestOutputEqualsGolden:
    @pytest.mark.parametrize("field", [*OUTPUT_FIELDS, "without"])
    def test_field(self, case, field):
        article, golden, _ = case
        if field == "without":
            assert [snippet for snippet in golden["without"] if snippet in article.text] == []
        else:
            assert golden_fields(article)[field] == golden[field]


class TestGoldenFiles:
    @pytest.mark.parametrize("url", sorted(GOLDENS), ids=page_id)
    def test_golden_is_stored_canonically_with_every_key_and_null_for_nothing(self, url):
        text = golden_path(PAGES[url].file).read_text(encoding="utf-8")
        golden = json.loads(text)
        assert text == render_golden(golden)  # sorted keys, indent 1, UTF-8 as is
        assert set(golden) == {*OUTPUT_FIELDS, *HUMAN_KEYS}
        assert empty_strings(golden) == []
        assert golden["url"] == url

    def test_every_golden_file_belongs_to_a_fixture_page(self):
        stored = sorted(GOLDENS_DIR.rglob("*.json"))
        assert stored == sorted(golden_path(PAGES[url].file) for url in GOLDENS)

    @pytest.mark.parametrize(
        ("name", "layout"), LAYOUTS, ids=[f"{name}-{lay.valid_until or 'current'}" for name, lay in LAYOUTS]
    )
    def test_every_layout_of_every_profile_has_a_fixture_page(self, name, layout):
        rules = PROFILES[name].rules
        dates = [PAGES[url].fetched_at.date() for url, golden in GOLDENS.items() if golden["site"] == name]
        assert any(rules.layout_for(day) is layout for day in dates), f"no {name} page fetched in its days"


@pytest.mark.parametrize("field", FIELDS)
def test_field_matches_expected(case, field):
    article, _, expected = case
    assert article.to_json()[field] == expected[field]


def test_published_at_is_the_same_instant_with_the_local_offset(case):
    article, _, expected = case
    assert article.published_at == datetime.fromisoformat(expected["published_at"])
    assert article.published_at.utcoffset() == datetime.fromisoformat(expected["published_at"]).utcoffset()


def test_body_is_the_story_once_without_junk(case):
    article, _, expected = case
    body = list(article.paragraphs)
    if expected["lead"]:
        assert body[0] == expected["lead"]  # the lead opens the text, exactly once
        body = body[1:]
    assert body[0] == expected["first_paragraph"]
    assert body[-1] == expected["last_paragraph"]
    assert len(body) == expected["paragraph_count"]
    assert len(set(article.paragraphs)) == len(article.paragraphs)
    for snippet in expected["without"]:
        assert snippet not in article.text


def test_every_edition_of_every_site_is_covered():
    assert {(e["site"], e["edition"]) for e in EXPECTED.values()} == {
        (name, edition) for name, profile in PROFILES.items() for edition in profile.editions
    }
