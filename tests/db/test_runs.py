"""Tests for db/runs.py: run counts added batch by batch, kept when the run is closed."""

from __future__ import annotations

from datetime import UTC, datetime

from db.models import CrawlRun
from db.runs import BATCH_COUNTED, add_run_counts, finish_run, start_run

T1 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def test_batch_counts_add_up_on_a_running_run(session):
    run_id = start_run(session, "tengrinews", "tengrinews", started_at=T1)
    assert add_run_counts(session, run_id, stored=3, updated=1, unchanged=0)
    assert add_run_counts(session, run_id, stored=2, updated=0, unchanged=4)
    run = session.get(CrawlRun, run_id)
    session.refresh(run)
    assert (run.status, run.stored, run.updated, run.unchanged) == ("running", 5, 1, 4)


def test_counts_for_a_run_the_database_does_not_have_are_refused(session):
    assert not add_run_counts(session, 404, stored=1, updated=0, unchanged=0)


def test_closing_without_the_batch_counted_columns_keeps_them(session):
    run_id = start_run(session, "tengrinews", "tengrinews", started_at=T1)
    add_run_counts(session, run_id, stored=7, updated=2, unchanged=1)
    counters = {"stored": 0, "updated": 0, "unchanged": 0, "dropped": {"too_short": 2}, "bytes": 10}
    closing = {name: value for name, value in counters.items() if name not in BATCH_COUNTED}
    finish_run(session, run_id, "finished", closing, {"kznews/stored": 5}, finished_at=T1)
    run = session.get(CrawlRun, run_id)
    session.refresh(run)
    assert (run.status, run.stored, run.updated, run.unchanged) == ("finished", 7, 2, 1)
    assert (run.dropped, run.bytes) == ({"too_short": 2}, 10)
