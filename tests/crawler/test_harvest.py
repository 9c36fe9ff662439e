import argparse
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import psutil
import pytest
from sqlalchemy import make_url

from crawler.cli import main
from crawler.cli.harvest import add_arguments as add_harvest_arguments
from crawler.cli.harvest import cycle_arguments as _child_arguments
from crawler.extensions.progress import ProgressBoard
from crawler.fixturesite import DEFAULT_MANIFEST, pack_fixture_site
from crawler.harvest import _live_runs, parse_duration, plan_jobs, resolve_since
from crawler.profiles import PROFILES
from crawler.runview import format_table, progress_line
from crawler.store import opened
from db.engine import make_sessionmaker
from db.migrate import open_database
from db.models import CrawlRun
from db.runs import fail_stale_runs, start_run
from pipelines.runowner import owner_alive, run_owner
from pipelines.runstats import STALE_RUN_REASON, run_outcome
from pipelines.runstats import run_counters as _run_counters
from tests.fixture_data import EXPECTED

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 4, 28, 20, 0, tzinfo=UTC)  # 2026-04-29 01:00 in Almaty
# Loopback crawls at a fixed pace (DOWNLOAD_DELAY per host, set by each test) and short retry waits.
LIVE = {"AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY_JITTER": "0", "KZNEWS_RETRY_BACKOFF_MAX": "1"}


def parse(*argv):
    parser = argparse.ArgumentParser()
    add_harvest_arguments(parser)
    return parser.parse_args(argv)


def run_counters(stats):
    return _run_counters(stats).columns()


# --- units ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90), ("30m", 1800), ("2h", 7200), ("1d", 86400), ("1h30m", 5400), ("0.5s", 0.5)],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["30", "m30", "30 minutes", "0m", "1h 30m", ""])
def test_parse_duration_refuses(text):
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


def test_since_is_a_day_or_a_duration_back_from_now_in_the_sites_zone():
    assert resolve_since("2026-04-01", NOW, "Asia/Almaty") == "2026-04-01"
    assert resolve_since("1d", NOW, "Asia/Almaty") == "2026-04-28"  # UTC would say 04-27
    assert resolve_since(None, NOW, "Asia/Almaty") is None
    with pytest.raises(ValueError, match="--since"):
        resolve_since("yesterday", NOW, "Asia/Almaty")


def test_plan_defaults_to_every_profile_and_filters_editions_per_site():
    jobs, notes = plan_jobs([], None, None, NOW)
    assert [j.site for j in jobs] == list(PROFILES) and all(j.kwargs == {} for j in jobs)
    jobs, notes = plan_jobs(["tengrinews", "kazinform"], "kk-Latn,ru", "2d", NOW)
    assert [(j.site, j.kwargs) for j in jobs] == [
        ("tengrinews", {"lang": "ru", "since": "2026-04-27"}),
        ("kazinform", {"lang": "kk-Latn,ru", "since": "2026-04-27"}),
    ]
    jobs, notes = plan_jobs(["tengrinews", "kazinform"], "kk-Latn", None, NOW)
    assert [j.site for j in jobs] == ["kazinform"] and notes == ["tengrinews: skipped, no edition kk-Latn"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["nursultan"], "unknown site"),
        (["tengrinews", "--lang", "kk-Latn"], "no chosen site has edition"),
        (["--every", "soon"], "not a duration"),
        (["--cycles", "2"], "--cycles needs --every"),
        (["-s", "DOWNLOAD_DELAY"], "NAME=VALUE"),
        (["--since", "28.04.2026"], "--since"),
    ],
)
def test_bad_usage_is_status_2_with_a_message(argv, message, capsys):
    assert main(["harvest", *argv]) == 2
    assert message in capsys.readouterr().err


def test_a_cycle_gets_the_loops_options_without_every_and_cycles():
    args = parse(
        "kazinform", "--every", "30m", "--cycles", "3", "--since", "2d", "--workers", "0", "-s", "A=1"
    )
    argv, environment = _child_arguments(args)
    assert argv == ["kazinform", "--since", "2d", "--workers", "0"]
    assert json.loads(environment["KZNEWS_CYCLE_SETTINGS"]) == {"A": "1"}


STATS = {"finish_reason": "finished", "response_received_count": 5, "downloader/exception_count": 2}


@pytest.mark.parametrize(
    ("extra", "outcome"),
    [
        ({}, ("finished", None)),
        ({"finish_reason": "shutdown"}, ("failed", "finish_reason shutdown")),
        ({"finish_reason": "closespider_errorcount"}, ("failed", "finish_reason closespider_errorcount")),
        ({"kznews/storage_errors": 1}, ("failed", "1 batch(es) could not be stored")),
        ({"response_received_count": 0}, ("failed", "no response from the site (2 download errors)")),
    ],
)
def test_run_outcome(extra, outcome):
    assert run_outcome({**STATS, **extra}) == outcome


def test_run_counters_count_challenges_and_failed_downloads():
    stats = {
        "kznews/blocked": 3,
        "kznews/blocked/www.inform.kz": 3,
        "kznews/dropped/too_short": 4,
        "downloader/response_status_count/403": 2,
        "downloader/response_status_count/200": 9,
        "downloader/exception_count": 3,
    }
    counters = run_counters(stats)
    assert (counters["blocked"], counters["http_errors"]) == (3, 5)
    assert counters["dropped"] == {"too_short": 4}


def test_stale_runs_of_dead_or_unknown_owners_fail_live_ones_stay(tmp_path):
    factory = open_database(f"sqlite:///{tmp_path / 'runs.sqlite3'}")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    with make_sessionmaker(factory.kw["bind"]).begin() as session:
        mine = start_run(session, "kazinform", "kazinform", owner=run_owner())
        gone = start_run(session, "kazinform", "kazinform", owner={**run_owner(), "pid": dead.pid})
        elsewhere = start_run(session, "kazinform", "kazinform", owner={"host": "other-host", "pid": 1})
        other_site = start_run(session, "tengrinews", "tengrinews", owner={"host": "other-host", "pid": 1})
        note = {"failed_reason": STALE_RUN_REASON}
        assert sorted(fail_stale_runs(session, "kazinform", note=note, now=NOW, alive=owner_alive)) == [
            gone,
            elsewhere,
        ]
        runs = {run.id: run for run in session.query(CrawlRun)}
        assert runs[mine].status == runs[other_site].status == "running"
        assert runs[gone].status == "failed" and runs[gone].finished_at == NOW
        assert runs[gone].stats == {**run_owner(), "pid": dead.pid, "failed_reason": STALE_RUN_REASON}
    factory.kw["bind"].dispose()


def test_owner_with_a_reused_pid_is_dead():
    assert owner_alive(run_owner())
    assert not owner_alive({**run_owner(), "pid_started": -1})


def test_progress_line_sums_the_crawls_and_rates_follow_the_last_interval():
    clock = iter([0.0, 2.0, 4.0])
    stream = StringIO()
    board = ProgressBoard(stream, clock=lambda: next(clock))
    board.crawls = {"kazinform": FakeStats({"response_received_count": 4, "kznews/cleaned": 2})}
    board.started = 0.0
    board.render()  # at 0 s
    board.crawls["tengrinews"] = FakeStats(
        {"response_received_count": 6, "kznews/cleaned": 4, "kznews/stored": 3, "kznews/dropped/too_short": 1}
    )
    board.done = {"kazinform"}
    board.redraw()  # at 2 s: 6 more pages, 4 more articles
    line = (
        "harvest 0:00:02 | kazinform done, tengrinews | pages 10 (3.0/s) | articles 6 (2.0/s)"
        " | stored 3 | dropped 1"
    )
    assert stream.getvalue() == "\r" + line
    board.clear()
    assert stream.getvalue() == "\r" + line + "\r" + " " * len(line) + "\r"


def test_progress_line_shows_hours():
    line = progress_line({}, set(), 3725.0, (0.0, 0.0))
    assert line.startswith("harvest 1:02:05 | - | pages 0")


class FakeStats:
    def __init__(self, stats):
        self.stats = stats

    def get_stats(self):
        return self.stats


def test_summary_table_lines_up_and_explains_drops_and_failures():
    finished = {"kznews/stored": 12, "kznews/dropped/too_short": 2, "elapsed_time_seconds": 3725.2}
    failed = {"downloader/exception_count": 4, "elapsed_time_seconds": 1.0}
    table = format_table(
        [("kazinform", "finished", None, finished), ("tengrinews", "failed", "no response", failed)]
    ).splitlines()
    assert table[1] == table[1].rstrip()
    assert table[1].split("  ")[0] == "site" and "http errors" in table[1] and table[1].endswith("time")
    assert table[2].split() == ["kazinform", "finished", "12", "0", "0", "2", "0", "0", "1:02:05"]
    assert table[3].split() == ["tengrinews", "failed", "0", "0", "0", "0", "4", "0", "0:00:01"]
    assert len({len(line) for line in table[1:4]}) == 1
    assert table[4:] == ["  kazinform dropped: too_short 2", "  tengrinews failed: no response"]


# --- end to end, in subprocesses ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("replay") / "fixture-site.warc.gz"
    pack_fixture_site(DEFAULT_MANIFEST, path)
    return path


BOTH = ("kazinform", "tengrinews")  # the two sites these tests know the fixture articles of


def harvest(db, *argv, settings):
    """``python -m crawler.cli harvest`` on the SQLite file ``db`` with ``-s NAME=VALUE`` for each setting."""
    command = [sys.executable, "-m", "crawler.cli", "harvest", "--database-url", f"sqlite:///{db}", *argv]
    command += [arg for name, value in settings.items() for arg in ("-s", f"{name}={value}")]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process, timeout=40):
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def query(db, sql):
    if not db.exists():
        return []
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
        try:
            return connection.execute(sql).fetchall()
        except sqlite3.OperationalError:  # tables not created yet
            return []


RUNS = """SELECT r.id, s.name, r.status, r.finished_at, r.stored, r.stats
FROM crawl_runs r JOIN sites s ON s.id = r.site_id ORDER BY r.id"""


def runs(db):
    return [(*row[:5], json.loads(row[5])) for row in query(db, RUNS)]


def articles_per_site(db):
    return dict(
        query(db, "SELECT s.name, count(*) FROM articles a JOIN sites s ON s.id = a.site_id GROUP BY 1")
    )


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def dead_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def assert_complete(db):
    """Every stored article is whole: its text ends with the fixture's last paragraph, metadata filled."""
    rows = query(db, "SELECT url, text, title, lang, published_at, word_count FROM articles")
    for url, text, title, lang, published_at, word_count in rows:
        expected = EXPECTED[url]
        assert text.rstrip().endswith(expected["last_paragraph"]), url
        assert title and published_at and word_count >= 40, url
        assert lang == expected["lang"], url
    return rows


@pytest.mark.slow
def test_harvest_of_both_sites_from_replay_records_one_run_each(tmp_path, archive):
    db = tmp_path / "h.sqlite3"
    status, out, err = finish(harvest(db, *BOTH, "--workers", "0", settings={"KZNEWS_REPLAY": archive}))
    assert status == 0, err
    recorded = runs(db)
    assert sorted(site for _, site, *_ in recorded) == ["kazinform", "tengrinews"]
    stored = articles_per_site(db)
    assert stored == Counter(article["site"] for article in EXPECTED.values() if article["site"] in BOTH)
    for _, site, run_status, finished_at, stored_column, stats in recorded:
        assert (run_status, stats["finish_reason"]) == ("finished", "finished")
        assert finished_at is not None and stats["pid"] > 0
        assert stored_column == stats["kznews/stored"] == stored[site]
    assert_complete(db)
    table = out[out.index("kznews harvest summary") :].splitlines()
    assert [line.split()[:3] for line in table[2:4]] == [
        ["kazinform", "finished", str(stored["kazinform"])],
        ["tengrinews", "finished", str(stored["tengrinews"])],
    ]


@pytest.mark.slow
def test_a_harvest_of_both_sites_opens_one_database_engine(tmp_path, archive):
    db = tmp_path / "one.sqlite3"
    argv = ["harvest", *BOTH, "--workers", "0", "--database-url", f"sqlite:///{db}"]
    argv += ["-s", f"KZNEWS_REPLAY={archive}"]
    code = (
        "import sys\nimport crawler.store as store\nfrom crawler.cli import main\n"
        f"status = main({argv!r})\nprint('engines opened:', store.ENGINES_OPENED)\nsys.exit(status)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "engines opened: 1" in result.stdout
    assert sorted(site for _, site, *_ in runs(db)) == ["kazinform", "tengrinews"]


@pytest.mark.slow
def test_a_killed_run_is_marked_failed_when_the_next_one_starts(tmp_path, archive, mockserver):
    db = tmp_path / "k.sqlite3"
    live = {**LIVE, "DOWNLOAD_DELAY": 1, "KZNEWS_HOST_MAP": json.dumps(mockserver.host_map())}
    slow = harvest(db, *BOTH, "--workers", "0", settings=live)
    try:
        wait_for(lambda: len(runs(db)) == 2, 20, "two running rows")
    finally:
        slow.kill()  # SIGKILL: no chance to close its rows
        slow.communicate(timeout=10)
    assert [status for _, _, status, *_ in runs(db)] == ["running", "running"]
    status, _, err = finish(harvest(db, *BOTH, "--workers", "0", settings={"KZNEWS_REPLAY": archive}))
    assert status == 0, err
    after = runs(db)
    for _, site, run_status, finished_at, _, stats in after[:2]:
        assert (run_status, stats["failed_reason"]) == ("failed", STALE_RUN_REASON), site
        assert finished_at is not None and stats["pid"] == slow.pid
    assert sorted((site, run_status) for _, site, run_status, *_ in after[2:]) == [
        ("kazinform", "finished"),
        ("tengrinews", "finished"),
    ]


@pytest.mark.slow
def test_sigterm_finishes_items_in_flight_stores_them_and_exits(tmp_path, mockserver):
    db = tmp_path / "t.sqlite3"
    live = {
        **LIVE,
        "DOWNLOAD_DELAY": 1,
        "KZNEWS_DB_BATCH_SIZE": 1,
        "KZNEWS_HOST_MAP": json.dumps(mockserver.host_map()),
    }
    # The loop (--every) passes SIGTERM on to its cycle, a one-shot harvest with an extraction worker.
    loop = harvest(db, *BOTH, "--every", "1h", "--workers", "1", settings=live)
    try:
        wait_for(lambda: sum(articles_per_site(db).values()) >= 2, 30, "two stored articles")
        family = psutil.Process(loop.pid).children(recursive=True)
        assert family, "the cycle runs in a child process"
        sent = time.monotonic()
        loop.send_signal(signal.SIGTERM)
        status, out, err = finish(loop, timeout=20)
    finally:
        if loop.poll() is None:
            loop.kill()
    assert status == 0, err
    assert time.monotonic() - sent < 20
    _, alive = psutil.wait_procs(family, timeout=5)  # workers and resource tracker go with their cycle
    assert not alive
    stored = articles_per_site(db)
    recorded = runs(db)
    assert len(recorded) == 2
    outcomes = {(run_status, stats["finish_reason"]) for _, _, run_status, _, _, stats in recorded}
    # a small site may be done before the signal comes; the other one is cut short
    assert ("failed", "shutdown") in outcomes
    assert outcomes <= {("failed", "shutdown"), ("finished", "finished")}
    for _, site, _, finished_at, stored_column, stats in recorded:
        assert finished_at is not None
        assert stored_column == stats.get("kznews/stored", 0) == stored.get(site, 0), site
    assert len(assert_complete(db)) >= 2
    assert "finish_reason shutdown" in out


@pytest.mark.slow
@pytest.mark.postgres
def test_ps_never_shows_the_database_password_of_an_every_loop(pg_schema_url, mockserver):
    secret = "kznews-ps-secret-7f3a"
    url = make_url(pg_schema_url).set(password=secret).render_as_string(hide_password=False)
    live = {**LIVE, "DOWNLOAD_DELAY": 1, "KZNEWS_HOST_MAP": json.dumps(mockserver.host_map())}
    command = [sys.executable, "-m", "crawler.cli", "harvest", "kazinform", "--every", "1h", "--workers", "1"]
    command += [arg for name, value in live.items() for arg in ("-s", f"{name}={value}")]
    # The URL by environment, as the README advises: then no process of the loop shows it.
    loop = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "KZNEWS_DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = set()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(seen) < 3:  # the loop, its cycle and a cleaning worker
            for process in [psutil.Process(loop.pid), *psutil.Process(loop.pid).children(recursive=True)]:
                try:
                    seen.add((process.pid, " ".join(process.cmdline())))
                except psutil.NoSuchProcess:
                    pass
            time.sleep(0.1)
        loop.send_signal(signal.SIGTERM)
        status, _, err = finish(loop, timeout=30)
    finally:
        if loop.poll() is None:
            loop.kill()
    assert status == 0, err
    assert len(seen) >= 3, seen
    assert not [cmdline for _, cmdline in seen if secret in cmdline]
    assert any("harvest kazinform" in cmdline for pid, cmdline in seen if pid != loop.pid)  # the cycle


def test_a_cycle_gets_the_database_url_by_environment_not_argv():
    argv, environment = _child_arguments(parse("--every", "1h", "--database-url", "postgresql://u:pw@h/db"))
    assert "pw" not in " ".join(argv) and environment["KZNEWS_DATABASE_URL"] == "postgresql://u:pw@h/db"


@pytest.mark.slow
def test_every_runs_cycles_and_survives_a_site_that_is_down(tmp_path, mockserver):
    db = tmp_path / "e.sqlite3"
    down = f"http://127.0.0.1:{dead_port()}"
    host_map = {o: down if "tengrinews" in o else mirror for o, mirror in mockserver.host_map().items()}
    live = {**LIVE, "DOWNLOAD_DELAY": 0, "RETRY_TIMES": 0, "KZNEWS_HOST_MAP": json.dumps(host_map)}
    status, out, err = finish(
        harvest(db, *BOTH, "--every", "1s", "--cycles", "2", "--workers", "0", settings=live)
    )
    assert status == 1, err  # the last cycle had a failed run
    assert "cycle 2 starts" in out and "cycle 1 ended with status 1" in err
    recorded = sorted(
        (site, state, stats.get("failed_reason", "")) for _, site, state, _, _, stats in runs(db)
    )
    assert recorded[:2] == [("kazinform", "finished", "")] * 2
    assert [r[:2] for r in recorded[2:]] == [("tengrinews", "failed")] * 2
    assert all(r[2].startswith("no response from the site") for r in recorded[2:])
    assert articles_per_site(db)["kazinform"] > 0


@pytest.mark.slow
def test_a_crawl_that_cannot_start_is_recorded_as_failed(tmp_path):
    db = tmp_path / "m.sqlite3"
    missing = tmp_path / "no-such-archive.warc.gz"
    status, out, err = finish(harvest(db, *BOTH, "--workers", "0", settings={"KZNEWS_REPLAY": missing}))
    assert status == 1, err
    recorded = runs(db)
    assert sorted(site for _, site, *_ in recorded) == ["kazinform", "tengrinews"]
    for _, site, run_status, finished_at, _, stats in recorded:
        assert run_status == "failed" and finished_at is not None
        assert stats["failed_reason"].startswith("could not start: FileNotFoundError"), stats
        assert f"{site} failed: could not start" in out


def test_a_site_still_harvested_by_a_live_process_is_skipped(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    factory = open_database(url)
    with factory.begin() as session:
        live = start_run(session, "kazinform", "kazinform", owner=run_owner())
        start_run(session, "tengrinews", "tengrinews", owner={"host": "other-host", "pid": 1})
    factory.kw["bind"].dispose()
    with opened(url) as database:
        live_runs = _live_runs(database, ["kazinform", "tengrinews"])
    assert live_runs == {"kazinform": f"run {live} (pid {os.getpid()})"}
