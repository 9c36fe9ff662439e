"""User-defined sites in TOML (crawler/profiles/userfile.py): schema, one-line errors, the registry."""

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from crawler.profiles import BUILT_IN, build_registry
from crawler.profiles.schema import Listing, Rss, Sitemap
from crawler.profiles.userfile import load_user_sites
from crawler.usererrors import SitesFileError
from pipelines import runstats
from tests.crawls import crawl_command, read_store
from tests.thin_site import serve_thin_sites, stories_on

ROOT = Path(__file__).resolve().parents[2]
README_EXAMPLE = re.search(
    r"### Sites of your own.*?```toml\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S
).group(1)
THIN = """
[[sites]]
name = "vesti"
region = "KZ-15"
editions.ru = { base_url = "https://www.vesti.test/", lang = "ru" }
editions.kk = { base_url = "https://kaz.vesti.test/", lang = "kk" }
"""


def load(tmp_path, text, name="sites.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_user_sites(path, BUILT_IN)


class TestSchema:
    def test_the_readme_example_loads_every_field(self, tmp_path):
        (site,) = load(tmp_path, README_EXAMPLE)
        assert (site.name, site.title, site.region) == ("aqtobe-vesti", "Aqtobe Vesti", "KZ-15")
        assert [(k, e.lang, e.script) for k, e in site.editions.items()] == [
            ("ru", "ru", "Cyrl"),
            ("kk", "kk", "Cyrl"),
        ]
        assert [type(s) for s in site.sources] == [Sitemap, Rss, Listing]
        listing = site.sources[2]
        assert (listing.edition, listing.max_pages, listing.card, listing.card_date) == (
            "ru",
            5,
            "div.news-item",
            "span.date",
        )
        assert site.article_urls.hosts == ("aqtobe-vesti.example",)
        assert site.article_urls.is_article("https://aqtobe-vesti.example/kz/news/123-x")
        assert not site.article_urls.is_article("https://aqtobe-vesti.example/news/123-x/amp/")
        rules = site.rules
        assert (rules.name, rules.tz, rules.hosts, rules.hooks) == (
            "aqtobe-vesti",
            "Asia/Aqtobe",
            ("aqtobe-vesti.example",),
            (),
        )
        assert rules.layout_for(date(2025, 6, 1)).body == "div.article-text"
        assert rules.layout_for(date(2026, 6, 1)).author == ".author-name"  # layouts keep their dates
        assert (site.politeness.download_delay, site.politeness.concurrency) == (2.0, 1)

    def test_a_thin_site_is_a_name_and_editions_with_hosts_from_them(self, tmp_path):
        (site,) = load(tmp_path, THIN)
        assert (site.title, site.sources, site.article_urls.include) == ("vesti", (), ())
        assert site.article_urls.hosts == ("www.vesti.test", "kaz.vesti.test")
        assert site.edition_for_url("https://kaz.vesti.test/news/1") == "kk"
        assert not site.states_feeds(("ru", "kk"))  # discovery will search

    def test_user_sites_join_the_built_in_ones_in_one_registry(self, tmp_path):
        registry = build_registry([*BUILT_IN.values(), *load(tmp_path, THIN)])
        assert set(registry) == {*BUILT_IN, "vesti"}


def site_with(line, table="", editions='editions.ru = { base_url = "https://x.test/", lang = "ru" }'):
    return f'[[sites]]\nname = "x"\n{editions}\n{line}\n{table}'


class TestErrors:
    @pytest.mark.parametrize(
        ("text", "message"),
        [
            (
                site_with("", editions='editions.ru = { base_url = "https://x.test/", lang = "xx" }'),
                "sites.toml: sites[0].editions.ru.lang: 'xx' is not one of ru, kk, en",
            ),
            (
                site_with("", editions='editons.ru = { base_url = "https://x.test/", lang = "ru" }'),
                "sites.toml: sites[0].editons: unknown key; did you mean 'editions'?",
            ),
            (
                site_with('region = "KZ-99"'),
                "sites.toml: sites[0].region: 'KZ-99' is not one of KZ-10, KZ-11,",
            ),
            (
                site_with('politeness.concurrency = "two"'),
                "sites[0].politeness.concurrency: expected a whole",
            ),
            (
                site_with("rules.hooks = []"),
                "sites.toml: sites[0].rules.hooks: unknown key; hooks are Python",
            ),
            (site_with('rules.tz = "Asia/Almata"'), "sites[0].rules.tz: 'Asia/Almata' is not a time zone"),
            (
                site_with('article_urls.include = ["(x"]'),
                "sites[0].article_urls.include[0]: '(x' is not a regular",
            ),
            (
                site_with('article_urls.hosts = ["y.test"]'),
                "sites[0].article_urls.hosts: lacks x.test, the host",
            ),
            (
                site_with("", '[[sites.rules.layouts]]\nvalid_until = "2025"\nbody = "div"'),
                "sites[0].rules.layouts[0].valid_until: expected a date such as 2025-12-31, got '2025'",
            ),
            (
                site_with("", '[[sites.rules.layouts]]\nbody = "div..text"'),
                "sites[0].rules.layouts[0].body: 'div..text' is not a CSS selector",
            ),
            (
                site_with("", '[[sites.sources.rss]]\nurl = "https://x.test/rss"\nedition = "kk"'),
                "sites.toml: sites[0].sources.rss[0].edition: 'kk' is not one of ru",
            ),
            (
                site_with("", '[[sites.sources.listings]]\nurl_template = "https://x.test/news"'),
                "sites[0].sources.listings[0].url_template: listing url_template 'https://x.test/news'",
            ),
            (
                site_with("", editions='editions.ru = { base_url = "x.test", lang = "ru" }'),
                "sites[0].editions.ru.base_url: 'x.test' is not an http(s) URL",
            ),
            ('[[sites]]\ntitle = "X"\n', "sites.toml: sites[0].name: missing"),
            ('[[sites]]\nname = "X Y"\n', "sites[0].name: 'X Y' is no spider name"),
            ("sites = 3\n", "sites.toml: sites: expected [[sites]] tables"),
            ('[site]\nname = "x"\n', "sites.toml: the file.site: unknown key; did you mean 'sites'?"),
        ],
    )
    def test_a_fault_is_one_line_naming_the_file_and_the_field(self, tmp_path, text, message):
        with pytest.raises(SitesFileError) as raised:
            load(tmp_path, text)
        error = str(raised.value)
        assert error.startswith(str(tmp_path / "sites.toml")) and "\n" not in error
        assert message.removeprefix("sites.toml") in error

    def test_a_syntax_error_names_the_line(self, tmp_path):
        with pytest.raises(SitesFileError, match=r"sites\.toml: line 3, column \d+: "):
            load(tmp_path, '[[sites]]\nname = "x"\neditions.ru = { base_url = "https://x.test/"\n')

    def test_a_built_in_site_s_name_or_host_is_refused(self, tmp_path):
        with pytest.raises(SitesFileError, match=r"sites\[0\]\.name: 'kazinform' is a built-in site"):
            load(tmp_path, site_with("").replace('"x"', '"kazinform"', 1))
        taken = 'editions.ru = { base_url = "https://tengrinews.kz/x/", lang = "ru" }'
        with pytest.raises(
            SitesFileError, match=r"sites\[0\]\.editions: host tengrinews\.kz belongs to site"
        ):
            load(tmp_path, site_with("", editions=taken))

    def test_two_user_sites_cannot_share_a_name_or_a_host(self, tmp_path):
        with pytest.raises(SitesFileError, match=r"sites\[1\]\.name: 'x' is already defined by sites\[0\]"):
            load(
                tmp_path,
                site_with("")
                + site_with("", editions='editions.ru = { base_url = "https://y.test/", lang = "ru" }'),
            )
        with pytest.raises(SitesFileError, match=r"sites\[1\]\.editions: host x\.test belongs to site 'x'"):
            load(tmp_path, site_with("") + site_with("").replace('"x"', '"y"', 1))

    def test_an_unreadable_file_is_named(self, tmp_path):
        with pytest.raises(SitesFileError, match=r"missing\.toml: cannot read the sites file"):
            load_user_sites(tmp_path / "missing.toml", BUILT_IN)


# --- the sites the spiders load, in subprocesses ----------------------------------------------------------


def run(args, sites_file, **kwargs):
    env = {**os.environ, "KZNEWS_SITES_FILE": str(sites_file)}
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, **kwargs)


def test_scrapy_list_shows_the_user_sites(tmp_path):
    path = tmp_path / "sites.toml"
    path.write_text(THIN, encoding="utf-8")
    result = run([sys.executable, "-m", "scrapy", "list"], path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == sorted([*BUILT_IN, "vesti"])


@pytest.mark.parametrize(
    "command",
    [
        ["-m", "scrapy", "list"],
        ["-m", "scrapy", "crawl", "kazinform"],
        ["-m", "crawler.cli", "harvest"],
        ["-m", "crawler.cli", "sites"],
    ],
    ids=lambda command: " ".join(command[1:]),
)
def test_a_bad_file_is_one_line_and_exit_2_for_every_command_that_loads_the_sites(tmp_path, command):
    path = tmp_path / "sites.toml"
    path.write_text(site_with("", editions='editions.ru = { base_url = "https://x.test/", lang = "xx" }'))
    result = run([sys.executable, *command], path)
    message = f"{path}: sites[0].editions.ru.lang: 'xx' is not one of ru, kk, en"
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.endswith(f"error: {message}") and "Traceback" not in result.stdout + result.stderr


USER_SITE = """
[[sites]]
name = "dala-user"
title = "Dala (user-defined)"
region = "KZ-15"
editions.ru = { base_url = "https://www.dala.test/", lang = "ru" }
sources.sitemaps = [{ url = "https://www.dala.test/robots.txt" }]
sources.rss = [{ url = "https://www.dala.test/rss.xml" }]
article_urls.include = ['^/news/\\d+-']

[[sites.rules.layouts]]
title = "h1"
body = "div.post-body"
published = "div.post-date"
"""


@pytest.mark.slow
def test_a_user_defined_site_crawls_from_a_loopback_site_with_no_python_written(tmp_path):
    path = tmp_path / "sites.toml"
    path.write_text(USER_SITE, encoding="utf-8")
    database_url = f"sqlite:///{tmp_path / 'user.sqlite3'}"
    with serve_thin_sites() as server:
        host_map = {"https://www.dala.test": f"{server.base_url}/www.dala.test"}
        command = crawl_command("dala-user", database_url, {"KZNEWS_HOST_MAP": host_map})
        result = run(command, path)
    assert result.returncode == 0, result.stderr[-4000:]
    stored = read_store(database_url)
    assert sorted(stored.articles) == sorted(stories_on("www.dala.test"))
    for article in stored.articles.values():
        assert (article.site, article.edition, article.lang) == ("dala-user", "ru", "ru")
        assert article.published_at.utcoffset() is not None and len(article.paragraphs) == 4
        assert "Читайте также" not in article.text
    (run_row,) = stored.runs
    assert (run_row["status"], run_row["stats"]["finish_reason"]) == ("finished", "finished")
    stats = run_row["stats"]
    assert stats[runstats.layout_pages("dala-user")] == 3  # the file's layout cleaned every page ...
    assert runstats.layout_fallback("dala-user") not in stats  # ... and found its body each time


@pytest.mark.slow
def test_kznews_harvest_and_report_take_the_user_defined_site(tmp_path):
    path = tmp_path / "sites.toml"
    path.write_text(USER_SITE, encoding="utf-8")
    database_url = f"sqlite:///{tmp_path / 'harvest.sqlite3'}"
    cli = [sys.executable, "-m", "crawler.cli"]
    with serve_thin_sites() as server:
        host_map = json.dumps({"https://www.dala.test": f"{server.base_url}/www.dala.test"})
        settings = [
            "-s",
            f"KZNEWS_HOST_MAP={host_map}",
            "-s",
            "DOWNLOAD_DELAY=0",
            "-s",
            "AUTOTHROTTLE_ENABLED=0",
        ]
        harvest = run(
            [*cli, "harvest", "dala-user", "--database-url", database_url, "--workers", "1", *settings], path
        )
    assert harvest.returncode == 0, harvest.stderr[-4000:]
    assert re.search(r"^dala-user\s+finished\s+3\b", harvest.stdout, re.M), harvest.stdout
    report = run([*cli, "report", "--site", "dala-user", "--database-url", database_url], path)
    assert report.returncode in (0, 1), report.stderr  # 1: an alert fired (a first run has no history)
    assert "dala-user" in report.stdout
