"""Offline runs (issue 11): every site mapped to a closed loopback port, `scrapy crawl` and `kznews harvest`
end quickly with exit 1, a summary whose first line names the cause and the fix, no traceback, and a failed
crawl_runs row that agrees with the exit status."""

import json
import os
import subprocess
import sys
import time

import pytest

from crawler.profiles import PROFILES
from tests.crawler.test_crawl_command import offline_host_map
from tests.crawls import ROOT, read_store

LIMIT_S = 15  # the acceptance limit for an offline run, start to exit
NO_RESPONSE = "no response from the site ("
NETWORK_FIX = "check the network (DNS, proxy, firewall) / KZNEWS_HOST_MAP"


def run_offline(command: list[str], database_url: str) -> tuple[subprocess.CompletedProcess[str], float]:
    # Only the host map: the project's own pace and retries (AutoThrottle, DOWNLOAD_DELAY, RETRY_TIMES).
    command = [*command, "-s", f"KZNEWS_HOST_MAP={json.dumps(offline_host_map())}"]
    began = time.monotonic()
    result = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "KZNEWS_DATABASE_URL": database_url},
    )
    return result, time.monotonic() - began


def summary_lines(stdout: str, title: str) -> list[str]:
    lines = stdout.splitlines()
    return lines[next(i for i, line in enumerate(lines) if line.startswith(title)) :]


@pytest.mark.slow
def test_scrapy_crawl_offline_fails_fast_with_the_cause_first(tmp_path):
    url = f"sqlite:///{tmp_path / 'offline.sqlite3'}"
    command = [sys.executable, "-m", "scrapy", "crawl", "kazinform", "-s", "KZNEWS_EXTRACT_WORKERS=1"]
    result, elapsed = run_offline(command, url)
    assert result.returncode == 1, result.stderr[-3000:]
    assert elapsed < LIMIT_S
    assert "Traceback" not in result.stdout + result.stderr
    summary = summary_lines(result.stdout, "kznews run")
    assert summary[0].startswith(f"kznews run FAILED: kazinform: {NO_RESPONSE}")
    assert "www.inform.kz: connection refused x " in summary[0]
    assert "given up after 4 tries in a row" in summary[0] and summary[0].endswith(NETWORK_FIX)
    assert any(line.startswith("  no answer: www.inform.kz: connection refused x ") for line in summary)
    (run,) = read_store(url).runs
    assert run["status"] == "failed" and run["stats"]["failed_reason"].startswith(NO_RESPONSE)
    assert run["stats"]["finish_reason"] == "site_unreachable"


@pytest.mark.slow
def test_kznews_harvest_offline_fails_fast_with_the_cause_first(tmp_path):
    url = f"sqlite:///{tmp_path / 'offline-harvest.sqlite3'}"
    result, elapsed = run_offline([sys.executable, "-m", "crawler.cli", "harvest", "--workers", "1"], url)
    assert result.returncode == 1, result.stderr[-3000:]
    assert elapsed < LIMIT_S
    assert "Traceback" not in result.stdout + result.stderr
    summary = summary_lines(result.stdout, "kznews harvest")
    every_site = ", ".join(sorted(PROFILES))
    assert summary[0] == f"kznews harvest FAILED: {every_site}: no response from the site: {NETWORK_FIX}"
    assert any(line.startswith(f"  kazinform failed: {NO_RESPONSE}") for line in summary)
    assert any(
        line.startswith("  tengrinews no answer: tengrinews.kz: connection refused x ") for line in summary
    )
    runs = read_store(url).runs
    assert sorted((run["spider"], run["status"]) for run in runs) == [
        (name, "failed") for name in sorted(PROFILES)
    ]
