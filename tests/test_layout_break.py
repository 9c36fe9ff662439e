"""A site redesign under a profile: with its layout's body selectors broken on purpose, a replay still
stores every article through the generic path, counts the fallbacks, and `kznews report` alerts on it."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from crawler.drift import LAYOUT_FALLBACK_MIN
from crawler.fixturesite import DEFAULT_MANIFEST, pack_fixture_site
from crawler.profiles import PROFILES
from crawler.report import build_report
from db.engine import make_engine, make_sessionmaker
from tests.crawls import ROOT, crawl_command, expected_urls, read_store

pytestmark = pytest.mark.slow

BROKEN_BODY = "div.no-such-body"
# The crawl runs the real `scrapy crawl`, with the site's profile given layouts whose body selector finds
# nothing (the cleaning workers get the rules from the crawl, so they see the broken layouts too).
PATCH = """
import dataclasses, sys, types
from crawler import profiles
site = {site!r}
p = profiles.PROFILES[site]
layouts = tuple(dataclasses.replace(layout, body={broken!r}) for layout in p.rules.layouts)
broken = dataclasses.replace(p, rules=dataclasses.replace(p.rules, layouts=layouts))
profiles.PROFILES = types.MappingProxyType({{**profiles.PROFILES, site: broken}})
from scrapy.cmdline import execute
sys.argv = ["scrapy", *{argv!r}]
execute()
"""


# Only profiles whose layouts name a body selector can lose it (thin profiles read every page generically).
LAYOUT_SITES = sorted(name for name, p in PROFILES.items() if any(layout.body for layout in p.rules.layouts))


@pytest.mark.parametrize("site", LAYOUT_SITES)
def test_broken_layout_loses_no_article_and_the_report_says_so(site, tmp_path):
    archive = tmp_path / "site.warc.gz"
    pack_fixture_site(DEFAULT_MANIFEST, archive)
    url = f"sqlite:///{tmp_path}/broken.sqlite3"
    argv = crawl_command(site, url, {"KZNEWS_REPLAY": archive})[3:]  # after "python -m scrapy"
    code = PATCH.format(site=site, broken=BROKEN_BODY, argv=argv)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr[-3000:]
    stored = read_store(url)
    assert set(stored.articles) == expected_urls(site)
    for article in stored.articles.values():
        assert article.title and article.published_at and article.word_count >= 40, article.url
    stats = stored.run()["stats"]
    fallen = stats[f"kznews/layout_fallback/{site}"]
    assert fallen == stats[f"kznews/layout_pages/{site}"] == len(expected_urls(site))
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            report = build_report(session, now=datetime.now(UTC) + timedelta(days=1), sites=[site])
    finally:
        engine.dispose()
    selector = PROFILES[site].rules.layout_for(datetime.now(UTC).date()).body  # as the profile names it
    fit = [str(alert) for alert in report.alerts if alert.rule == "layout_fallback"]
    alert = f"ALERT {site}: layout `{selector}` matched 0 of {fallen} pages in the last day; "
    alert += "generic extraction used"
    assert fit == ([alert] if fallen >= LAYOUT_FALLBACK_MIN else [])  # fewer pages say nothing yet
