"""kznews report on a month of generated harvest history: quiet when healthy, the right ALERT lines when not.

The history (two sites, 29 days, ~100 articles a day in two runs a day) is stored once per backend through
db.repository; each scenario adds the report day inside a transaction that is rolled back afterwards.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from crawler.cli.report import add_arguments as add_report_arguments
from crawler.cli.report import run as run_report
from crawler.drift import (
    COUNT_DROP_RATIO,
    MIN_BASELINE_DAYS,
    SiteHealth,
    check_site,
)
from crawler.profiles import rules_for
from crawler.report import build_report, scan_junk
from db.engine import make_engine, make_sessionmaker
from db.health import ArticleDay
from db.migrate import ensure_schema
from db.models import CrawlRun, Site
from db.repository import upsert_articles
from db.runs import finish_run, start_run
from pipelines.article import Article
from pipelines.runstats import run_counters
from tests.db.conftest import BACKENDS, _create_schema, _drop_schema, pg_admin, pg_engine  # noqa: F401

ALMATY = timezone(timedelta(hours=5))
SITES = ("kazinform", "tengrinews")
FIRST_DAY = date(2026, 10, 23)
REPORT_DAY = date(2026, 11, 21)  # added by each scenario, rolled back after
NOW = datetime(2026, 11, 22, 6, 0, tzinfo=ALMATY)  # the morning cron after the report day
RUN_HOURS = (5, 17)  # two runs a day, local time; each stores what was published since the previous one
LANGS = ("ru", "ru", "kk", "en")
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
BROKEN_JUNK = ("Курс валют 501.24 course down", "ПОДЕЛИТЬСЯ")


def _paragraphs() -> list[str]:
    return [p for f in sorted(SEEDS.glob("*.expected.json")) for p in json.loads(f.read_text())["paragraphs"]]


PARAGRAPHS = _paragraphs()  # real cleaned story text: no junk line in it


def body(rng: random.Random, words: int) -> tuple[str, ...]:
    """Real paragraphs drawn at random, the last one cut so the body has exactly ``words`` words.

    A short cut-off tail joins the paragraph before it: a lone "Kazinform cites" line would be page chrome.
    """
    out: list[str] = []
    left = words
    while left > 0:
        tokens = rng.choice(PARAGRAPHS).split()[:left]
        if len(tokens) < 15 and out:
            out[-1] += " " + " ".join(tokens)
        else:
            out.append(" ".join(tokens))
        left -= len(tokens)
    return tuple(out)


def day_volume(site: str, day: date) -> int:
    """~100 a weekday, ~60 on weekends; tengrinews a little busier."""
    base = 60 if day.weekday() >= 5 else 100
    return base + (10 if site == "tengrinews" else 0) + day.day % 7


def store_day(
    session: Session,
    site: str,
    day: date,
    *,
    volume: int | None = None,
    broken: bool = False,
    stats: dict | None = None,
    status: str = "finished",
) -> None:
    """One day of one site: two runs, each storing its share of the day's articles through upsert_articles.

    ``broken`` simulates a layout break: bodies of 60-250 words (median ~155, half the usual ~300), no
    date found, and in a third of the articles the currency widget and share button left in the text.
    """
    rng = random.Random(f"{site}{day}{broken}")
    volume = day_volume(site, day) if volume is None else volume
    for k, hour in enumerate(RUN_HOURS):
        started = datetime.combine(day, time(hour), ALMATY)
        run_id = start_run(session, site, site, started_at=started)
        articles = []
        for n in range(k * volume // 2, (k + 1) * volume // 2):
            fetched = started + timedelta(seconds=10 * (n + 1))
            words = rng.randint(60, 250) if broken else max(120, int(rng.gauss(300, 60)))
            paragraphs = body(rng, words)
            if broken and n % 3 == 0:
                paragraphs = (BROKEN_JUNK[0], *paragraphs, BROKEN_JUNK[1])
            articles.append(
                Article(
                    url=f"https://{site}.example/{day:%Y/%m/%d}/{n}",
                    site=site,
                    edition="ru",
                    lang=LANGS[n % len(LANGS)],
                    title=f"{site} {day} {n}",
                    paragraphs=paragraphs,
                    published_at=None if broken else fetched - timedelta(minutes=rng.randint(5, 600)),
                    date_source=None if broken else "jsonld",
                    fetched_at=fetched,
                )
            )
        result = upsert_articles(session, articles)
        run_stats = {
            "kznews/stored": result.inserted,
            "kznews/dropped/too_short": rng.randint(0, 2),
            "downloader/response_status_count/200": len(articles) + 20,
            "downloader/response_status_count/404": rng.randint(0, 2),
        }
        run_stats.update((stats or {}) if k == len(RUN_HOURS) - 1 else {})
        counters = run_counters(run_stats).columns()
        finish_run(session, run_id, status, counters, run_stats, finished_at=started + timedelta(minutes=20))


@pytest.fixture(scope="module", params=BACKENDS)
def history(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A database holding the 29 days before REPORT_DAY for both sites, committed."""
    schema = None
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('report')}/history.sqlite3")
    else:
        admin = request.getfixturevalue("pg_admin")
        schema = _create_schema(admin)
        engine = pg_engine(schema)
    try:
        ensure_schema(engine)
        with make_sessionmaker(engine)() as session, session.begin():
            day = FIRST_DAY
            while day < REPORT_DAY:
                for site in SITES:
                    store_day(session, site, day)
                day += timedelta(days=1)
        yield engine
    finally:
        engine.dispose()
        if schema is not None:
            _drop_schema(request.getfixturevalue("pg_admin"), schema)


@pytest.fixture
def db(history: Engine) -> Iterator[Session]:
    """A session on the history whose changes are rolled back."""
    with make_sessionmaker(history)() as session:
        yield session
        session.rollback()


def alerts_by_site(session: Session) -> dict[str, list[str]]:
    report = build_report(session, now=NOW)
    found: dict[str, list[str]] = {site: [] for site in SITES}
    for alert in report.alerts:
        found[alert.site].append(alert.rule)
    return found


# --- scenarios on the stored history ---------------------------------------------------------------------


def test_healthy_day_is_quiet_and_exits_0(db: Session) -> None:
    for site in SITES:
        store_day(db, site, REPORT_DAY)
    report = build_report(db, now=NOW)
    assert report.alerts == []
    assert report.exit_status == 0
    lines = report.text.splitlines()
    assert lines[0].startswith("kznews report 2026-11-21 (UTC+05:00); baseline 2026-10-24 – 2026-11-20")
    assert lines[-1] == "OK: no drift in 2 site(s)"
    assert len(lines) == 5  # header, table header, one row per site, verdict
    assert not any(line.startswith("ALERT") for line in lines)
    kazinform = next(line for line in lines if line.startswith("kazinform"))
    assert "0% (0%)" in kazinform and "never" not in kazinform


def test_layout_break_alerts_that_site_only(db: Session) -> None:
    store_day(db, "kazinform", REPORT_DAY, broken=True)
    store_day(db, "tengrinews", REPORT_DAY)
    report = build_report(db, now=NOW)
    assert {a.rule for a in report.alerts if a.site == "kazinform"} == {
        "body_length",
        "short_bodies",
        "missing_date",
        "junk",
    }
    assert [a for a in report.alerts if a.site == "tengrinews"] == []
    assert report.exit_status == 1
    lines = {a.rule: str(a) for a in report.alerts}
    assert lines["body_length"].startswith("ALERT kazinform: median body length fell by half (")
    assert lines["body_length"].endswith("words) on 2026-11-21")
    assert lines["missing_date"].startswith("ALERT kazinform: date-missing share jumped 0% → 100% (")
    assert "junk-phrase hits 0% → 33%" in lines["junk"] and repr(BROKEN_JUNK[0]) in lines["junk"]
    assert report.text.splitlines()[1:5] == [str(a) for a in report.alerts]


def test_zero_articles_on_a_usually_busy_day(db: Session) -> None:
    store_day(db, "kazinform", REPORT_DAY, volume=0)  # runs finish, nothing stored (listing moved)
    store_day(db, "tengrinews", REPORT_DAY)
    report = build_report(db, now=NOW)
    baseline = [REPORT_DAY - timedelta(days=k) for k in range(1, 29)]
    usual = statistics.median(day_volume("kazinform", day) for day in baseline)
    assert [str(a) for a in report.alerts] == [
        f"ALERT kazinform: 0 articles on 2026-11-21; usually ~{usual:.0f}/day"
    ]


def test_blocked_responses_in_the_last_run(db: Session) -> None:
    store_day(db, "kazinform", REPORT_DAY)
    store_day(db, "tengrinews", REPORT_DAY, stats={"kznews/blocked": 42})
    report = build_report(db, now=NOW)
    assert [str(a) for a in report.alerts] == [
        "ALERT tengrinews: 42 blocked responses (anti-bot) in the last day"
    ]
    assert report.exit_status == 1


def test_a_layout_that_no_longer_matches_alerts_once_and_nothing_else_fires(db: Session) -> None:
    fit = {"kznews/layout_pages/kazinform": 37, "kznews/layout_fallback/kazinform": 37}
    store_day(db, "kazinform", REPORT_DAY, stats=fit)
    store_day(db, "tengrinews", REPORT_DAY, stats={"kznews/layout_pages/tengrinews": 40})
    report = build_report(db, now=NOW)
    selector = rules_for("kazinform").layout_for(REPORT_DAY).body
    assert [str(a) for a in report.alerts] == [
        f"ALERT kazinform: layout `{selector}` matched 0 of 37 pages in the last day; generic extraction used"
    ]


def test_a_stray_fallback_is_no_alert_but_feed_articles_outside_the_patterns_are(db: Session) -> None:
    fit = {"kznews/layout_pages/kazinform": 37, "kznews/layout_fallback/kazinform": 2}
    store_day(db, "kazinform", REPORT_DAY, stats={**fit, "kznews/outside_url_rules/kazinform": 5})
    store_day(db, "tengrinews", REPORT_DAY)
    assert [str(a) for a in build_report(db, now=NOW).alerts] == [
        "ALERT kazinform: 5 articles from feed URLs outside the profile's article URL patterns in the last"
        " day: the site's URL scheme changed"
    ]


def test_no_successful_run_for_three_days(db: Session) -> None:
    store_day(db, "kazinform", REPORT_DAY)
    store_day(db, "tengrinews", REPORT_DAY, status="failed")
    tengri = db.query(Site.id).filter(Site.name == "tengrinews").scalar_subquery()
    since = datetime.combine(REPORT_DAY - timedelta(days=2), time(), ALMATY)
    db.execute(
        update(CrawlRun)
        .where(CrawlRun.site_id == tengri, CrawlRun.started_at >= since)
        .values(status="failed")
    )
    report = build_report(db, now=NOW)
    assert [str(a) for a in report.alerts] == [
        "ALERT tengrinews: last successful run 3 days ago (2026-11-18 12:20 UTC)"
    ]


def test_site_filter_and_a_longer_window(db: Session) -> None:
    store_day(db, "kazinform", REPORT_DAY, broken=True)
    store_day(db, "tengrinews", REPORT_DAY, volume=0)
    only = build_report(db, now=NOW, sites=["tengrinews"])
    assert {a.site for a in only.alerts} == {"tengrinews"} and len(only.sites) == 1
    # Three days, one of them broken: the day rules still see the broken day; pooled shares dilute.
    week = build_report(db, now=NOW, days=3)
    kazinform = {a.rule: a.message for a in week.alerts if a.site == "kazinform"}
    assert kazinform["body_length"].endswith("on 2026-11-21")
    assert kazinform["missing_date"].endswith("on 2026-11-19 – 2026-11-21")
    with pytest.raises(LookupError, match="unknown site"):
        build_report(db, now=NOW, sites=["nur"])


# --- the command on the committed history ----------------------------------------------------------------


def _args(engine: Engine, *extra: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_report_arguments(parser)
    url = engine.url.render_as_string(hide_password=False)
    return parser.parse_args(["--database-url", url, *extra])


def test_command_exit_status_follows_alerts(history: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    # The last stored day as window: healthy.
    assert run_report(_args(history, "--now", "2026-11-21T06:00+05:00")) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "OK: no drift in 2 site(s)"
    # Two days later nothing was harvested: every site alerts, cron gets exit 1.
    assert run_report(_args(history, "--now", "2026-11-23T06:00+05:00", "--site", "kazinform")) == 1
    out = capsys.readouterr().out
    assert "ALERT kazinform: 0 articles on 2026-11-22; usually ~" in out
    assert "ALERT kazinform: last successful run 2 days ago (2026-11-20 12:20 UTC)" in out
    assert "tengrinews" not in out


def replace_url(args: argparse.Namespace, url: str) -> argparse.Namespace:
    return argparse.Namespace(**{**vars(args), "database_url": url})


def test_command_errors_exit_2(history: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_report(_args(history, "--site", "nur")) == 2
    assert "unknown site(s) nur" in capsys.readouterr().err
    missing = tmp_path / "missing.sqlite3"
    args = argparse.Namespace(
        database_url=f"sqlite:///{missing}", site=None, days=1, baseline_days=28, now=NOW
    )
    assert run_report(args) == 2
    assert not missing.exists()
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    assert run_report(replace_url(args, f"sqlite:///{empty}")) == 2
    assert run_report(replace_url(args, "postgresql+psycopg://postgres@127.0.0.1:9/none")) == 2  # refused
    err = capsys.readouterr().err
    assert "no database file" in err and "no kznews schema" in err and "127.0.0.1" in err
    with pytest.raises(SystemExit):
        _args(history, "--days", "0")


# --- the rules on their own ------------------------------------------------------------------------------


DAY0 = date(2026, 11, 1)


def _now(counts: list[int]) -> datetime:
    """The morning after the window day of ``_health(counts, ...)``."""
    return datetime.combine(DAY0 + timedelta(days=len(counts) + 1), time(6), ALMATY)


def _health(counts: list[int], window: int, median: float = 300.0) -> SiteHealth:
    day0 = DAY0
    baseline = [ArticleDay("s", day0 + timedelta(days=i), n, 0, 0, 0, 300.0) for i, n in enumerate(counts)]
    today = day0 + timedelta(days=len(counts))
    articles = {today: ArticleDay("s", today, window, 0, 0, 0, median)} if window else {}
    success = datetime.combine(today, time(20), ALMATY)
    return SiteHealth("s", (today,), articles, baseline, [], [], last_success=success)


def test_weekend_dip_is_not_an_alert_but_a_collapse_is() -> None:
    usual = [100] * 20
    assert check_site(_health(usual, 55), _now(usual)) == []
    low = check_site(_health(usual, int(100 * COUNT_DROP_RATIO) - 1), _now(usual))
    assert [a.rule for a in low] == ["articles_per_day"]


def test_new_site_without_history_gets_no_drift_alerts() -> None:
    short = [100] * (MIN_BASELINE_DAYS - 1)
    assert check_site(_health(short, 0, median=20.0), _now(short)) == []
    usual = [100] * 20
    never = replace(_health(usual, 100), last_success=None)
    assert [str(a) for a in check_site(never, _now(usual))] == ["ALERT s: no successful run on record"]


def test_scan_junk_counts_articles_not_lines() -> None:
    texts = ["Story line one.\nПОДЕЛИТЬСЯ\nКурс валют 501.24 course down", "A clean story.", PARAGRAPHS[0]]
    share, example = scan_junk(texts)
    assert (share.hits, share.total, example) == (1, 3, "ПОДЕЛИТЬСЯ")


# --- the window follows the data; stale alerts need a run that ended ---------------------------------------


@pytest.fixture(params=BACKENDS)
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Session]:
    """A session on an empty database at schema head."""
    schema = None
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path}/fresh.sqlite3")
    else:
        schema = _create_schema(request.getfixturevalue("pg_admin"))
        engine = pg_engine(schema)
    try:
        ensure_schema(engine)
        with make_sessionmaker(engine)() as session:
            yield session
    finally:
        engine.dispose()
        if schema is not None:
            _drop_schema(request.getfixturevalue("pg_admin"), schema)


def test_a_database_filled_today_is_reported_on_today_so_far(fresh: Session) -> None:
    store_day(fresh, "kazinform", REPORT_DAY)  # its first harvest: runs at 05:00 and 17:00
    report = build_report(fresh, now=datetime.combine(REPORT_DAY, time(18), ALMATY))
    assert report.alerts == [] and report.exit_status == 0
    lines = report.text.splitlines()
    assert lines[0].startswith("kznews report 2026-11-21 (today so far) (UTC+05:00)")
    assert lines[2].split()[:2] == ["kazinform", f"{day_volume('kazinform', REPORT_DAY)}"]
    assert lines[3] == (
        "note: no article stored and no crawl run from 2026-10-23 to 2026-11-20: "
        "the window moved to the newest data"
    )


def test_a_database_whose_harvest_ended_long_ago_is_reported_on_its_last_day(fresh: Session) -> None:
    store_day(fresh, "kazinform", FIRST_DAY)
    report = build_report(fresh, now=NOW)
    assert report.window.days == (FIRST_DAY,)
    assert report.sites[0].window_articles() == day_volume("kazinform", FIRST_DAY)
    # The harvest did stop: that is the one alert.
    assert [str(a) for a in report.alerts] == [
        "ALERT kazinform: last successful run 29 days ago (2026-10-23 12:20 UTC)"
    ]


def test_a_busy_database_keeps_yesterday_and_says_when_the_newest_article_was(db: Session) -> None:
    report = build_report(db, now=NOW)  # nothing stored on the report day
    assert report.window.days == (REPORT_DAY,)
    assert {a.rule for a in report.alerts} == {"articles_per_day", "last_success"}  # no run that day either
    assert (
        "note: kazinform: no articles first seen in the window; the newest was first seen 2026-11-20 12:"
        in (report.text)
    )


def test_no_successful_run_alerts_only_once_a_run_has_failed(fresh: Session) -> None:
    started = datetime.combine(REPORT_DAY, time(5), ALMATY)
    before = build_report(fresh, now=started)  # a report dated before the first run: nothing on record
    assert before.alerts == [] and "note: nothing on record before 2026-11-21 00:00 UTC" in before.text
    run_id = start_run(fresh, "kazinform", "kazinform", started_at=started)
    later = started + timedelta(hours=1)
    assert build_report(fresh, now=later).alerts == []  # the first run is still running
    finish_run(fresh, run_id, "failed", {}, {}, finished_at=started + timedelta(minutes=5))
    assert [str(a) for a in build_report(fresh, now=later).alerts] == [
        "ALERT kazinform: no successful run on record"
    ]
