"""Tests for crawler/store.py, crawler/storewriter.py and crawler/journal.py: nothing stored is lost when the
database goes away (retries, the journal, replay, row-by-row fallback, run counts), on SQLite."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import time
import uuid
from collections.abc import Iterator
from dataclasses import fields
from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from scrapy.settings import Settings
from sqlalchemy import make_url, select, text
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError

import db.engine
from crawler import storewriter
from crawler.journal import DatabaseDown, Journal, RunEnd, Spilled, article_from_json, database_key
from crawler.store import CrawlStore
from crawler.storewriter import WriteOptions, is_outage, retry_delays, short_reason
from db.engine import make_engine, make_sessionmaker
from db.models import ArticleRecord, CrawlRun
from pipelines.article import Article, Removal, Translation
from tests.services import require_postgres_url

ALMATY = timezone(timedelta(hours=5))
FETCHED = datetime(2026, 3, 2, 10, 0, tzinfo=ALMATY)
SURROGATE_AUTHOR = "Автор \ud83d без пары"  # half of an emoji: UTF-8 cannot encode it, no database takes it
REAL_STORE_BATCH = storewriter.store_batch


def make_article(n: int, **changes) -> Article:
    values = {
        "url": f"https://tengrinews.kz/news/story-{n}/",
        "site": "tengrinews",
        "edition": "ru",
        "lang": "ru",
        "title": f"Заголовок {n}",
        "paragraphs": (f"Текст статьи номер {n}.", "Второй абзац."),
        "published_at": FETCHED - timedelta(hours=2),
        "fetched_at": FETCHED,
    }
    return Article(**{**values, **changes})


def batch(*numbers: int) -> list[Article]:
    return [make_article(n) for n in numbers]


def outage() -> OperationalError:
    return OperationalError("INSERT INTO articles ...", {}, Exception("connection refused"))


class Stats:
    def __init__(self):
        self.values: dict[str, int] = {}

    def inc_value(self, key, count=1, start=0):
        self.values[key] = self.values.get(key, start) + count

    def get_stats(self):
        return dict(self.values)


class Faults:
    """Stands in for store_batch: fails the next ``failures`` calls, or while ``down``, or from call
    ``down_from`` on; else writes."""

    def __init__(self):
        self.failures = 0
        self.down = False
        self.down_from: int | None = None
        self.refuse: set[str] = set()  # URLs whose batch fails as bad data
        self.calls: list[list[str]] = []

    def __call__(self, session, articles, fetched_at, run_id):
        self.calls.append([a.url for a in articles])
        if self.failures:
            self.failures -= 1
            raise outage()
        if self.down or (self.down_from is not None and len(self.calls) >= self.down_from):
            raise outage()
        if self.refuse & {a.url for a in articles}:
            raise IntegrityError("INSERT INTO articles ...", {}, Exception("duplicate key"))
        return REAL_STORE_BATCH(session, articles, fetched_at, run_id)


@pytest.fixture
def faults(monkeypatch) -> Faults:
    fake = Faults()
    monkeypatch.setattr(storewriter, "store_batch", fake)
    return fake


@pytest.fixture
def waits(monkeypatch) -> list[float]:
    """The retry waits the writer thread asked for (not waited)."""
    asked: list[float] = []
    monkeypatch.setattr(storewriter, "time", SimpleNamespace(sleep=asked.append))
    return asked


def make_store(tmp_path, *, delays=(1.0, 2.0, 4.0, 8.0), batch_size=200, url=None) -> CrawlStore:
    options = WriteOptions(str(tmp_path / "journal"), batch_size, delays)
    crawler = SimpleNamespace(stats=Stats())
    return CrawlStore(url or f"sqlite:///{tmp_path}/kznews.sqlite3", crawler=crawler, options=options)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path) -> Iterator[str]:
    """A SQLite file, or a schema of its own on the test PostgreSQL server (dropped afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/kznews.sqlite3"
        return
    admin = make_engine(require_postgres_url())
    schema = f"kznews_test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(require_postgres_url()).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def stats(store: CrawlStore) -> dict[str, int]:
    return store.crawler.stats.get_stats()


async def close(store: CrawlStore, reason: str = "finished") -> None:
    await store.spider_closed(SimpleNamespace(name="tengrinews"), reason)
    store.close()


def stored_urls(store: CrawlStore) -> list[str]:
    """Article URLs in insertion (id) order."""
    engine = make_engine(store.url)
    try:
        with make_sessionmaker(engine)() as session:
            return list(session.scalars(select(ArticleRecord.url).order_by(ArticleRecord.id)))
    finally:
        engine.dispose()


def runs(store: CrawlStore) -> list[CrawlRun]:
    engine = make_engine(store.url)
    try:
        with make_sessionmaker(engine)() as session:
            return list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))
    finally:
        engine.dispose()


def journal_lines(tmp_path) -> list[dict]:
    return [json.loads(line) for p in sorted((tmp_path / "journal").glob("*.jsonl")) for line in p.open()]


def urls(articles: list[Article]) -> list[str]:
    return [a.url for a in articles]


class TestRetries:
    def test_a_batch_failing_for_want_of_a_database_is_tried_again_after_growing_waits(
        self, tmp_path, faults, waits
    ):
        async def scenario():
            store = make_store(tmp_path)
            await store.open_run("tengrinews", "tengrinews")
            faults.failures = 2  # back for the third try
            await store.store_articles(batch(1, 2), FETCHED)
            await close(store)
            return store

        store = asyncio.run(scenario())
        assert waits == [1.0, 2.0]
        assert stored_urls(store) == urls(batch(1, 2))
        assert stats(store)["kznews/storage/retries"] == 2
        assert "kznews/journal/spilled" not in stats(store)
        assert not journal_lines(tmp_path)

    def test_data_errors_are_not_tried_again(self, tmp_path, faults, waits):
        async def scenario():
            store = make_store(tmp_path)
            await store.open_run("tengrinews", "tengrinews")
            faults.refuse = {make_article(2).url}
            await store.store_articles(batch(1, 2, 3), FETCHED)
            await close(store)
            return store

        store = asyncio.run(scenario())
        assert waits == []
        assert stored_urls(store) == urls(batch(1, 3))

    def test_the_waits_double_up_to_their_cap_and_come_from_the_settings(self):
        assert retry_delays(5, 1.0, 8.0) == (1.0, 2.0, 4.0, 8.0, 8.0)
        settings = Settings(
            {
                "KZNEWS_STORE_RETRY_TIMES": 3,
                "KZNEWS_STORE_RETRY_BACKOFF_BASE": 0.5,
                "KZNEWS_STORE_RETRY_BACKOFF_MAX": 1,
                "KZNEWS_JOURNAL_DIR": "/tmp/j",
                "KZNEWS_DB_BATCH_SIZE": 7,
            }
        )
        assert WriteOptions.from_settings(settings) == WriteOptions("/tmp/j", 7, (0.5, 1.0, 1.0))
        assert WriteOptions.from_settings(Settings()) == WriteOptions()
        assert WriteOptions().delays == (1.0, 2.0, 4.0, 8.0)


class TestOutageOrData:
    @pytest.mark.parametrize(
        "error",
        [
            outage(),
            InterfaceError("SELECT 1", {}, Exception("connection already closed")),
            DBAPIError(
                "SELECT 1", {}, Exception("server closed the connection"), connection_invalidated=True
            ),
        ],
        ids=["operational", "interface", "invalidated"],
    )
    def test_connection_failures_are_outages(self, error):
        assert is_outage(error)

    @pytest.mark.parametrize(
        "error",
        [
            IntegrityError("INSERT", {}, Exception("duplicate key")),
            DataError("INSERT", {}, Exception("value too long")),
            UnicodeEncodeError("utf-8", SURROGATE_AUTHOR, 6, 7, "surrogates not allowed"),
            ValueError("naive datetime"),
        ],
        ids=["integrity", "data", "encoding", "value"],
    )
    def test_refused_data_is_no_outage(self, error):
        assert not is_outage(error)

    def test_the_reason_is_one_line_without_the_statement_or_its_parameters(self):
        error = DataError(
            "INSERT INTO articles (text) VALUES (%s)", {"text": "секрет"}, Exception("too long\nDETAIL")
        )
        assert short_reason(error) == "Exception: too long"


class TestJournal:
    def test_a_database_away_past_the_retries_spills_the_batch_and_later_ones_wait_no_more(
        self, tmp_path, faults, waits
    ):
        async def scenario():
            store = make_store(tmp_path)
            await store.open_run("tengrinews", "tengrinews")
            faults.down = True
            await store.store_articles(batch(1, 2), FETCHED)
            await store.store_articles(batch(3), FETCHED)
            await close(store, "shutdown")
            return store

        store = asyncio.run(scenario())
        assert waits == [1.0, 2.0, 4.0, 8.0, 1.0, 2.0, 4.0, 8.0]  # the first batch, then the run's end
        lines = journal_lines(tmp_path)
        assert [line["kind"] for line in lines] == ["article"] * 3 + ["run_end"]
        assert [line["article"]["url"] for line in lines[:3]] == urls(batch(1, 2, 3))
        assert {line["run"] for line in lines} == {store.run_id}
        assert stats(store)["kznews/journal/spilled"] == 3
        assert "kznews/storage_lost" not in stats(store)

    def test_the_next_write_replays_the_journal_first_oldest_first(self, tmp_path, faults, waits):
        async def scenario():
            store = make_store(tmp_path, batch_size=2)
            await store.open_run("tengrinews", "tengrinews")
            faults.down = True
            await store.store_articles(batch(1, 2), FETCHED)
            await store.store_articles(batch(3, 4), FETCHED)
            faults.down = False
            await store.store_articles(batch(5), FETCHED)
            await close(store)
            return store

        store = asyncio.run(scenario())
        assert stored_urls(store) == urls(batch(1, 2, 3, 4, 5))
        assert list((tmp_path / "journal").iterdir()) == []
        counted = stats(store)
        assert counted["kznews/journal/spilled"] == counted["kznews/journal/replayed"] == 4
        assert counted["kznews/stored"] == 5
        (run,) = runs(store)
        assert (run.status, run.stored) == ("finished", 5)

    def test_a_run_closed_while_the_database_is_away_is_closed_by_the_next_crawl(
        self, tmp_path, faults, waits
    ):
        async def first():
            store = make_store(tmp_path)
            await store.open_run("tengrinews", "tengrinews")
            await store.store_articles(batch(1), FETCHED)
            faults.down = True
            await store.store_articles(batch(2, 3), FETCHED)
            store.crawler.stats.inc_value("downloader/response_bytes", 1234)
            await close(store)
            return store

        async def second():
            faults.down = False
            store = make_store(tmp_path)
            await store.open_run("kazinform", "kazinform")  # another site: any crawl replays the journal
            await close(store)
            return store

        first_store = asyncio.run(first())
        assert runs(first_store)[0].status == "running"
        second_store = asyncio.run(second())
        assert stored_urls(second_store) == urls(batch(1, 2, 3))
        earlier, later = runs(second_store)
        assert (earlier.status, earlier.stored, earlier.bytes) == ("finished", 3, 1234)
        assert later.stored == 0
        assert stats(second_store)["kznews/journal/replayed"] == 2
        assert list((tmp_path / "journal").iterdir()) == []

    def test_a_journal_file_is_claimed_only_once_its_process_let_go_of_it(self, tmp_path):
        mine, other = Journal(tmp_path, "k"), Journal(tmp_path, "k")
        mine.append(Spilled(1, FETCHED, tuple(batch(1))))
        assert other.claim() == 0 and not other.pending()
        mine.close()
        assert other.claim() == 1 and other.pending()
        assert Journal(tmp_path, "another-database").claim() == 0
        other.close()

    def test_a_partly_replayed_file_keeps_only_its_rest(self, tmp_path):
        journal = Journal(tmp_path, "k")
        journal.append(Spilled(1, FETCHED, tuple(batch(1, 2, 3))))
        journal.append(RunEnd(1, "finished", {"bytes": 1}, {"kznews/stored": 3}, FETCHED))
        written: list[str] = []

        def fail_after_one(spilled):
            written.extend(urls(list(spilled.articles[:1])))
            raise DatabaseDown(1)

        assert not journal.replay(fail_after_one, lambda end: None, batch_size=10)
        journal.close()
        later = Journal(tmp_path, "k")
        assert later.claim() == 1
        batches, ends = [], []
        assert later.replay(lambda s: batches.append(urls(list(s.articles))), ends.append, batch_size=10)
        assert written == urls(batch(1)) and batches == [urls(batch(2, 3))]
        assert [(end.run_id, end.status, end.finished_at) for end in ends] == [(1, "finished", FETCHED)]
        assert list(tmp_path.iterdir()) == []

    def test_a_torn_last_line_is_skipped(self, tmp_path, caplog):
        journal = Journal(tmp_path, "k")
        path = journal.append(Spilled(None, FETCHED, tuple(batch(1, 2))))
        journal.close()
        with path.open("ab") as file:
            file.write(b'{"kind":"article","run":null,')  # the writer was killed mid-line
        later = Journal(tmp_path, "k")
        later.claim()
        seen: list[list[str]] = []
        assert later.replay(lambda s: seen.append(urls(list(s.articles))), lambda end: None, batch_size=10)
        assert seen == [urls(batch(1, 2))]
        assert "torn last line" in caplog.text

    def test_replay_batches_by_run_and_batch_size(self, tmp_path):
        journal = Journal(tmp_path, "k")
        journal.append(Spilled(1, FETCHED, tuple(batch(1, 2, 3))))
        journal.append(Spilled(2, FETCHED, tuple(batch(4))))
        seen = []
        journal.replay(
            lambda s: seen.append((s.run_id, urls(list(s.articles)))), lambda end: None, batch_size=2
        )
        assert seen == [(1, urls(batch(1, 2))), (1, urls(batch(3))), (2, urls(batch(4)))]

    def test_the_database_key_names_the_database_not_its_password(self):
        key = database_key("postgresql+psycopg://kz:secret@db:5432/news")
        assert key == database_key("postgresql+psycopg://kz:other@db:5432/news")
        assert key != database_key("postgresql+psycopg://kz:secret@db:5432/archive")

    def test_an_article_round_trips_through_its_json(self):
        article = Article(
            source="page.html",
            url="https://www.inform.kz/kz/x-1",
            canonical_url="https://www.inform.kz/kz/x",
            site="kazinform",
            edition="kk",
            lang="kk",
            script="Cyrl",
            lang_shares={"kk": 0.875, "ru": 0.125},
            title="Тақырып",
            lead="Лид",
            paragraphs=("Бірінші.", "Екінші\tжол."),
            published_at=datetime(2026, 3, 1, 9, 5, tzinfo=ALMATY),
            modified_at=datetime(2026, 3, 1, 4, 5, tzinfo=UTC),
            date_source="jsonld",
            author=SURROGATE_AUTHOR,
            tags=("экономика", "тег"),
            section="Қоғам",
            dateline="Астана",
            source_credit="Kazinform",
            photo_credits=("Фото: автор",),
            translations=(Translation("ru", "https://www.inform.kz/ru/x"),),
            damaged_chars=2,
            lookalikes_fixed=3,
            removed=(Removal("read_also", "Оқи отырыңыз"),),
            fetched_at=FETCHED,
            warc_file="a.warc.gz",
            warc_offset=42,
            extraction="layout",
            body_source="feed",
            region="KZ-35",
        )
        unset = {f.name for f in fields(Article) if getattr(article, f.name) == getattr(Article(), f.name)}
        assert unset == {"extractor_version"}  # every other field, a new one too, is put to the test
        line = json.dumps(article.to_json()).encode("ascii")
        back = article_from_json(json.loads(line))
        assert back == article
        assert back.published_at.utcoffset() == timedelta(hours=5)


class TestRowByRow:
    def test_a_refused_row_is_dropped_and_the_rest_of_its_batch_stored(self, tmp_path, database_url, caplog):
        bad = make_article(2, author=SURROGATE_AUTHOR, paragraphs=("Текст, которого нет в логе.",))

        async def scenario():
            store = make_store(tmp_path, url=database_url)
            await store.open_run("tengrinews", "tengrinews")
            with caplog.at_level(logging.WARNING):
                await store.store_articles([make_article(1), bad, make_article(3)], FETCHED)
            await close(store)
            return store

        store = asyncio.run(scenario())
        assert stored_urls(store) == urls(batch(1, 3))
        counted = stats(store)
        assert counted["kznews/dropped/store_error"] == 1 and counted["kznews/stored"] == 2
        assert "kznews/storage/retries" not in counted and "kznews/storage_errors" not in counted
        assert f"{bad.url} (UnicodeEncodeError" in caplog.text
        assert "Текст" not in caplog.text
        (run,) = runs(store)
        assert (run.status, run.stored, run.dropped) == ("finished", 2, {"store_error": 1})

    def test_a_database_lost_row_by_row_journals_only_the_rows_not_stored(self, tmp_path, faults, waits):
        async def scenario():
            store = make_store(tmp_path, delays=())
            await store.open_run("tengrinews", "tengrinews")
            faults.calls.clear()
            faults.refuse = {make_article(1).url}
            faults.down_from = 4  # the batch, row 1 (refused), row 2 (stored), then the database goes
            await store.store_articles(batch(1, 2, 3, 4), FETCHED)
            await close(store, "shutdown")
            return store

        store = asyncio.run(scenario())
        assert stored_urls(store) == urls(batch(2))
        spilled = [line["article"]["url"] for line in journal_lines(tmp_path) if line["kind"] == "article"]
        assert spilled == urls(batch(3, 4))
        assert stats(store)["kznews/dropped/store_error"] == 1


class TestRunCounts:
    def test_the_run_row_counts_each_committed_batch_before_the_run_closes(self, tmp_path):
        async def scenario():
            store = make_store(tmp_path)
            await store.open_run("tengrinews", "tengrinews")
            await store.store_articles(batch(1, 2), FETCHED)
            await store.store_articles([*batch(2), make_article(3, title="Новый заголовок 3")], FETCHED)
            await store.store_articles([make_article(3)], FETCHED)
            running = runs(store)
            await close(store)
            return store, running

        store, (running,) = asyncio.run(scenario())
        assert (running.status, running.stored, running.updated, running.unchanged) == ("running", 3, 1, 1)
        (closed,) = runs(store)
        assert (closed.status, closed.stored, closed.updated, closed.unchanged) == ("finished", 3, 1, 1)
        assert closed.stats["kznews/stored"] == 3


class TestSqliteLock:
    def test_a_lock_held_past_the_busy_timeout_spills_and_the_event_loop_keeps_running(
        self, tmp_path, monkeypatch
    ):
        monkeypatch.setattr(db.engine, "SQLITE_BUSY_TIMEOUT_MS", 200)
        gaps: list[float] = []

        async def heartbeat():
            last = time.monotonic()
            while True:
                await asyncio.sleep(0.005)
                now = time.monotonic()
                gaps.append(now - last)
                last = now

        async def scenario():
            store = make_store(tmp_path, delays=(0.05, 0.1))
            await store.open_run("tengrinews", "tengrinews")
            await store.store_articles(batch(1), FETCHED)
            holder = sqlite3.connect(tmp_path / "kznews.sqlite3", isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")  # another process writing: the write lock is taken
            beat = asyncio.ensure_future(heartbeat())
            started = time.monotonic()
            await store.store_articles(batch(2, 3), FETCHED)  # 3 tries x 200 ms busy + 150 ms of waits
            await store.store_articles(batch(4), FETCHED)  # still locked: one try, journaled
            held = time.monotonic() - started
            holder.rollback()
            holder.close()
            await store.store_articles(batch(5), FETCHED)
            beat.cancel()
            await close(store)
            return store, held

        store, held = asyncio.run(scenario())
        assert stored_urls(store) == urls(batch(1, 2, 3, 4, 5))
        counted = stats(store)
        assert counted["kznews/journal/spilled"] == counted["kznews/journal/replayed"] == 3
        assert counted["kznews/storage/retries"] == 2
        assert held > 0.7  # the lock outlived the busy timeout several times over ...
        assert len(gaps) > 20 and max(gaps) < 0.5  # ... and the event loop never stopped for it
        (run,) = runs(store)
        assert (run.status, run.stored) == ("finished", 5)
