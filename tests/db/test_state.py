from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic import command
from sqlalchemy import event, func, inspect, select

from db import runs, state
from db.migrate import alembic_config, head_revision
from db.models import UrlAlias
from db.repository import upsert_articles
from db.runs import start_run
from db.state import (
    StoredUrl,
    record_success,
    site_state,
    store_aliases,
    stored_fetch_times,
    stored_urls,
)
from pipelines.blockpage import BLOCK_TEXT_MAX_WORDS, is_block_text
from pipelines.runstats import run_counters
from tests.db.test_repository import make_article

BLOCK_ROWS = Path(__file__).parents[1] / "pipelines" / "data" / "blockpages" / "stored_rows.json"
T1 = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)
T2 = T1 + timedelta(days=1)
T3 = T2 + timedelta(days=1)


def finish_run(session, run_id, status, stats, **kwargs):
    """db.runs.finish_run with the counters runstats reads from ``stats`` (as the crawl store passes them)."""
    return runs.finish_run(session, run_id, status, run_counters(stats).columns(), stats, **kwargs)


def statements(engine):
    """A list that fills with every SQL statement run on ``engine`` while the test goes on."""
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


class TestStoredFetchTimes:
    def test_finds_canonical_page_and_alias_urls_with_the_latest_time(self, session):
        canonical = "https://tengrinews.kz/news/story-2/"
        moved = make_article(
            2, url="https://tengrinews.kz/news/page-url-2/", canonical_url=canonical, fetched_at=T1
        )
        upsert_articles(session, [make_article(1, fetched_at=T1), moved])
        upsert_articles(session, [make_article(1, fetched_at=T3)])  # same text again: last_seen_at moves
        store_aliases(session, {"https://tengrinews.kz/old/story-1": make_article(1).url}, now=T3)
        wanted = [
            make_article(1).url,
            canonical,
            "https://tengrinews.kz/news/page-url-2/",
            "https://tengrinews.kz/old/story-1",
            "https://tengrinews.kz/news/never-stored/",
        ]
        found = stored_fetch_times(session, wanted)
        assert found == {
            make_article(1).url: T3,
            canonical: T1,
            "https://tengrinews.kz/news/page-url-2/": T1,
            "https://tengrinews.kz/old/story-1": T3,
        }
        assert all(value.tzinfo is not None for value in found.values())

    def test_one_statement_per_chunk_of_candidates(self, session, engine, monkeypatch):
        upsert_articles(session, [make_article(n, fetched_at=T1) for n in range(5)])
        monkeypatch.setattr(state, "LOOKUP_CHUNK", 4)
        seen = statements(engine)
        urls = [make_article(n).url for n in range(10)]  # 5 stored, 5 not
        assert set(stored_fetch_times(session, urls)) == set(urls[:5])
        assert len([s for s in seen if s.lstrip().upper().startswith("SELECT")]) == 3  # ceil(10 / 4)

    def test_empty_input_asks_nothing(self, session, engine):
        seen = statements(engine)
        assert stored_fetch_times(session, []) == {}
        assert seen == []


class TestStoredUrls:
    def test_short_articles_come_with_their_title_and_text_long_ones_without(self, session):
        short, long = (
            make_article(1, fetched_at=T1),
            make_article(2, paragraphs=("слово " * 200,), fetched_at=T2),
        )
        upsert_articles(session, [short, long])
        found = stored_urls(
            session, [short.url, long.url, "https://tengrinews.kz/news/never/"], short_words=150
        )
        assert found == {short.url: StoredUrl(T1, short.title, short.text), long.url: StoredUrl(T2)}
        assert stored_urls(session, [short.url]) == {short.url: StoredUrl(T1)}  # by default no text is read

    def test_a_smartcaptcha_page_stored_as_an_article_is_read_and_recognised(self, session):
        row = json.loads(BLOCK_ROWS.read_text("utf-8"))["rows"]["smartcaptcha_site_ru.html"]
        page = make_article(3, title=row["title"], paragraphs=tuple(row["paragraphs"]), fetched_at=T2)
        upsert_articles(session, [page])
        store_aliases(session, {"https://tengrinews.kz/old/3": page.url}, now=T3)
        found = stored_urls(
            session, [page.url, "https://tengrinews.kz/old/3"], short_words=BLOCK_TEXT_MAX_WORDS
        )
        assert found[page.url] == found["https://tengrinews.kz/old/3"] == StoredUrl(T2, page.title, page.text)
        assert is_block_text(found[page.url].title, found[page.url].text)

    def test_one_statement_per_chunk_with_only_the_urls_bound(self, session, engine, monkeypatch):
        upsert_articles(session, [make_article(n, fetched_at=T1) for n in range(5)])
        monkeypatch.setattr(state, "LOOKUP_CHUNK", 4)
        bound: list[int] = []
        event.listen(engine, "before_cursor_execute", lambda *args: bound.append(len(args[3])))
        urls = [make_article(n).url for n in range(10)]
        assert set(stored_urls(session, urls, short_words=BLOCK_TEXT_MAX_WORDS)) == set(urls[:5])
        assert bound == [12, 12, 6]  # three sides of each chunk of ceil(10 / 4); the word bound is a literal


class TestAliases:
    def test_only_aliases_of_stored_articles_that_are_not_articles_themselves(self, session):
        upsert_articles(session, [make_article(1, fetched_at=T1), make_article(2, fetched_at=T1)])
        added = store_aliases(
            session,
            {
                "https://tengrinews.kz/old/1": make_article(1).url,
                "https://tengrinews.kz/old/9": "https://tengrinews.kz/news/not-stored/",
                make_article(2).url: make_article(1).url,  # an article URL never becomes an alias
            },
            now=T2,
        )
        assert added == 1
        assert session.scalars(select(UrlAlias.url)).all() == ["https://tengrinews.kz/old/1"]

    def test_storing_again_is_a_no_op(self, session):
        upsert_articles(session, [make_article(1, fetched_at=T1)])
        aliases = {"https://tengrinews.kz/old/1": make_article(1).url}
        assert store_aliases(session, aliases, now=T2) == 1
        assert store_aliases(session, aliases, now=T3) == 0
        assert session.scalar(select(func.count()).select_from(UrlAlias)) == 1


class TestSiteState:
    def test_no_state_before_the_first_success(self, session):
        assert site_state(session, "tengrinews") is None

    def test_success_records_run_and_newest_article(self, session):
        old = make_article(1, published_at=T1, fetched_at=T1)
        new = make_article(2, published_at=T2, fetched_at=T2)
        upsert_articles(session, [old, new, make_article(3, published_at=None, fetched_at=T3)])
        run = start_run(session, "tengrinews", "tengrinews", started_at=T2)
        finish_run(session, run, "finished", {}, finished_at=T3)
        record_success(session, "tengrinews", finished_at=T3, run_id=run)
        view = site_state(session, "tengrinews")
        assert view is not None
        assert (view.last_success_at, view.last_run_id) == (T3, run)
        assert (view.newest_published_at, view.newest_url) == (T2, new.url)

    def test_a_later_success_replaces_the_state(self, session):
        record_success(session, "kazinform", finished_at=T1)
        upsert_articles(session, [make_article(1, site="kazinform", published_at=T2, fetched_at=T2)])
        record_success(session, "kazinform", finished_at=T3)
        view = site_state(session, "kazinform")
        assert view is not None
        assert (view.last_success_at, view.last_run_id, view.newest_published_at) == (T3, None, T2)


def test_migration_downgrades_and_upgrades_again(engine):
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "b9b7fb7894bf")  # the revision before the incremental-state tables
    assert not {"site_state", "url_aliases"} & set(inspect(engine).get_table_names())
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, head_revision())
    assert {"site_state", "url_aliases"} <= set(inspect(engine).get_table_names())
