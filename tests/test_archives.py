"""Archives stay valid and standard: the demo's archive is never rewritten, `kznews reprocess` needs no
arguments to find it, a lost file fails the run in one counted line, and a crawl's WARC indexed by
cdxj-indexer replays in kznews.

Commands run as a user runs them: subprocesses of the `kznews` entry point (and of cdxj-indexer) in an
empty working directory, with no database URL or archive setting in the environment.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.warcindex import cdxj_path
from tests import crawls
from tests.crawler.conftest import MockServer, serve_fixture_site

pytestmark = pytest.mark.slow

KZNEWS = [sys.executable, "-m", "crawler.cli"]
CDXJ_INDEXER = [sys.executable, "-m", "cdxj_indexer.main"]
DEMO_ARCHIVE = Path("data/replay/fixture-site.warc.gz")  # where the demo packs the fixture site
TIMEOUT_S = 180


def run(cwd: Path, *command: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("KZNEWS_DATABASE_URL", "KZNEWS_ARCHIVE")}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT_S)


def kznews(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run(cwd, *KZNEWS, *args)


def stored_pointers(database: Path) -> set[tuple[str, int]]:
    with sqlite3.connect(database) as connection:
        return set(connection.execute("SELECT warc_file, warc_offset FROM articles"))


@pytest.fixture(scope="module")
def demo_twice(tmp_path_factory) -> Iterator[Path]:
    """The working directory of `kznews demo` run twice (data/ holds its database and archive)."""
    cwd = tmp_path_factory.mktemp("demo")
    for _ in range(2):
        ran = kznews(cwd, "demo", "--workers", "0")
        assert ran.returncode == 0, ran.stderr[-3000:]
    yield cwd


def test_the_demo_leaves_its_archive_untouched_on_a_second_run(tmp_path):
    archive = tmp_path / DEMO_ARCHIVE
    assert kznews(tmp_path, "demo", "--workers", "0").returncode == 0
    first = (archive.read_bytes(), archive.stat().st_ino, archive.stat().st_mtime_ns)
    assert kznews(tmp_path, "demo", "--workers", "0").returncode == 0
    assert (archive.read_bytes(), archive.stat().st_ino, archive.stat().st_mtime_ns) == first
    assert sorted(p.name for p in archive.parent.iterdir()) == [archive.name, cdxj_path(archive).name]


def test_reprocess_without_arguments_reads_every_stored_record(demo_twice):
    database = demo_twice / "data" / "kznews.sqlite3"
    pointers = stored_pointers(database)
    assert {file for file, _ in pointers} == {str(DEMO_ARCHIVE)}  # as the demo opened it, relative
    ran = kznews(demo_twice, "reprocess")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    count = len(crawls.expected_urls("kazinform"))  # the fixture manifest's Kazinform articles (goldens)
    assert len(pointers) == count
    assert re.search(rf"^unchanged\s+{count}$", ran.stdout, re.M), ran.stdout
    assert re.search(r"^missing record\s+0$", ran.stdout, re.M) and ran.stderr == ""


def test_a_deleted_warc_file_is_one_counted_line_and_a_failed_run(demo_twice, tmp_path):
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "data").mkdir()
    database = demo_twice / "data" / "kznews.sqlite3"
    with sqlite3.connect(database) as source, sqlite3.connect(copy / "data" / "kznews.sqlite3") as target:
        source.backup(target)  # the demo's database, beside no archive at all
    count = len(stored_pointers(database))

    ran = kznews(copy, "reprocess")

    assert ran.returncode == 1
    missing = [line for line in ran.stdout.splitlines() if "no_file" in line]
    assert missing == [
        f"missing record      {count} (no_file: {count})",
        f"  {count} no_file: {DEMO_ARCHIVE}: not found (looked at the stored path); pass --archive DIR",
    ]
    assert (
        ran.stderr
        == f"kznews reprocess: {count} stored record(s) could not be read (see 'missing record' above)\n"
    )
    moved = kznews(copy, "reprocess", "--archive", str(demo_twice / DEMO_ARCHIVE.parent))
    assert moved.returncode == 0 and re.search(rf"^unchanged\s+{count}$", moved.stdout, re.M)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> Iterator[tuple[Path, Path]]:
    """A live crawl of the fixture site (loopback server) recorded to WARC: (archive dir, database)."""
    root = tmp_path_factory.mktemp("recorded")
    server: MockServer
    with serve_fixture_site() as server:
        settings = {
            "KZNEWS_HOST_MAP": server.host_map(),
            "KZNEWS_ARCHIVE": root / "warc",
            "KZNEWS_EXTRACT_WORKERS": 0,
            "KZNEWS_RETRY_BACKOFF_MAX": 1,
        }
        crawls.crawl("kazinform", f"sqlite:///{root / 'live.sqlite3'}", settings)
    yield root / "warc", root / "live.sqlite3"


def test_the_crawl_index_is_what_cdxj_indexer_writes(recorded, tmp_path):
    (warc,) = recorded[0].glob("*.warc.gz")
    reference = tmp_path / "reference.cdxj"
    done = run(tmp_path, *CDXJ_INDEXER, "--sort", "--post-append", str(warc), "-o", str(reference))
    assert done.returncode == 0, done.stderr
    assert cdxj_path(warc).read_text() == reference.read_text()


def test_a_crawl_indexed_by_cdxj_indexer_replays_in_kznews(recorded, tmp_path):
    archive = tmp_path / "warc"
    archive.mkdir()
    (recorded_warc,) = recorded[0].glob("*.warc.gz")
    warc = archive / recorded_warc.name
    warc.write_bytes(recorded_warc.read_bytes())
    # cdxj-indexer as a user runs it (unsorted, no --post-append): kznews must read that index as it is
    done = run(tmp_path, *CDXJ_INDEXER, str(warc), "-o", str(cdxj_path(warc)))
    assert done.returncode == 0, done.stderr
    index = cdxj_path(warc)
    before = (index.read_text(), index.stat().st_ino)

    database = tmp_path / "replayed.sqlite3"
    crawls.crawl(
        "kazinform", f"sqlite:///{database}", {"KZNEWS_REPLAY": archive, "KZNEWS_EXTRACT_WORKERS": 0}
    )

    assert (index.read_text(), index.stat().st_ino) == before  # used as it was, not rebuilt by a scan
    assert {file for file, _ in stored_pointers(database)} == {str(warc)}
    with sqlite3.connect(database) as connection:
        urls = {url for (url,) in connection.execute("SELECT url FROM articles")}
    with sqlite3.connect(recorded[1]) as connection:
        assert urls and urls == {url for (url,) in connection.execute("SELECT url FROM articles")}
