"""Acceptance: PostgreSQL stopped for 20 s in the middle of a real ``scrapy crawl`` loses no article.

The crawl runs against a private PostgreSQL server this module starts on a free port (initdb + pg_ctl in a
temporary directory; the shared server on 5432 is never touched), fetches the fixture site from the
loopback mock server one article per batch at a pace that spans the outage, and journals what it cannot
store. Every article must be stored by the end of that run or of the next crawl on the machine, and each
run row must count what it stored.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from glob import glob
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tests.crawler.conftest import serve_fixture_site
from tests.crawls import CRAWL_TIMEOUT_S, ROOT, crawl, crawl_command, expected_urls, read_store
from tests.services import services_required

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

OUTAGE_S = 20
# Seconds between two requests to one host: www.inform.kz serves 23 of the crawl's 31 requests, so the
# crawl lasts about 30 s, from before the outage to after it, with articles arriving throughout.
PACE_S = 1.25
START_TIMEOUT_S = 60  # the crawl's start and its first article, on a loaded 2-core machine
PG_TIMEOUT_S = 30  # pg_ctl -t: start-up or shutdown of the private server


class PrivatePostgres:
    """A PostgreSQL server of this test module's own: trust auth, loopback, a free port."""

    def __init__(self, root: Path, port: int) -> None:
        self.root, self.port, self.data = root, port, root / "data"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        self.running = False

    def run(self, tool: str, *args: str) -> None:
        command = [server_tool(tool) or tool, *args]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=PG_TIMEOUT_S + 10)

    def init(self) -> None:
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.root / "server.log")
        self.run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "-t", str(PG_TIMEOUT_S), "start"
        )
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", str(PG_TIMEOUT_S), "stop")
        self.running = False


def server_tool(name: str) -> str | None:
    """A PostgreSQL server program (Debian keeps them out of PATH), newest version first."""
    found = sorted(glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def postgres() -> Iterator[PrivatePostgres]:
    if server_tool("pg_ctl") is None:
        if services_required():
            pytest.fail("PostgreSQL server programs (initdb, pg_ctl) not found")
        pytest.skip("PostgreSQL server programs (initdb, pg_ctl) not found")
    root = Path(tempfile.mkdtemp(prefix="kznews-pg-"))  # not under pytest's tmp: the postgres user needs it
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    server = PrivatePostgres(root, free_port())
    try:
        server.init()
        server.start()
        yield server
    finally:
        if server.running:
            server.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


def stored_count(url: str) -> int:
    """Articles in the database; 0 before the schema exists."""
    engine = create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 2})
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM articles")).scalar_one()
    except Exception:  # not migrated yet, or the server is starting: nothing stored that we can see
        return 0
    finally:
        engine.dispose()


def test_postgres_down_for_20_s_mid_crawl_loses_no_article(postgres, tmp_path):
    journal = tmp_path / "journal"
    settings = {
        "KZNEWS_DB_BATCH_SIZE": 1,
        "KZNEWS_JOURNAL_DIR": str(journal),
        "KZNEWS_RETRY_BACKOFF_MAX": 1,  # the fixture's 429 says Retry-After: 1
        "DOWNLOAD_DELAY": PACE_S,
        "DOWNLOAD_DELAY_JITTER": 0,
    }
    log = tmp_path / "crawl.log"
    with serve_fixture_site() as server:
        settings["KZNEWS_HOST_MAP"] = server.host_map()
        started = time.monotonic()
        with log.open("w") as stderr:
            process = subprocess.Popen(
                crawl_command("kazinform", postgres.url, settings),
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
            try:
                while stored_count(postgres.url) == 0:
                    assert process.poll() is None, log.read_text()[-4000:]
                    assert time.monotonic() - started < START_TIMEOUT_S, "no article stored in time"
                    time.sleep(0.2)
                stored_before = stored_count(postgres.url)
                postgres.stop()
                down_at = time.monotonic()
                time.sleep(OUTAGE_S)
                postgres.start()
                outage = time.monotonic() - down_at
                process.wait(timeout=CRAWL_TIMEOUT_S)
            finally:
                if process.poll() is None:
                    process.kill()
        assert process.returncode == 0, log.read_text()[-4000:]
        first_run_s = time.monotonic() - started
        # The next crawl on this machine (another site) replays whatever the first left in the journal.
        crawl("tengrinews", postgres.url, {**settings, "DOWNLOAD_DELAY": 0})

    stored = read_store(postgres.url)
    kazinform, tengrinews = stored.runs
    assert set(stored.articles) == expected_urls("kazinform") | expected_urls("tengrinews")
    assert stored_before < len(expected_urls("kazinform")), "the outage began after the crawl stored all"
    assert outage >= OUTAGE_S and first_run_s > outage
    assert kazinform["stats"].get("kznews/journal/spilled", 0) > 0, "no batch met the outage"
    assert (
        "kznews/storage_lost" not in kazinform["stats"] and "kznews/storage_lost" not in tengrinews["stats"]
    )
    assert (kazinform["status"], kazinform["stored"]) == ("finished", len(expected_urls("kazinform")))
    assert (tengrinews["status"], tengrinews["stored"]) == ("finished", len(expected_urls("tengrinews")))
    assert list(journal.iterdir()) == []
