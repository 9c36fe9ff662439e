"""db.health: per-site/day aggregates of articles and crawl runs, the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import Session

from db import runs
from db.health import (
    ArticleDay,
    RunDay,
    article_days,
    iter_texts,
    last_run_ends,
    last_successes,
    newest_activity,
    newest_first_seen,
    run_days,
    site_names,
)
from db.repository import upsert_articles
from db.runs import start_run
from pipelines.article import Article
from pipelines.runstats import run_counters

ALMATY = timezone(timedelta(hours=5))
SINCE = datetime(2026, 11, 1, tzinfo=UTC)
UNTIL = datetime(2026, 12, 1, tzinfo=UTC)


def finish_run(session, run_id, status, stats, **kwargs):
    """db.runs.finish_run with the counters runstats reads from ``stats`` (as the crawl store passes them)."""
    return runs.finish_run(session, run_id, status, run_counters(stats).columns(), stats, **kwargs)


def article(n: int, site: str, fetched: datetime, words: int, *, dated: bool = True, lang: str | None = "ru"):
    return Article(
        url=f"https://{site}.example/news/{n}",
        site=site,
        lang=lang,
        title=f"title {n}",
        paragraphs=(" ".join(f"w{n}x{i}" for i in range(words)),),
        published_at=fetched - timedelta(hours=1) if dated else None,
        fetched_at=fetched,
    )


def store(session: Session, *articles: Article) -> None:
    upsert_articles(session, list(articles))
    session.flush()


def test_days_follow_the_report_offset(session: Session) -> None:
    # 19:30 UTC on the 20th is 00:30 on the 21st in Almaty.
    store(session, article(1, "kazinform", datetime(2026, 11, 20, 19, 30, tzinfo=UTC), 100))
    utc = article_days(session, SINCE, UNTIL, short_words=80)
    local = article_days(session, SINCE, UNTIL, short_words=80, offset_minutes=300)
    assert [d.day for d in utc] == [date(2026, 11, 20)]
    assert [d.day for d in local] == [date(2026, 11, 21)]


def test_article_days_count_flags_and_median_per_site_and_day(session: Session) -> None:
    day1 = datetime(2026, 11, 20, 8, tzinfo=ALMATY)
    day2 = day1 + timedelta(days=1)
    store(
        session,
        # day 1, kazinform: odd count, median 300; one short, one undated, one without language
        article(1, "kazinform", day1, 50),
        article(2, "kazinform", day1 + timedelta(minutes=1), 300, dated=False),
        article(3, "kazinform", day1 + timedelta(minutes=2), 900, lang=None),
        # day 2, kazinform: even count, median (200 + 400) / 2
        article(4, "kazinform", day2, 100),
        article(5, "kazinform", day2, 200),
        article(6, "kazinform", day2, 400),
        article(7, "kazinform", day2, 1000),
        # another site on day 1 stays apart
        article(8, "tengrinews", day1, 120),
    )
    days = article_days(session, SINCE, UNTIL, short_words=80, offset_minutes=300)
    assert days == [
        ArticleDay("kazinform", date(2026, 11, 20), 3, 1, 1, 1, 300.0),
        ArticleDay("kazinform", date(2026, 11, 21), 4, 0, 0, 0, 300.0),
        ArticleDay("tengrinews", date(2026, 11, 20), 1, 0, 0, 0, 120.0),
    ]
    assert [d.site for d in article_days(session, SINCE, UNTIL, short_words=80, sites=["tengrinews"])] == [
        "tengrinews"
    ]
    # the window bound is half-open on first_seen_at
    assert article_days(session, SINCE, day1, short_words=80) == []


def _run(session: Session, site: str, started: datetime, status: str, stats: dict) -> None:
    run_id = start_run(session, site, site, started_at=started)
    finish_run(session, run_id, status, stats, finished_at=started + timedelta(minutes=20))


def test_run_days_sum_counters_and_only_the_chosen_rejection_reasons(session: Session) -> None:
    started = datetime(2026, 11, 21, 5, tzinfo=ALMATY)
    _run(
        session,
        "kazinform",
        started,
        "finished",
        {
            "kznews/stored": 90,
            "kznews/updated": 5,
            "kznews/unchanged": 5,
            "kznews/dropped/too_short": 7,
            "kznews/dropped/empty_body": 3,
            "kznews/dropped/not_article": 11,
            "kznews/blocked": 42,
            "downloader/response_status_count/200": 100,
            "downloader/response_status_count/404": 4,
            "downloader/response_status_count/503": 1,
        },
    )
    _run(session, "kazinform", started + timedelta(hours=12), "failed", {})
    session.flush()
    days = run_days(session, SINCE, UNTIL, rejected_reasons=("too_short", "empty_body"), offset_minutes=300)
    assert days == [RunDay("kazinform", date(2026, 11, 21), 2, 1, 1, 90, 100, 10, 42, 5)]
    assert run_days(session, SINCE, UNTIL)[0].rejected == 0  # no reasons asked, none summed


def test_last_success_ignores_failed_and_running_runs(session: Session) -> None:
    base = datetime(2026, 11, 20, 5, tzinfo=UTC)
    _run(session, "kazinform", base, "finished", {})
    _run(session, "kazinform", base + timedelta(days=1), "failed", {})
    start_run(session, "kazinform", "kazinform", started_at=base + timedelta(days=2))
    start_run(session, "tengrinews", "tengrinews", started_at=base)
    session.flush()
    assert last_successes(session) == {"kazinform": base + timedelta(minutes=20)}
    assert last_successes(session, sites=["tengrinews"]) == {}
    assert last_successes(session, before=base + timedelta(minutes=20)) == {}
    assert site_names(session) == ["kazinform", "tengrinews"]


def test_last_run_ends_counts_failed_runs_but_not_running_ones(session: Session) -> None:
    base = datetime(2026, 11, 20, 5, tzinfo=UTC)
    _run(session, "kazinform", base, "failed", {})
    start_run(session, "tengrinews", "tengrinews", started_at=base)
    session.flush()
    assert last_run_ends(session) == {"kazinform": base + timedelta(minutes=20)}
    assert last_run_ends(session, before=base + timedelta(minutes=20)) == {}


def test_newest_activity_is_the_latest_article_first_seen_or_run_started(session: Session) -> None:
    day = datetime(2026, 11, 21, 8, tzinfo=UTC)
    assert newest_activity(session, before=UNTIL) is None
    store(session, article(1, "kazinform", day, 3), article(2, "tengrinews", day + timedelta(hours=1), 3))
    start_run(session, "kazinform", "kazinform", started_at=day + timedelta(hours=2))
    session.flush()
    assert newest_activity(session, before=UNTIL) == day + timedelta(hours=2)
    assert newest_activity(session, before=UNTIL, sites=["tengrinews"]) == day + timedelta(hours=1)
    assert newest_activity(session, before=day + timedelta(minutes=30)) == day  # before is exclusive
    assert newest_activity(session, before=day) is None
    assert newest_first_seen(session, before=UNTIL) == {
        "kazinform": day,
        "tengrinews": day + timedelta(hours=1),
    }


def test_iter_texts_streams_one_site_newest_first_with_a_limit(session: Session) -> None:
    day = datetime(2026, 11, 21, 8, tzinfo=ALMATY)
    store(session, *(article(n, "kazinform", day + timedelta(minutes=n), 3) for n in range(5)))
    store(session, article(9, "tengrinews", day, 3), article(10, "kazinform", day - timedelta(days=3), 3))
    texts = list(iter_texts(session, "kazinform", day - timedelta(hours=1), day + timedelta(days=1), batch=2))
    assert texts == [f"w{n}x0 w{n}x1 w{n}x2" for n in (4, 3, 2, 1, 0)]
    assert len(list(iter_texts(session, "kazinform", SINCE, UNTIL, limit=2))) == 2


@pytest.mark.parametrize("offset", [0, 300, -180])
def test_empty_database_gives_no_rows(session: Session, offset: int) -> None:
    assert article_days(session, SINCE, UNTIL, short_words=80, offset_minutes=offset) == []
    assert run_days(session, SINCE, UNTIL, offset_minutes=offset) == []
    assert last_successes(session) == {}
