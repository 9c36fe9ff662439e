"""Every saved article page of the fixture site through clean_page, field by field against expected.json."""

from datetime import datetime

import pytest

from crawler.fixturesite import FIXTURE_NOW, load_manifest
from crawler.profiles import profile_for_url
from pipelines.article import Article, RawPage
from pipelines.core import clean_page
from tests.fixture_data import EXPECTED

FIELDS = ("title", "lang", "script", "author", "section", "tags", "dateline", "source_credit", "lead")


@pytest.fixture(scope="module")
def manifest():
    return load_manifest()


@pytest.fixture(scope="module", params=sorted(EXPECTED), ids=lambda url: url.rsplit("/", 2)[-2][:40])
def case(request, manifest):
    url = request.param
    page = manifest[url]
    profile = profile_for_url(url)
    expected = EXPECTED[url]
    raw = RawPage(
        url=url,
        body=page.body,
        headers=page.response_headers(),
        fetched_at=FIXTURE_NOW,
        site=profile.name,
        edition=expected["edition"],
    )
    result = clean_page(raw, profile.rules)
    assert isinstance(result, Article), result
    return result, expected


@pytest.mark.parametrize("field", FIELDS)
def test_field_matches_expected(case, field):
    article, expected = case
    assert article.to_json()[field] == expected[field]


def test_published_at_is_the_same_instant_with_the_local_offset(case):
    article, expected = case
    assert article.published_at == datetime.fromisoformat(expected["published_at"])
    assert article.published_at.utcoffset() == datetime.fromisoformat(expected["published_at"]).utcoffset()


def test_body_is_the_story_once_without_junk(case):
    article, expected = case
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


def test_every_edition_of_both_sites_is_covered():
    assert {(e["site"], e["edition"]) for e in EXPECTED.values()} == {
        ("kazinform", "ru"), ("kazinform", "kk"), ("kazinform", "en"), ("kazinform", "kk-Latn"),
        ("tengrinews", "ru"), ("tengrinews", "kk"), ("tengrinews", "en"),
    }  # fmt: skip
