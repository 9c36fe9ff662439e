"""`kznews demo` explains itself, and `kznews report` right after it shows the demo's articles without alerts.

Each command runs as a user runs it: a subprocess of the `kznews` entry point in an empty working directory
(data/ is created there), with no database URL in the environment.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawler.demo import demo_guide
from crawler.fixturesite import DEFAULT_MANIFEST, load_manifest
from crawler.profiles import PROFILES

pytestmark = pytest.mark.slow

KZNEWS = [sys.executable, "-m", "crawler.cli"]
TIMEOUT_S = 180


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


def kznews(cwd: Path, *args: str) -> Ran:
    env = {k: v for k, v in os.environ.items() if k != "KZNEWS_DATABASE_URL"}
    done = subprocess.run(
        [*KZNEWS, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
    )
    return Ran(done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Ran]]:
    """The demo run once in an empty directory."""
    cwd = tmp_path_factory.mktemp("demo")
    ran = kznews(cwd, "demo", "--workers", "1")
    assert ran.returncode == 0, ran.stderr[-3000:]
    yield cwd, ran


def guide(ran: Ran) -> list[str]:
    """The lines the demo prints after the run summary."""
    lines = ran.stdout.splitlines()
    return lines[next(i for i, line in enumerate(lines) if line.startswith("On purpose")) :]


def suggested(ran: Ran) -> list[str]:
    """The commands under "Try next:", without their comments."""
    lines = guide(ran)
    start = lines.index("Try next:") + 1
    return [line.split("   # ")[0].strip() for line in lines[start:]]


def test_the_demo_explains_its_deliberate_challenge_page_from_the_manifest(demo) -> None:
    _, ran = demo
    assert "BLOCKED: the site answered 1 request(s)" in ran.stdout  # the line being explained
    assert "site kazinform is blocking the crawler" in ran.stderr
    pages = load_manifest(DEFAULT_MANIFEST)
    (challenge,) = [p for p in pages.values() if p.deliberate]
    text = " ".join(" ".join(guide(ran)).split())
    assert challenge.url in text and " ".join(challenge.deliberate.split()) in text


def test_the_demo_says_where_the_data_went(demo) -> None:
    cwd, ran = demo
    lines = guide(ran)
    database = next(line for line in lines if line.strip().startswith("articles and runs"))
    assert "sqlite:///data/kznews.sqlite3" in database and str(cwd / "data" / "kznews.sqlite3") in database
    archive = next(line for line in lines if line.strip().startswith("archive"))
    assert str(cwd / "data" / "replay") in archive and (cwd / "data" / "kznews.sqlite3").is_file()


def test_the_three_suggested_commands_work_after_the_demo(demo) -> None:
    cwd, ran = demo
    export, report, extract = suggested(ran)
    assert export == "kznews export --format jsonl | head -n 2" and report == "kznews report"
    exported = kznews(cwd, *shlex.split(export.split("|")[0])[1:])
    assert exported.returncode == 0 and len(exported.stdout.splitlines()) == 10, exported.stderr
    assert extract.startswith("kznews extract ") and extract.endswith(".html")
    extracted = kznews(cwd, *shlex.split(extract)[1:])
    assert extracted.returncode == 0 and '"title": ' in extracted.stdout, extracted.stderr


def test_report_right_after_the_demo_shows_its_articles_and_no_alert(demo) -> None:
    cwd, _ = demo
    ran = kznews(cwd, "report")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    lines = ran.stdout.splitlines()
    assert "(today so far)" in lines[0]
    assert lines[2].split()[:2] == ["kazinform", "10"]  # the demo's ten articles, first seen today
    assert not any(line.startswith("ALERT") for line in lines) and lines[-1] == "OK: no drift in 1 site(s)"


def test_report_dated_before_the_demo_finds_nothing_and_raises_no_alert(demo) -> None:
    cwd, _ = demo
    ran = kznews(cwd, "report", "--now", "2026-04-29T06:00+05:00")  # the day after the pages were saved
    assert ran.returncode == 0, ran.stdout
    assert "ALERT" not in ran.stdout
    assert "note: nothing on record before 2026-04-29 01:00 UTC" in ran.stdout


def test_an_unknown_site_is_one_line_and_exit_2_before_anything_runs(tmp_path: Path) -> None:
    ran = kznews(tmp_path, "demo", "--site", "nosuch")
    assert ran.returncode == 2
    assert ran.stderr.splitlines() == [
        f"kznews demo: error: unknown site(s) nosuch; known sites: {', '.join(PROFILES)}"
    ]
    assert ran.stdout == "" and not (tmp_path / "data").exists()


def test_the_guide_names_a_chosen_database_and_hides_its_password(tmp_path: Path) -> None:
    url = "postgresql+psycopg://kznews:secret@db.example/corpus"
    text = demo_guide("tengrinews", url, tmp_path / "x.warc.gz", load_manifest(DEFAULT_MANIFEST), None)
    assert "secret" not in text and "kznews:***@db.example/corpus" in text
    assert "kznews report --database-url 'postgresql+psycopg://kznews:***@db.example/corpus'" in text
    assert "On purpose" not in text  # the deliberate page is Kazinform's
    assert "kznews extract" not in text  # no stored page to point at
