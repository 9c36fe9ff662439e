"""Replay acceptance: `scrapy crawl <site> -s KZNEWS_REPLAY=<fixture warc>` stores every fixture article
right, a second run adds nothing, an edited page adds one version; on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import make_url

from crawler.fixturesite import DEFAULT_MANIFEST, FIXTURE_NOW, load_manifest, pack_fixture_site
from crawler.warcwriter import write_archive
from db.engine import make_engine
from tests.crawls import EXPECTED, crawl, expected_urls, mismatches, read_store
from tests.db.conftest import _create_schema, _drop_schema
from tests.services import require_postgres_url

pytestmark = pytest.mark.slow

SITES = ("kazinform", "tengrinews")
BACKENDS = ("sqlite", pytest.param("postgresql", marks=pytest.mark.postgres))


@pytest.fixture(scope="module")
def archives(tmp_path_factory) -> dict[str, Any]:
    """The packed fixture site, and per site an edited copy where one article's last paragraph changed."""
    root = tmp_path_factory.mktemp("warc")
    pack_fixture_site(DEFAULT_MANIFEST, root / "site.warc.gz")
    edited = {site: edit_one_article(site, root / f"edited-{site}.warc.gz") for site in SITES}
    return {"site": root / "site.warc.gz", "edited": edited}


@dataclass(frozen=True)
class Edit:
    """The edited archive of a site and the change made in it."""

    path: Path
    url: str
    old: str
    new: str


def edit_one_article(site: str, out: Path) -> Edit:
    """Pack the fixture site a day later with the words of one article's last paragraph reversed."""
    pages = load_manifest()
    for url in sorted(expected_urls(site)):
        old = EXPECTED[url]["last_paragraph"]
        if old.encode("utf-8") in pages[url].body:
            break
    else:
        raise AssertionError(f"no {site} fixture article has its last paragraph verbatim in UTF-8")
    new = " ".join(reversed(old.split()))
    entries = []
    for page in pages.values():
        body = page.body.replace(old.encode("utf-8"), new.encode("utf-8")) if page.url == url else page.body
        entries.append(
            (page.url, page.status, page.response_headers(), body, FIXTURE_NOW + timedelta(days=1))
        )
    write_archive(out, entries)
    return Edit(out, url, old, new)


@contextmanager
def fresh_database(backend: str, directory: Path) -> Iterator[str]:
    """The URL of an empty database: a new SQLite file, or a private PostgreSQL schema (its search_path)."""
    if backend == "sqlite":
        yield f"sqlite:///{directory}/kznews-{uuid.uuid4().hex[:8]}.sqlite3"
        return
    base = require_postgres_url()
    admin = make_engine(base)
    schema = _create_schema(admin)
    try:
        yield (
            make_url(base)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        _drop_schema(admin, schema)
        admin.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="module", params=SITES)
def replayed(request, archives, backend, tmp_path_factory) -> Iterator[dict[str, Any]]:
    """Three crawls of one site into a new database: the fixture archive, the same again with every
    article refetched (``-a refresh=1``), then the edited archive, likewise; the store after each."""
    site = request.param
    edit = archives["edited"][site]
    states: dict[str, Any] = {"site": site, "edit": edit}
    with fresh_database(backend, tmp_path_factory.mktemp("db")) as url:
        states["log"] = crawl(site, url, {"KZNEWS_REPLAY": archives["site"]}).stderr
        states["first"] = read_store(url)
        crawl(site, url, {"KZNEWS_REPLAY": archives["site"]}, refresh="1")
        states["again"] = read_store(url)
        crawl(site, url, {"KZNEWS_REPLAY": edit.path}, refresh="1")
        states["edited"] = read_store(url)
        yield states


def test_every_fixture_article_is_stored_with_its_fields(replayed):
    stored = replayed["first"]
    assert set(stored.articles) == expected_urls(replayed["site"])
    problems = {url: mismatches(stored.articles[url], EXPECTED[url]) for url in stored.articles}
    assert {url: p for url, p in problems.items() if p} == {}


def test_first_run_is_recorded_with_its_counters(replayed, archives):
    run = replayed["first"].run()
    count = len(expected_urls(replayed["site"]))
    assert run["status"] == "finished"
    assert (run["stored"], run["updated"], run["unchanged"]) == (count, 0, 0)
    assert run["stats"]["warc/replay_hit"] > count
    assert {a.warc_file for a in replayed["first"].articles.values()} == {str(archives["site"])}


def test_a_replay_warns_only_about_the_challenge_page(replayed):
    """No start-up noise (disabled components, a missing RefererMiddleware) in an unattended run's log."""
    warnings = [line for line in replayed["log"].splitlines() if "] WARNING: " in line]
    expected = ["is blocking the crawler"] if replayed["site"] == "kazinform" else []
    assert [w.split("] WARNING: ", 1)[1].split(": ")[0] for w in warnings] == [
        f"site {replayed['site']} {e}" for e in expected
    ], warnings


def test_second_run_adds_no_row(replayed):
    first, again = replayed["first"], replayed["again"]
    count = len(expected_urls(replayed["site"]))
    assert set(again.articles) == set(first.articles)
    assert again.versions == []
    run = again.run()
    assert (run["stored"], run["updated"], run["unchanged"]) == (0, 0, count)
    assert run["stats"]["kznews/unchanged"] == count
    for url, article in again.articles.items():
        assert article.text == first.articles[url].text


def test_edited_page_adds_exactly_one_version_and_updates_the_article(replayed):
    edit, before, after = replayed["edit"], replayed["again"], replayed["edited"]
    count = len(expected_urls(replayed["site"]))
    run = after.run()
    assert (run["stored"], run["updated"], run["unchanged"]) == (0, 1, count - 1)
    assert set(after.articles) == set(before.articles)
    assert len(after.versions) == 1
    url, version, old_text = after.versions[0]
    assert (url, version) == (edit.url, 1)
    assert old_text == before.articles[edit.url].text
    article = after.articles[edit.url]
    assert article.paragraphs[-1] == edit.new
    assert edit.old not in article.text
    assert article.warc_file == str(edit.path)
    for other in set(after.articles) - {edit.url}:
        assert after.articles[other].text == before.articles[other].text


@pytest.mark.parametrize(("site", "lang"), [("kazinform", "ru,kk"), ("tengrinews", "en")])
def test_lang_argument_stores_only_those_editions(archives, tmp_path, site, lang):
    url = f"sqlite:///{tmp_path}/lang.sqlite3"
    crawl(site, url, {"KZNEWS_REPLAY": archives["site"]}, lang=lang)
    stored = read_store(url)
    editions = lang.split(",")
    assert set(stored.articles) == expected_urls(site, editions)
    assert {a.edition for a in stored.articles.values()} == set(editions)
    assert not any(mismatches(a, EXPECTED[u]) for u, a in stored.articles.items())


def test_replay_is_not_throttled(archives, tmp_path):
    """Replayed responses never wait in the downloader's per-host slots: a 60 s delay changes nothing."""
    url = f"sqlite:///{tmp_path}/fast.sqlite3"
    slow = {"KZNEWS_REPLAY": archives["site"], "DOWNLOAD_DELAY": 60, "AUTOTHROTTLE_START_DELAY": 60}
    crawl("kazinform", url, slow)
    run = read_store(url).run()
    assert run["stats"]["kznews/stored"] == len(expected_urls("kazinform"))
    assert run["stats"]["warc/replay_hit"] > 20  # several requests per host: throttled, this took minutes
    assert (run["finished_at"] - run["started_at"]).total_seconds() < 60
