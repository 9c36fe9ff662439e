"""A crawl against a hostile site (tests/hostile_http.py) stores the good stories only, counts every other
one under a named reason, and exits."""

import subprocess

import pytest

from tests.crawls import CRAWL_TIMEOUT_S, ROOT, crawl_command, mismatches, read_store
from tests.fixture_data import EXPECTED
from tests.hostile_http import CLAIMS, GOOD, HOSTILE, SLOW_S, HostileServer, block_page_urls
from tests.mockserver import serving


@pytest.fixture
def hostile_site():
    with serving(HostileServer()) as server:
        yield server.site


@pytest.mark.slow
def test_a_crawl_of_a_hostile_site_stores_only_good_stories_and_names_every_drop(hostile_site, tmp_path):
    database_url = f"sqlite:///{tmp_path / 'hostile.sqlite3'}"
    settings = {
        "KZNEWS_HOST_MAP": hostile_site.host_map(),
        "DOWNLOAD_TIMEOUT": SLOW_S / 4,
        "RETRY_TIMES": 0,
        "KZNEWS_EXTRACT_TIMEOUT": 5,
    }
    result = subprocess.run(
        crawl_command("kazinform", database_url, settings, lang="ru"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=CRAWL_TIMEOUT_S,
    )
    assert "Traceback" not in result.stderr, result.stderr[-4000:]
    stored = read_store(database_url)
    # the good stories, and the stories of their own that claim another canonical, under their own URLs
    assert set(stored.articles) == {*GOOD, *CLAIMS}
    for url in GOOD:
        assert mismatches(stored.articles[url], EXPECTED[url]) == [], url  # not overwritten by a claimant
    assert [version for version in stored.versions if version[0] in GOOD] == []
    stats = stored.run()["stats"]
    reasons = {}
    for reason in HOSTILE.values():
        named = reason.split("/")[0]
        reasons[named] = reasons.get(named, 0) + 1
    counted = {reason: stats.get(f"kznews/dropped/{reason}", 0) for reason in reasons}
    assert counted == reasons, {k: v for k, v in stats.items() if "kznews/" in k or "exception" in k}
    assert stats.get("kznews/blocked", 0) == len(block_page_urls())
    assert not [path for path in hostile_site.requests if "/internal/" in path]  # never fetched
    assert "/internal/admin" not in result.stderr or "offsite request refused" in result.stderr
    assert max(map(len, result.stderr.splitlines())) < 2000  # no page body in a log line
