"""kznews reprocess on a real crawl of the fixture site into SQLite: rule change, versions, misses."""

from __future__ import annotations

import argparse
import re
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler import profiles
from crawler.archive import ArchiveIndex
from crawler.cli import main as kznews
from crawler.cli.options import day_or_datetime as since_datetime
from crawler.cli.reprocess import add_arguments as add_reprocess_arguments
from crawler.cli.reprocess import run as run_reprocess
from crawler.fixturesite import DEFAULT_MANIFEST, pack_fixture_site
from crawler.reprocess import reprocess
from db.engine import make_engine
from pipelines.article import EXTRACTOR_VERSION
from tests import crawls

STAMP = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> tuple[Path, Path]:
    """A real `scrapy crawl kazinform` replayed from the packed fixture site: (database file, WARC dir).

    Replay and recording cannot be combined (the WARC middleware replays and records nothing when both
    KZNEWS_REPLAY and KZNEWS_ARCHIVE are set), so the stored articles point at the replay archive's
    records and that archive's directory is what reprocess reads.
    """
    base = tmp_path_factory.mktemp("crawl")
    warc_dir = base / "warc"
    warc_dir.mkdir()
    pack_fixture_site(DEFAULT_MANIFEST, warc_dir / "fixture-site.warc.gz")
    database = base / "crawl.sqlite3"
    crawls.crawl(
        "kazinform",
        f"sqlite:///{database}",
        {"KZNEWS_REPLAY": warc_dir, "KZNEWS_EXTRACT_WORKERS": 0, "LOG_LEVEL": "WARNING"},
    )
    return database, warc_dir


@pytest.fixture
def db(crawled, tmp_path) -> Path:
    """A private copy of the crawled database (SQLite backup API: WAL content included)."""
    source, copy = sqlite3.connect(crawled[0]), sqlite3.connect(tmp_path / "db.sqlite3")
    with copy:
        source.backup(copy)
    source.close()
    copy.close()
    return tmp_path / "db.sqlite3"


def rows(database: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(database) as connection:
        return connection.execute(sql, params).fetchall()


def execute(database: Path, sql: str, *params) -> None:
    with sqlite3.connect(database) as connection:
        connection.execute(sql, params)


def articles(database: Path) -> dict[int, dict]:
    names = ("url", "text", "content_hash", "version", "last_seen_at", "updated_at", "extractor_version")
    found = rows(database, f"SELECT id, {', '.join(names)} FROM articles ORDER BY id")
    return {row[0]: dict(zip(names, row[1:], strict=True)) for row in found}


def run(database: Path, warc_dir: Path, *argv: str, rules_for=profiles.rules_for):
    parser = argparse.ArgumentParser()
    add_reprocess_arguments(parser)
    args = parser.parse_args(["--database-url", f"sqlite:///{database}", "--archive", str(warc_dir), *argv])
    return run_reprocess(args, rules_for=rules_for)


def run_stats(database: Path, warc_dir: Path, rules_for=profiles.rules_for, **kwargs):
    engine = make_engine(f"sqlite:///{database}")
    try:
        return reprocess(engine, ArchiveIndex([warc_dir]), rules_for=rules_for, now=STAMP, **kwargs)
    finally:
        engine.dispose()


def with_junk(*patterns: str, only_url: str | None = None):
    """A rules provider adding site junk to the profiles' rules, for every page or just one URL."""

    def rules_for(site, url):
        rules = profiles.rules_for(site, url)
        if only_url is not None and url != only_url:
            return rules
        return replace(rules, junk=(*rules.junk, *patterns))

    return rules_for


def pick_paragraphs(stored: dict[int, dict], count: int) -> list[str]:
    """A middle paragraph of each of the first ``count`` articles long enough to stay over 40 words."""
    picked = []
    for article in stored.values():
        lines = article["text"].split("\n")
        if len(lines) >= 4 and len(article["text"].split()) > 80:
            picked.append(lines[len(lines) // 2])
        if len(picked) == count:
            return picked
    raise AssertionError(f"fewer than {count} articles with 4+ paragraphs in the fixture crawl")


def test_the_crawl_stored_articles_pointing_at_archived_records(db, crawled):
    stored = rows(db, "SELECT warc_file, warc_offset, fetched_at FROM articles")
    assert len(stored) >= 5
    assert {file for file, _, _ in stored} == {
        str(crawled[1] / "fixture-site.warc.gz")
    }  # as the crawl opened it
    assert all(offset > 0 for _, offset, _ in stored)


def test_rule_change_updates_the_affected_articles_and_keeps_one_version_each(db, crawled, capsys):
    before = articles(db)
    targets = pick_paragraphs(before, 2)
    affected = {i for i, a in before.items() if set(a["text"].split("\n")) & set(targets)}
    assert 2 <= len(affected) < len(before)
    seen_later = min(affected)  # a later crawl saw this one again: a rewrite must not move that back
    later = "2029-06-01 00:00:00.000000"
    execute(db, "UPDATE articles SET last_seen_at = ? WHERE id = ?", later, seen_later)
    rules_for = with_junk(*(f"^{re.escape(line)}$" for line in targets))

    assert run(db, crawled[1], rules_for=rules_for) == 0
    out = capsys.readouterr().out
    assert re.search(rf"examined\s+{len(before)}\b", out)
    assert re.search(rf"updated\s+{len(affected)}\b", out)
    assert re.search(rf"unchanged\s+{len(before) - len(affected)}\b", out)
    after = articles(db)
    versions = rows(db, "SELECT article_id, version, text, content_hash FROM article_versions")
    assert sorted(v[0] for v in versions) == sorted(affected)  # exactly one version per changed article
    for article_id, version, old_text, old_hash in versions:
        assert (version, old_text, old_hash) == (
            1,
            before[article_id]["text"],
            before[article_id]["content_hash"],
        )
    for i, article in after.items():
        if i in affected:
            kept = [line for line in before[i]["text"].split("\n") if line not in targets]
            assert article["text"] == "\n".join(kept)
            assert article["version"] == 2 and article["content_hash"] != before[i]["content_hash"]
        else:
            assert article == before[i]
    assert after[seen_later]["last_seen_at"] == later

    assert run_stats(db, crawled[1], rules_for=rules_for).updated == 0  # a second run changes nothing
    assert articles(db) == after
    assert len(rows(db, "SELECT id FROM article_versions")) == len(affected)


def test_versions_record_when_and_from_which_record(db, crawled):
    before = articles(db)
    target = pick_paragraphs(before, 1)[0]
    stats = run_stats(db, crawled[1], rules_for=with_junk(f"^{re.escape(target)}$"))
    assert stats.updated >= 1
    (article_id, replaced_at, warc_file, warc_offset), *_ = rows(
        db, "SELECT article_id, replaced_at, warc_file, warc_offset FROM article_versions"
    )
    current = rows(db, "SELECT updated_at, warc_file, warc_offset FROM articles WHERE id = ?", article_id)[0]
    assert replaced_at.startswith("2030-01-02 03:04:05") and current[0].startswith("2030-01-02 03:04:05")
    assert (warc_file, warc_offset) == current[1:]  # same archived page, cleaned twice


def test_missing_or_damaged_records_are_counted_not_fatal(db, crawled, capsys):
    before = articles(db)
    gone, damaged, other, *rest = before
    execute(db, "UPDATE articles SET warc_file = 'gone.warc.gz' WHERE id = ?", gone)
    execute(db, "UPDATE articles SET warc_offset = 7 WHERE id = ?", damaged)  # inside the warcinfo record
    execute(
        db,
        "UPDATE articles SET warc_offset = (SELECT warc_offset FROM articles WHERE id = ?) WHERE id = ?",
        rest[0],
        other,
    )
    stats = run_stats(db, crawled[1])
    assert stats.missing == {"no_file": 1, "unreadable": 1, "other_url": 1}
    assert (stats.examined, stats.unchanged) == (len(before), len(before) - 3)
    assert stats.failed()
    warc = str(crawled[1] / "fixture-site.warc.gz")
    assert stats.missing_records.lines() == [
        f"  1 no_file: gone.warc.gz: not found (looked at {crawled[1]}); pass --archive DIR",
        f"  1 other_url: {warc}: the stored offset of {warc} holds another URL",
        f"  1 unreadable: {warc}: no response record at the stored offset of {warc}",
    ]
    assert run(db, crawled[1]) == 1  # the command: the same lines, no warcio repr or bytes on stderr
    out, err = capsys.readouterr()
    assert (
        "1 no_file: gone.warc.gz" in out and "ArchiveLoadFailed" not in out + err and "\\x" not in out + err
    )
    assert err == "kznews reprocess: 3 stored record(s) could not be read (see 'missing record' above)\n"
    after = articles(db)
    for article_id in (gone, damaged, other):
        assert after[article_id]["text"] == before[article_id]["text"]


def test_archive_given_as_the_warc_file_itself(db, crawled):
    (warc,) = crawled[1].glob("*.warc.gz")
    assert run_stats(db, warc).unchanged == len(articles(db))


def test_an_empty_archive_counts_every_article_missing(db, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    stats = run_stats(db, empty)
    assert stats.missing == {"no_file": len(articles(db))} and stats.updated == stats.unchanged == 0


def test_page_the_current_rules_reject_is_counted_and_left_as_stored(db, crawled):
    before = articles(db)
    victim = next(iter(before))
    stats = run_stats(db, crawled[1], rules_for=with_junk("^.", only_url=before[victim]["url"]))
    assert sum(stats.rejected.values()) == 1
    assert set(stats.rejected) <= {"empty_body", "too_short", "not_article"}
    assert stats.unchanged == len(before) - 1
    assert articles(db) == before


def test_new_extractor_version_refreshes_metadata_without_a_version(db, crawled):
    first = next(iter(articles(db)))
    execute(db, "UPDATE articles SET extractor_version = 'old', section = 'stale' WHERE id = ?", first)
    stats = run_stats(db, crawled[1])
    assert (stats.metadata_refreshed, stats.updated, stats.metadata_stale) == (1, 0, 0)
    assert rows(db, "SELECT extractor_version, section FROM articles WHERE id = ?", first)[0][0] == (
        EXTRACTOR_VERSION
    )
    assert rows(db, "SELECT section FROM articles WHERE id = ?", first)[0][0] != "stale"
    assert rows(db, "SELECT id FROM article_versions") == []


def test_metadata_differing_under_the_same_extractor_version_is_reported(db, crawled, capsys):
    first = next(iter(articles(db)))
    execute(db, "UPDATE articles SET author = 'Someone Else' WHERE id = ?", first)
    assert run(db, crawled[1]) == 0
    assert "1 unchanged text(s) would get other metadata" in capsys.readouterr().out
    assert rows(db, "SELECT author FROM articles WHERE id = ?", first)[0][0] == "Someone Else"


def test_article_recrawled_while_reprocessing_is_left_to_the_crawl(db, crawled):
    before = articles(db)
    first = next(iter(before))
    target = pick_paragraphs(before, 1)[0]
    rules = with_junk(f"^{re.escape(target)}$")
    calls = []

    def recrawling_rules_for(site, url):  # runs between the read of the pointers and the write
        if not calls:
            execute(db, "UPDATE articles SET warc_offset = 1 WHERE id = ?", first)
        calls.append(url)
        return rules(site, url)

    stats = run_stats(db, crawled[1], rules_for=recrawling_rules_for)
    assert stats.superseded == 1
    assert articles(db)[first]["text"] == before[first]["text"]


def test_filters_and_dry_run(db, crawled):
    count = len(articles(db))
    target = pick_paragraphs(articles(db), 1)[0]
    rules_for = with_junk(f"^{re.escape(target)}$")
    fetched = datetime.fromisoformat(rows(db, "SELECT max(fetched_at) FROM articles")[0][0]).replace(
        tzinfo=UTC
    )
    assert run_stats(db, crawled[1], since=fetched + timedelta(seconds=1)).examined == 0
    assert run_stats(db, crawled[1], since=fetched).examined == count
    assert run_stats(db, crawled[1], sites=["tengrinews"]).examined == 0
    dry = run_stats(db, crawled[1], rules_for=rules_for, sites=["kazinform"], dry_run=True, batch_size=3)
    assert dry.examined == count and dry.updated >= 1
    assert rows(db, "SELECT count(*) FROM article_versions")[0][0] == 0
    assert run_stats(db, crawled[1], rules_for=rules_for, batch_size=3).updated == dry.updated


@pytest.mark.slow
def test_worker_processes_give_the_same_result(db, crawled):
    target = pick_paragraphs(articles(db), 1)[0]
    rules_for = with_junk(f"^{re.escape(target)}$")
    one = run_stats(db, crawled[1], rules_for=rules_for, dry_run=True)
    two = run_stats(db, crawled[1], rules_for=rules_for, workers=2)
    assert (two.updated, two.unchanged) == (one.updated, one.unchanged) and two.updated >= 1


def test_command_line_errors(db, crawled, tmp_path, capsys):
    """One line naming the input and the fix, exit 2, no traceback."""
    url = f"sqlite:///{db}"
    assert kznews(["reprocess", "--database-url", url, "--site", "nosuchsite"]) == 2
    assert "nosuchsite" in capsys.readouterr().err
    assert kznews(["reprocess", "--database-url", url, "--archive", str(tmp_path / "missing")]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("kznews reprocess: error: archive directory") and "does not exist" in line
    with pytest.raises(SystemExit) as exited:
        kznews(["reprocess", "--database-url", url, "--workers", "0"])
    assert exited.value.code == 2 and "--workers" in capsys.readouterr().err


def test_no_arguments_follow_the_stored_paths(db, crawled, tmp_path, monkeypatch, capsys):
    """The pointers name the file as the crawl opened it: no --archive needed, from any directory."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KZNEWS_ARCHIVE", raising=False)
    parser = argparse.ArgumentParser()
    add_reprocess_arguments(parser)
    assert run_reprocess(parser.parse_args(["--database-url", f"sqlite:///{db}"])) == 0
    assert re.search(rf"unchanged\s+{len(articles(db))}\n", capsys.readouterr().out)


def test_a_bare_file_name_is_looked_for_in_the_archive_directory(db, crawled, tmp_path, monkeypatch, capsys):
    """Rows stored before pointers held paths name just the file: found under KZNEWS_ARCHIVE by name."""
    execute(db, "UPDATE articles SET warc_file = 'fixture-site.warc.gz'")
    monkeypatch.chdir(tmp_path)
    parser = argparse.ArgumentParser()
    add_reprocess_arguments(parser)
    args = parser.parse_args(["--database-url", f"sqlite:///{db}"])
    monkeypatch.setenv("KZNEWS_ARCHIVE", str(tmp_path / "nowhere"))
    assert run_reprocess(args) == 1
    assert re.search(
        rf"{len(articles(db))} no_file: fixture-site.warc.gz: not found", capsys.readouterr().out
    )
    monkeypatch.setenv("KZNEWS_ARCHIVE", str(crawled[1]))
    assert run_reprocess(args) == 0


def test_nothing_archived_is_a_failed_run(db, crawled, capsys):
    execute(db, "UPDATE articles SET warc_file = NULL, warc_offset = NULL")
    assert run(db, crawled[1]) == 1
    assert "no stored record could be read" in capsys.readouterr().err


def test_since_accepts_a_date_in_the_sites_time_zone_or_an_aware_datetime():
    assert since_datetime("2026-04-28") == datetime(2026, 4, 27, 19, tzinfo=UTC)
    assert since_datetime("2026-04-28T10:00:00+00:00") == datetime(2026, 4, 28, 10, tzinfo=UTC)
    with pytest.raises(argparse.ArgumentTypeError):
        since_datetime("2026-04-28T10:00:00")
    with pytest.raises(argparse.ArgumentTypeError):
        since_datetime("yesterday")


def test_layout_is_the_one_valid_on_the_archived_fetch_day(db, crawled):
    """A layout that expired before the page was fetched is not used; one valid that day is, even years on."""
    count = len(articles(db))
    fetched = datetime.fromisoformat(rows(db, "SELECT max(fetched_at) FROM articles")[0][0]).date()
    assert rows(db, "SELECT count(DISTINCT date(fetched_at)) FROM articles")[0][0] == 1

    def dated(valid_until):
        def rules_for(site, url):
            rules = profiles.rules_for(site, url)
            current = rules.layouts[-1]
            broken = replace(current, valid_until=valid_until, drop=(*current.drop, "p"))
            return replace(rules, layouts=(broken, current))

        return rules_for

    expired = run_stats(db, crawled[1], rules_for=dated(fetched - timedelta(days=1)), dry_run=True)
    assert expired.unchanged == count
    valid = run_stats(db, crawled[1], rules_for=dated(fetched), dry_run=True)
    assert valid.updated + valid.rejected.total() >= 1 and valid.unchanged < count


@pytest.mark.slow
def test_reprocess_of_a_recorded_live_crawl(mockserver, tmp_path, monkeypatch, capsys):
    """The production path: a crawl RECORDS its WARCs (KZNEWS_ARCHIVE), reprocess finds them by default."""
    archive, database = tmp_path / "warc", tmp_path / "live.sqlite3"
    settings = {
        "KZNEWS_HOST_MAP": mockserver.host_map(),
        "KZNEWS_ARCHIVE": archive,
        "KZNEWS_EXTRACT_WORKERS": 0,
        "DOWNLOAD_DELAY": 0,
        "KZNEWS_RETRY_BACKOFF_MAX": 1,
    }
    crawls.crawl("kazinform", f"sqlite:///{database}", settings)
    before = articles(database)
    files = {Path(file) for (file,) in rows(database, "SELECT DISTINCT warc_file FROM articles")}
    assert files and all(f.parent == archive and f.name.startswith("kznews-kazinform-") for f in files)
    target = pick_paragraphs(before, 1)[0]
    affected = {i for i, a in before.items() if target in a["text"].split("\n")}

    monkeypatch.delenv("KZNEWS_ARCHIVE", raising=False)  # no --archive: the stored paths are enough
    parser = argparse.ArgumentParser()
    add_reprocess_arguments(parser)
    args = parser.parse_args(["--database-url", f"sqlite:///{database}"])
    assert run_reprocess(args, rules_for=with_junk(f"^{re.escape(target)}$")) == 0
    assert re.search(rf"updated\s+{len(affected)}\b", capsys.readouterr().out)
    versions = rows(database, "SELECT article_id, text FROM article_versions")
    assert versions == [(i, before[i]["text"]) for i in sorted(affected)]
