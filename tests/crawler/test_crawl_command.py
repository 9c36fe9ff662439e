"""The project's `scrapy crawl`: bad input is one line and exit 2 before anything runs; a failed run, 1."""

import json
import os
import socket
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from crawler.fixturesite import FIXTURE_NOW
from crawler.spiders.sites import SPIDERS

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 60


def dead_port() -> int:
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def offline_host_map() -> dict[str, str]:
    """KZNEWS_HOST_MAP sending every host of every site, http and https, to a closed loopback port."""
    base = f"http://127.0.0.1:{dead_port()}"
    hosts = {host for spider in SPIDERS.values() for host in spider.profile.article_urls.hosts}
    return {f"{scheme}://{host}": f"{base}/{host}" for host in sorted(hosts) for scheme in ("http", "https")}


def scrapy_crawl(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize(
    ("argv", "env", "names"),
    [
        (["kazinform", "-a", "since=notadate"], {}, ["-a since", "YYYY-MM-DD", "2d"]),
        (["kazinform", "-a", "lang=xx"], {}, ["-a lang", "editions: ru, kk, en, kk-Latn"]),
        (["kazinform", "-a", "max_pages=abc"], {}, ["-a max_pages", "positive integer"]),
        (["kazinform", "-a", "sinse=2d"], {}, ["-a sinse", "arguments: lang, since"]),
        (["nosuch"], {}, ["'nosuch'", "spiders: ", "kazinform, khabar24", "(scrapy list)"]),
        (["kazinform", "-s", "KZNEWS_DATABASE_URL=mysql://x/y"], {}, ["-s KZNEWS_DATABASE_URL", "mysql"]),
        (["kazinform"], {"KZNEWS_DATABASE_URL": "garbage"}, ["KZNEWS_DATABASE_URL", "sqlite:///"]),
    ],
    ids=["since", "lang", "max_pages", "unknown-argument", "unknown-spider", "mysql-url", "garbage-env-url"],
)
def test_bad_input_is_one_line_and_status_2(argv, env, names, tmp_path):
    result = scrapy_crawl(*argv, "-s", f"KZNEWS_HOST_MAP={json.dumps(offline_host_map())}", env=env)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("scrapy crawl: error: "), result.stderr
    assert all(name in lines[0] for name in names), lines[0]


@pytest.mark.slow
def test_an_unreachable_database_is_a_failed_run_naming_the_variable(tmp_path):
    url = f"postgresql+psycopg://kznews@127.0.0.1:{dead_port()}/kznews"
    settings = {"KZNEWS_HOST_MAP": json.dumps(offline_host_map()), "KZNEWS_EXTRACT_WORKERS": "0"}
    argv = [arg for name, value in settings.items() for arg in ("-s", f"{name}={value}")]
    result = scrapy_crawl("kazinform", *argv, env={"KZNEWS_DATABASE_URL": url})
    assert result.returncode == 1, result.stderr[-3000:]
    first = result.stdout.splitlines()[0]
    assert first.startswith("kznews run FAILED: kazinform: database unusable (OperationalError"), first
    assert first.endswith("check KZNEWS_DATABASE_URL and that its server is up")
    assert "Traceback" not in result.stdout + result.stderr


class TestSpiderArguments:
    def test_since_takes_a_duration_as_harvest_does(self):
        arguments = SPIDERS["kazinform"].parse_arguments({"since": "2d", "now": FIXTURE_NOW.isoformat()})
        assert arguments.since == date(2026, 4, 26)  # FIXTURE_NOW is 2026-04-28 in Almaty

    def test_a_spider_refuses_what_the_command_refuses(self):
        with pytest.raises(ValueError, match="-a since: expected YYYY-MM-DD or a duration"):
            SPIDERS["kazinform"](since="notadate")

    def test_scrapyd_arguments_pass(self):
        assert SPIDERS["kazinform"].parse_arguments({"_job": "a1b2"}).editions == (
            "ru",
            "kk",
            "en",
            "kk-Latn",
        )
