"""first_seen_at is when kznews first stored an article: the crawl's clock, backfilled by a migration."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from db.migrate import alembic_config
from db.models import ArticleRecord
from db.repository import upsert_articles
from db.runs import finish_run, start_run
from pipelines.article import Article

BACKFILL = "e5b1c9d04a7f"
BEFORE = ScriptDirectory.from_config(alembic_config()).get_revision(BACKFILL).down_revision
SAVED = datetime(2026, 4, 28, 7, 0, tzinfo=UTC)  # a fixture page's WARC date
REPLAY = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)  # the run that replayed it
LIVE = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
LATER = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def article(n: int, site: str, fetched_at: datetime, text: str = "Текст статьи.") -> Article:
    return Article(url=f"https://{site}.example/{n}", site=site, paragraphs=(text,), fetched_at=fetched_at)


def _migrate(engine: Engine, revision: str, *, down: bool = False) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def _run(engine: Engine, site: str, started: datetime, *batches: tuple[datetime, list[Article]]) -> None:
    """One crawl run storing each batch at its stamp, the old way (first_seen_at = the fetch time)."""
    with engine.begin() as connection:
        session = Session(connection)
        run_id = start_run(session, site, site, started_at=started)
        for stamp, articles in batches:
            upsert_articles(session, articles, fetched_at=stamp)
        finish_run(session, run_id, "finished", {}, {}, finished_at=started + timedelta(minutes=10))
        session.flush()


def _first_seen(engine: Engine) -> dict[str, datetime]:
    with engine.connect() as connection:
        return dict(connection.execute(select(ArticleRecord.url, ArticleRecord.first_seen_at)).all())


def test_the_backfill_dates_each_article_by_the_run_that_stored_it(empty_engine: Engine) -> None:
    _migrate(empty_engine, "head")  # the rows are written with today's model, then taken back to BEFORE
    replayed, edited = article(1, "kazinform", SAVED), article(2, "kazinform", SAVED - timedelta(days=1))
    live = article(3, "kazinform", LIVE + timedelta(minutes=3))
    _run(empty_engine, "kazinform", REPLAY, (REPLAY + timedelta(minutes=1), [replayed, edited]))
    _run(empty_engine, "kazinform", LIVE, (LIVE + timedelta(seconds=185), [live]))
    # A day later the edited story changes: its row's updated_at moves on, its first version is archived.
    changed = article(2, "kazinform", LATER + timedelta(minutes=2), text="Исправленный текст.")
    _run(empty_engine, "kazinform", LATER, (LATER + timedelta(minutes=2), [changed]))
    # tengrinews: one run ended before the stray article was fetched, the other started after it was stored;
    # the kazinform run that was running meanwhile is another site's.
    stray = article(4, "tengrinews", REPLAY - timedelta(minutes=5))
    _run(empty_engine, "tengrinews", REPLAY - timedelta(days=1))
    _run(empty_engine, "tengrinews", LATER)
    with empty_engine.begin() as connection:
        upsert_articles(Session(connection), [stray], fetched_at=REPLAY + timedelta(minutes=1))
    _migrate(empty_engine, BEFORE, down=True)
    old = _first_seen(empty_engine)
    assert old == {
        replayed.url: SAVED,
        edited.url: SAVED - timedelta(days=1),
        live.url: LIVE + timedelta(minutes=3),
        stray.url: REPLAY - timedelta(minutes=5),
    }

    _migrate(empty_engine, BACKFILL)
    assert _first_seen(empty_engine) == {
        replayed.url: REPLAY,  # a replayed page: the start of the run that replayed it
        edited.url: REPLAY,  # changed later: still the run that stored it first
        live.url: LIVE + timedelta(minutes=3),  # fetched during its run, seconds before the store: kept
        stray.url: REPLAY - timedelta(minutes=5),  # no run of its site could have stored it: kept
    }

    _migrate(empty_engine, BEFORE, down=True)
    assert _first_seen(empty_engine) == old


def test_a_crawl_stores_first_seen_at_by_its_own_clock(session: Session) -> None:
    page = article(1, "kazinform", SAVED)
    upsert_articles(session, [page], fetched_at=REPLAY, stored_at=REPLAY)
    upsert_articles(session, [page], fetched_at=LATER, stored_at=LATER)  # seen again: first seen stays
    row = session.scalars(select(ArticleRecord)).one()
    assert (row.first_seen_at, row.fetched_at, row.last_seen_at) == (REPLAY, SAVED, SAVED)
