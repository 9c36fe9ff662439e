from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db import runs
from db.convert import content_hash, record_to_article
from db.models import ArticleRecord, ArticleVersion, CrawlRun, Site, TranslationLink
from db.repository import (
    MAX_BIND_PARAMS,
    UpsertStats,
    get_or_create_site,
    iter_articles,
    store_translations,
    upsert_articles,
)
from db.runs import start_run
from pipelines.article import Article, Translation
from pipelines.runstats import run_counters

T1 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
T2 = T1 + timedelta(hours=6)
T3 = T2 + timedelta(hours=6)
ALMATY_2023 = timezone(timedelta(hours=6))  # Kazakhstan was UTC+6 until 2024-03-01
ALMATY_2026 = timezone(timedelta(hours=5))  # ... and UTC+5 since


def finish_run(session, run_id, status, stats, **kwargs):
    """db.runs.finish_run with the counters runstats reads from ``stats`` (as the crawl store passes them)."""
    return runs.finish_run(session, run_id, status, run_counters(stats).columns(), stats, **kwargs)


def make_article(n: int = 0, **changes) -> Article:
    article = Article(
        url=f"https://tengrinews.kz/news/story-{n}/",
        site="tengrinews",
        edition="ru",
        lang="ru",
        script="Cyrl",
        lang_shares={"ru": 0.97, "kk": 0.03},
        title=f"Заголовок {n}",
        lead="Лид статьи.",
        paragraphs=(f"Первый абзац статьи {n}.", "Второй абзац."),
        published_at=datetime(2025, 2, 28, 14, 30, tzinfo=ALMATY_2026),
        author="Автор",
        tags=("экономика", "Алматы"),
        section="Экономика",
        warc_file="crawl-00001.warc.gz",
        warc_offset=1234,
    )
    return dataclasses.replace(article, **changes)


def count(session: Session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def stored(session: Session, url: str) -> ArticleRecord:
    session.expire_all()
    return session.scalars(select(ArticleRecord).where(ArticleRecord.canonical_url == url)).one()


class TestUpsertArticles:
    def test_inserts_new_articles_with_all_fields(self, session):
        stats = upsert_articles(session, [make_article(1), make_article(2)], fetched_at=T1)
        session.commit()
        assert stats == UpsertStats(inserted=2, updated=0, unchanged=0)
        row = stored(session, make_article(1).url)
        assert (row.title, row.text, row.lead) == (
            "Заголовок 1",
            "Первый абзац статьи 1.\nВторой абзац.",
            "Лид статьи.",
        )
        assert row.tags == ["экономика", "Алматы"]
        assert row.lang_shares == {"ru": 0.97, "kk": 0.03}
        assert row.word_count == make_article(1).word_count == 6
        assert row.content_hash == content_hash(row.title, row.text)
        assert (row.version, row.warc_file, row.warc_offset) == (1, "crawl-00001.warc.gz", 1234)
        assert row.first_seen_at == row.last_seen_at == row.fetched_at == row.updated_at == T1
        assert session.get(Site, row.site_id).name == "tengrinews"
        assert count(session, ArticleRecord) == 2

    def test_restoring_unchanged_article_only_bumps_last_seen_at(self, session):
        upsert_articles(session, [make_article()], fetched_at=T1)
        stats = upsert_articles(session, [make_article()], fetched_at=T2)
        session.commit()
        assert stats == UpsertStats(inserted=0, updated=0, unchanged=1)
        row = stored(session, make_article().url)
        assert (row.first_seen_at, row.last_seen_at, row.updated_at, row.fetched_at) == (T1, T2, T1, T1)
        assert count(session, ArticleRecord) == 1
        assert count(session, ArticleVersion) == 0

    def test_last_seen_at_never_moves_backwards(self, session):
        upsert_articles(session, [make_article(fetched_at=T2)])
        stats = upsert_articles(session, [make_article(fetched_at=T1)])  # replay of an older archive
        assert stats.unchanged == 1
        assert stored(session, make_article().url).last_seen_at == T2

    def test_changed_text_updates_row_and_keeps_old_text_as_a_version(self, session):
        upsert_articles(session, [make_article()], fetched_at=T1)
        changed = make_article(paragraphs=("Исправленный текст.",), warc_offset=999)
        stats = upsert_articles(session, [changed], fetched_at=T2)
        session.commit()
        assert stats == UpsertStats(inserted=0, updated=1, unchanged=0)
        row = stored(session, changed.url)
        assert (row.text, row.version, row.warc_offset) == ("Исправленный текст.", 2, 999)
        assert (row.first_seen_at, row.updated_at, row.last_seen_at) == (T1, T2, T2)
        versions = session.scalars(select(ArticleVersion)).all()
        assert len(versions) == 1
        old = versions[0]
        assert (old.article_id, old.version, old.text) == (row.id, 1, make_article().text)
        assert (old.content_hash, old.warc_offset, old.fetched_at, old.replaced_at) == (
            content_hash(make_article().title, make_article().text),
            1234,
            T1,
            T2,
        )
        assert count(session, ArticleRecord) == 1

    def test_each_change_adds_one_numbered_version(self, session):
        for i, when in enumerate((T1, T2, T3)):
            upsert_articles(session, [make_article(paragraphs=(f"Текст {i}",))], fetched_at=when)
        session.commit()
        versions = session.scalars(select(ArticleVersion).order_by(ArticleVersion.version)).all()
        assert [(v.version, v.text) for v in versions] == [(1, "Текст 0"), (2, "Текст 1")]
        assert stored(session, make_article().url).version == 3

    def test_title_change_is_a_change(self, session):
        upsert_articles(session, [make_article()], fetched_at=T1)
        assert upsert_articles(session, [make_article(title="Новый заголовок")], fetched_at=T2).updated == 1
        assert session.scalars(select(ArticleVersion.title)).all() == ["Заголовок 0"]

    def test_whitespace_rewrap_is_not_a_change(self, session):
        upsert_articles(session, [make_article(paragraphs=("Один  абзац.",))], fetched_at=T1)
        assert (
            upsert_articles(session, [make_article(paragraphs=("Один абзац. ",))], fetched_at=T2).unchanged
            == 1
        )

    def test_same_url_twice_in_one_batch_is_stored_once(self, session):
        stats = upsert_articles(session, [make_article(), make_article()], fetched_at=T1)
        assert stats == UpsertStats(inserted=1, updated=0, unchanged=1)
        assert count(session, ArticleRecord) == 1

    def test_same_url_changed_within_one_batch_is_applied_in_order(self, session):
        later = make_article(paragraphs=("Обновлено.",))
        stats = upsert_articles(session, [make_article(), later], fetched_at=T1)
        session.commit()
        assert stats == UpsertStats(inserted=1, updated=1, unchanged=0)
        assert stored(session, later.url).text == "Обновлено."
        assert session.scalars(select(ArticleVersion.text)).all() == [make_article().text]

    def test_canonical_url_is_the_key_and_page_url_the_fallback(self, session):
        canonical = "https://tengrinews.kz/news/canonical/"
        first = make_article(url="https://tengrinews.kz/news/canonical/?utm=1", canonical_url=canonical)
        second = make_article(url="https://m.tengrinews.kz/news/canonical/", canonical_url=canonical)
        no_canonical = make_article(7)
        upsert_articles(session, [first, no_canonical], fetched_at=T1)
        assert upsert_articles(session, [second], fetched_at=T2).unchanged == 1
        assert count(session, ArticleRecord) == 2
        assert stored(session, no_canonical.url).url == no_canonical.url

    def test_new_extractor_version_refreshes_metadata_without_a_version(self, session):
        upsert_articles(session, [make_article()], fetched_at=T1)
        rerun = make_article(section="Бизнес", extractor_version="2")
        assert upsert_articles(session, [rerun], fetched_at=T2) == UpsertStats(updated=1)
        row = stored(session, rerun.url)
        assert (row.section, row.extractor_version, row.version) == ("Бизнес", "2", 1)
        assert count(session, ArticleVersion) == 0

    def test_large_batch_is_split_by_parameter_ceiling(self, session, engine):
        articles = [make_article(n) for n in range(2500)]
        columns = len(ArticleRecord.__table__.columns) - 1  # all but id
        assert len(articles) * columns > MAX_BIND_PARAMS  # one statement would exceed the ceiling
        inserts = []

        def listener(_conn, _cursor, statement, *_args):
            if statement.startswith("INSERT INTO articles"):
                inserts.append(statement)

        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert upsert_articles(session, articles, fetched_at=T1) == UpsertStats(inserted=2500)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        assert len(inserts) >= -(-len(articles) * columns // MAX_BIND_PARAMS)  # ceil: at least one per chunk
        assert upsert_articles(session, articles, fetched_at=T2) == UpsertStats(unchanged=2500)
        session.commit()
        assert count(session, ArticleRecord) == 2500

    def test_nul_bytes_are_stripped_before_storing(self, session):
        dirty = make_article(
            title="За\x00головок", paragraphs=("Те\x00кст",), tags=("a\x00b",), author="\x00"
        )
        upsert_articles(session, [dirty], fetched_at=T1)
        session.commit()
        row = stored(session, dirty.url)
        assert (row.title, row.text, row.tags, row.author) == ("Заголовок", "Текст", ["ab"], "")
        assert row.content_hash == content_hash("Заголовок", "Текст")

    @pytest.mark.parametrize(
        ("local", "offset"),
        [
            (datetime(2023, 11, 5, 9, 15, tzinfo=ALMATY_2023), 360),
            (datetime(2026, 1, 20, 23, 40, tzinfo=ALMATY_2026), 300),
        ],
    )
    def test_published_at_is_stored_as_utc_with_local_offset(self, session, local, offset):
        upsert_articles(session, [make_article(published_at=local)], fetched_at=T1)
        session.commit()
        row = stored(session, make_article().url)
        assert row.published_at == local
        assert row.published_at.utcoffset() == timedelta(0)
        assert row.published_offset_minutes == offset
        back = record_to_article(row, site="tengrinews").published_at
        assert (back, back.utcoffset()) == (local, local.utcoffset())

    def test_round_trip_gives_back_the_article(self, session):
        article = make_article(
            canonical_url=make_article().url, fetched_at=T1, modified_at=T2, dateline="Астана"
        )
        upsert_articles(session, [article])
        session.commit()
        [record] = list(iter_articles(session))
        assert record_to_article(record) == article

    def test_refuses_articles_it_cannot_key(self, session):
        with pytest.raises(ValueError, match="without site"):
            upsert_articles(session, [make_article(site=None)])
        with pytest.raises(ValueError, match="without url"):
            upsert_articles(session, [make_article(url=None)])
        with pytest.raises(ValueError, match="naive"):
            upsert_articles(session, [make_article(published_at=datetime(2025, 1, 1))])

    def test_empty_batch_does_nothing(self, session):
        assert upsert_articles(session, []) == UpsertStats()


class TestTranslations:
    def test_article_translations_are_linked_once(self, session):
        links = (
            Translation("kk", "https://kaz.tengrinews.kz/news/story-0/"),
            Translation("en", "https://en.x/0"),
        )
        article = make_article(translations=(*links, Translation("ru", make_article().url)))
        upsert_articles(session, [article], fetched_at=T1)
        upsert_articles(session, [article], fetched_at=T2)
        session.commit()
        rows = session.scalars(select(TranslationLink).order_by(TranslationLink.lang)).all()
        assert [(r.lang, r.url) for r in rows] == [("en", links[1].url), ("kk", links[0].url)]

    def test_store_translations_counts_new_links_and_skips_unknown_articles(self, session):
        upsert_articles(session, [make_article()], fetched_at=T1)
        link = Translation("kk", "https://kaz.tengrinews.kz/news/story-0/")
        links = {make_article().url: [link], "https://unknown/": [link]}
        assert store_translations(session, links) == 1
        assert store_translations(session, links) == 0


class TestReads:
    def test_iter_articles_filters_and_streams(self, session):
        articles = [
            make_article(1, published_at=datetime(2025, 1, 10, tzinfo=ALMATY_2026)),
            make_article(2, published_at=datetime(2025, 1, 20, tzinfo=ALMATY_2026), lang="kk"),
            make_article(3, published_at=datetime(2025, 2, 1, tzinfo=ALMATY_2026)),
            make_article(4, site="kazinform", url="https://www.inform.kz/ru/a4", published_at=None),
        ]
        upsert_articles(session, articles, fetched_at=T1)
        session.commit()

        def urls(**filters):
            return [r.url for r in iter_articles(session, batch=2, **filters)]

        assert urls() == [a.url for a in articles]
        assert urls(site="kazinform") == [articles[3].url]
        assert urls(lang="kk") == [articles[1].url]
        # 2025-01-20 00:00+05:00 is 2025-01-19 19:00 UTC: the bound is compared as an instant.
        assert urls(since=datetime(2025, 1, 19, 19, 0, tzinfo=UTC)) == [articles[1].url, articles[2].url]
        assert urls(until=datetime(2025, 1, 19, 19, 0, tzinfo=UTC)) == [articles[0].url]
        assert [r.site.name for r in iter_articles(session)] == ["tengrinews"] * 3 + ["kazinform"]

    def test_get_or_create_site_is_idempotent(self, session):
        first = get_or_create_site(session, "kazinform", now=T1)
        assert get_or_create_site(session, "kazinform").id == first.id
        assert count(session, Site) == 1

    def test_run_is_started_and_finished_with_counters_from_stats(self, session):
        run_id = start_run(session, "tengrinews", "tengrinews", started_at=T1)
        session.commit()
        assert session.get(CrawlRun, run_id).status == "running"
        stats = {
            "kznews/stored": 10,
            "kznews/updated": 2,
            "kznews/unchanged": 30,
            "kznews/blocked": 3,
            "kznews/dropped/not_article": 7,
            "downloader/response_status_count/200": 50,
            "downloader/response_status_count/404": 4,
            "downloader/response_status_count/503": 1,
            "downloader/response_bytes": 5_000_000_000,
            "start_time": T1,
        }
        finish_run(session, run_id, "finished", stats, finished_at=T2)
        session.commit()
        session.expire_all()
        run = session.get(CrawlRun, run_id)
        assert (run.status, run.started_at, run.finished_at) == ("finished", T1, T2)
        assert (run.stored, run.updated, run.unchanged, run.http_errors, run.blocked) == (10, 2, 30, 5, 3)
        assert run.bytes == 5_000_000_000
        assert run.dropped == {"not_article": 7}
        assert run.stats["start_time"] == T1.isoformat()

    def test_finish_run_refuses_bad_status_and_unknown_run(self, session):
        run_id = start_run(session, "tengrinews", "tengrinews", started_at=T1)
        with pytest.raises(ValueError, match="finished"):
            finish_run(session, run_id, "running", {})
        with pytest.raises(LookupError):
            finish_run(session, run_id + 100, "failed", {})

    def test_status_is_constrained_in_the_database(self, session):
        site = get_or_create_site(session, "tengrinews", now=T1)
        session.add(
            CrawlRun(site_id=site.id, spider="x", started_at=T1, status="paused", stats={}, dropped={})
        )
        with pytest.raises(IntegrityError):
            session.flush()
