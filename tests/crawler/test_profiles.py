from dataclasses import replace

import pytest

from crawler.fixturesite import load_manifest
from crawler.profiles import PROFILES, build_registry, profile_for_url, render_sites_table, rules_for
from crawler.profiles.schema import Edition, Listing, Rss, Sitemap, SiteProfile
from pipelines.options import DEFAULT_RULES
from tests.fixture_data import GOLDENS as EXPECTED

MANIFEST = load_manifest()


class TestRegistry:
    def test_profiles_are_registered_by_their_names(self):
        known = "azh diapazon ekaraganda kazinform lada tengrinews uralskweek vecher".split()
        assert set(known) <= set(PROFILES)
        assert all(name == profile.name for name, profile in PROFILES.items())

    def test_a_duplicate_name_fails(self):
        profile = PROFILES["kazinform"]
        clone = replace(
            profile,
            article_urls=replace(profile.article_urls, hosts=("other.kz",)),
            editions={"ru": Edition("https://other.kz/", "ru")},
            sources=(),
        )
        with pytest.raises(ValueError, match="duplicate site profile name 'kazinform'"):
            build_registry([profile, clone])

    def test_a_host_claimed_twice_fails(self):
        profile = PROFILES["kazinform"]
        with pytest.raises(ValueError, match=r"www\.inform\.kz is claimed by"):
            build_registry([profile, replace(profile, name="kazinform2")])

    def test_profile_for_url_and_rules_for(self):
        assert profile_for_url("https://kaz.tengrinews.kz/world_news/x-566105/").name == "tengrinews"
        assert profile_for_url("https://example.org/") is None
        assert rules_for("kazinform").name == "kazinform"
        assert rules_for(url="https://qz.inform.kz/news/a-4e7a21/").name == "kazinform"
        assert rules_for(url="https://example.org/x") is DEFAULT_RULES
        with pytest.raises(KeyError, match="unknown site 'example'"):
            rules_for("example")


class TestSchemaValidation:
    def test_edition_rejects_unknown_language_and_defaults_script(self):
        with pytest.raises(ValueError, match="lang 'de'"):
            Edition("https://x.kz/", "de")
        assert Edition("https://x.kz/", "en").script == "Latn"
        assert Edition("https://x.kz/", "kk").script == "Cyrl"

    def test_listing_needs_a_page_placeholder(self):
        with pytest.raises(ValueError, match="has no"):
            Listing("https://x.kz/news/")

    def test_source_of_unknown_edition_fails(self):
        profile = PROFILES["tengrinews"]
        with pytest.raises(ValueError, match="unknown edition 'de'"):
            replace(profile, sources=(Rss("https://tengrinews.kz/news.rss", "de"),))

    def test_shared_sitemap_serves_the_editions_on_its_host(self):
        profile = PROFILES["kazinform"]
        assert profile.editions_of(Sitemap("https://www.inform.kz/sitemap.xml")) == ("ru", "kk", "en")
        assert profile.editions_of(Rss("https://www.inform.kz/kz/rss/", "kk")) == ("kk",)


class TestFixtureCoverage:
    @pytest.mark.parametrize("name", sorted(PROFILES))
    def test_every_edition_has_at_least_two_fixture_articles(self, name):
        for edition in PROFILES[name].editions:
            count = sum(1 for e in EXPECTED.values() if e["site"] == name and e["edition"] == edition)
            assert count >= 2, f"{name}/{edition} has {count} fixture articles"

    @pytest.mark.parametrize("url", sorted(EXPECTED))
    def test_fixture_articles_are_articles_of_their_edition(self, url):
        profile = PROFILES[EXPECTED[url]["site"]]
        assert profile.article_urls.is_article(url)
        assert profile.edition_for_url(url) == EXPECTED[url]["edition"]
        edition = profile.editions[EXPECTED[url]["edition"]]
        assert (edition.lang, edition.script) == (EXPECTED[url]["lang"], EXPECTED[url]["script"])

    def test_non_article_fixture_urls_are_not_articles(self):
        redirects = {url for url, page in MANIFEST.items() if page.location}
        others = set(MANIFEST) - set(EXPECTED) - redirects
        others -= {u for u in others if "/press_releases/" in u or "-cf0a11b8" in u or "udalennaya" in u}
        assert any("/amp/" in u for u in others) and any("lenta/?page=" in u for u in others)
        for url in others:
            profile = profile_for_url(url)
            assert profile is not None, url
            assert not profile.article_urls.is_article(url), url

    def test_old_kazinform_urls_are_articles_and_amp_twins_are_not(self):
        rules = PROFILES["kazinform"].article_urls
        assert rules.is_article("https://www.inform.kz/kz/ishki-mongol-avtonomiyalyk_a3103653")
        assert not rules.is_article(
            "https://www.inform.kz/en/kazinform-marks-its-101st-birthday_a3823445/amp"
        )
        assert not rules.is_article("https://www.inform.kz/ru/tag/astana-abc123")
        tengri = PROFILES["tengrinews"].article_urls
        assert not tengri.is_article("https://tengrisport.kz/football/kayrat-125400/")
        assert not tengri.is_article("https://tengrinews.kz/amp/kazakhstan_news/sinoptiki-587310/")

    def test_qazinform_com_is_off_site(self):
        assert not PROFILES["kazinform"].article_urls.in_scope("https://qazinform.com/news/x-7c1a55")


class TestSitesTable:
    def test_one_row_per_edition_with_its_region_and_discovery(self):
        table = render_sites_table().splitlines()
        assert table[0] == "| Site | Spider | Region | Edition | Language | Base URL | Discovery |"
        rows = table[2:]
        assert len(rows) == sum(len(p.editions) for p in PROFILES.values())
        assert all(row.count("|") == table[0].count("|") for row in rows)
        assert (
            "| Tengrinews | `tengrinews` | — | kk | kk-Cyrl | https://kaz.tengrinews.kz/ | sitemap |" in rows
        )
        assert (
            "| Kazinform | `kazinform` | — | kk-Latn | kk-Latn | https://qz.inform.kz/ | sitemap, listing |"
            in rows
        )

    def test_a_thin_profile_shows_its_region_and_auto_discovery(self):
        profile = replace(PROFILES["tengrinews"], sources=(), region="KZ-75")
        row = render_sites_table({"tengrinews": profile}).splitlines()[2]
        assert row.startswith("| Tengrinews | `tengrinews` | KZ-75 | ru |") and row.endswith("| auto |")

    def test_a_listing_alone_is_searched_beside(self):
        listing = next(s for s in PROFILES["tengrinews"].sources if isinstance(s, Listing))
        profile = replace(PROFILES["tengrinews"], sources=(listing,))
        assert render_sites_table({"tengrinews": profile}).splitlines()[2].endswith("| listing, auto |")

    def test_plain_text_lines_up_the_same_rows(self):
        lines = render_sites_table(markdown=False).splitlines()
        assert lines[0].split() == "Site Spider Region Edition Language Base URL Discovery".split()
        assert len(lines) == 1 + sum(len(p.editions) for p in PROFILES.values())
        assert len({line.index("https://") for line in lines[1:]}) == 1  # one column for the base URLs


def test_site_profile_requires_edition_hosts_in_scope():
    profile = PROFILES["tengrinews"]
    with pytest.raises(ValueError, match="edition xx host"):
        SiteProfile(
            name="x",
            title="X",
            editions={"xx": Edition("https://elsewhere.kz/", "ru")},
            sources=(),
            article_urls=profile.article_urls,
            rules=profile.rules,
        )
