"""Each profile's fixture pages without its guessed selectors; each profile replayed from the fixture WARC.

Most outlets' fixture pages are our synthetic renditions (kz-sites.md §12: no real HTML), and their selectors
our guesses: each article page must come out the same through the generic path, with every layout's body
selector removed. Then each site crawls the packed fixture site and stores exactly its fixture articles.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from crawler.fixturesite import DEFAULT_MANIFEST, load_manifest, pack_fixture_site
from crawler.goldens import golden_fields
from crawler.profiles import PROFILES, profile_for_url
from pipelines.article import Article, RawPage
from pipelines.core import clean_page
from pipelines.options import SiteRules
from tests.crawls import EXPECTED, crawl, expected_urls, mismatches, read_store
from tests.fixture_data import GOLDENS

PAGES = load_manifest()
GENERIC_FIELDS = ("title", "paragraphs", "lang", "script")
"""What the generic path must give as the golden does, besides the publication instant and its offset."""
GENERIC_GAPS: dict[str, str] = {}
"""Pages the generic path does not yet clean as their layout does, with the reason: a strict xfail, so the
day one passes it must leave this list. Emptied when the generic path took the shared ad slots and the
layout's drop selectors out before trafilatura and unlinked "Ранее сообщалось" lines (genericpage.py)."""


def page_id(url: str) -> str:
    return Path(PAGES[url].file).with_suffix("").as_posix()


def without_body_selectors(rules: SiteRules) -> SiteRules:
    """The rules with every layout's body selector removed (the generic path reads the body)."""
    return replace(rules, layouts=tuple(replace(layout, body=None) for layout in rules.layouts))


def clean_generically(url: str) -> Article:
    """The fixture page through clean_page as the crawl would clean it, but without body selectors."""
    page, profile = PAGES[url], profile_for_url(url)
    raw = RawPage(
        url=url,
        body=page.body,
        headers=page.response_headers(),
        fetched_at=page.fetched_at,
        site=profile.name,
        edition=profile.edition_for_url(url),
    )
    article = clean_page(raw, without_body_selectors(profile.rules))
    assert isinstance(article, Article), f"{url}: {article}"
    return article


def generic_case(url: str):
    reason = GENERIC_GAPS.get(page_id(url))
    return pytest.param(url, marks=pytest.mark.xfail(reason=reason, strict=True) if reason else ())


class TestGenericPath:
    @pytest.mark.parametrize("url", [generic_case(url) for url in sorted(GOLDENS)], ids=page_id)
    def test_page_without_body_selectors_gives_its_golden(self, url):
        article, golden = clean_generically(url), GOLDENS[url]
        fields = golden_fields(article)
        assert {f: fields[f] for f in GENERIC_FIELDS} == {f: golden[f] for f in GENERIC_FIELDS}
        published = datetime.fromisoformat(golden["published_at"])
        assert (article.published_at, article.published_at.utcoffset()) == (published, published.utcoffset())
        assert [snippet for snippet in golden["without"] if snippet in article.text] == []

    def test_every_gap_names_a_page_with_a_layout(self):
        """A page without any layout is cleaned generically by its golden already: it cannot be a gap."""
        by_id = {page_id(url): url for url in GOLDENS}
        assert all(name in by_id and profile_for_url(by_id[name]).rules.layouts for name in GENERIC_GAPS)


class TestFixturePages:
    @pytest.mark.parametrize("name", sorted(PROFILES))
    def test_every_fixture_host_has_a_robots_txt(self, name):
        hosts = {url.split("/")[2] for url in PAGES if profile_for_url(url) is PROFILES[name]}
        assert {f"https://{host}/robots.txt" for host in hosts} <= set(PAGES)


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("warc") / "site.warc.gz"
    pack_fixture_site(DEFAULT_MANIFEST, path)
    return path


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(PROFILES))
def test_profile_replays_and_stores_its_fixture_articles(archive, tmp_path, name):
    """``scrapy crawl <site>`` over the fixture WARC stores each fixture article of the site, right."""
    database = f"sqlite:///{tmp_path}/{name}.sqlite3"
    crawl(name, database, {"KZNEWS_REPLAY": archive})
    stored = read_store(database)
    assert set(stored.articles) == expected_urls(name)
    problems = {url: mismatches(article, EXPECTED[url]) for url, article in stored.articles.items()}
    assert {url: p for url, p in problems.items() if p} == {}
