"""body_source and region in the store: a page's text replaces a feed's as a new version, never the reverse;
feed-sourced URLs are told apart by the incremental look-up; the migration fills existing rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import inspect, select, text

from db.convert import record_to_article
from db.export import iter_records
from db.migrate import alembic_config, head_revision
from db.models import ArticleRecord, ArticleVersion
from db.repository import UpsertStats, upsert_articles
from db.state import stored_urls
from tests.db.test_repository import make_article

BEFORE = "e5b1c9d04a7f"  # the revision before body_source and region
T0 = datetime(2026, 4, 28, 6, 0, tzinfo=UTC)
T1 = T0 + timedelta(hours=6)
FEED = make_article(1, body_source="feed", region="KZ-35", warc_file=None, warc_offset=None, fetched_at=T0)
PAGE = make_article(1, paragraphs=(*FEED.paragraphs, "Материал дополнен."), region="KZ-35", fetched_at=T1)


def row(session) -> ArticleRecord:
    return session.scalars(select(ArticleRecord)).one()


def versions(session) -> list[tuple[int, str, str]]:
    query = select(ArticleVersion.version, ArticleVersion.body_source, ArticleVersion.text)
    return [tuple(r) for r in session.execute(query.order_by(ArticleVersion.version))]


class TestUpsert:
    def test_the_page_text_replaces_the_feed_text_as_a_new_version(self, session):
        upsert_articles(session, [FEED], fetched_at=T0)
        assert upsert_articles(session, [PAGE], fetched_at=T1) == UpsertStats(updated=1)
        stored = row(session)
        assert (stored.version, stored.body_source, stored.region) == (2, "page", "KZ-35")
        assert stored.text.endswith("Материал дополнен.")
        assert versions(session) == [(1, "feed", FEED.text)]

    def test_the_same_text_from_the_page_is_marked_page_without_a_version(self, session):
        upsert_articles(session, [FEED], fetched_at=T0)
        same = make_article(1, region="KZ-35", fetched_at=T1)
        assert upsert_articles(session, [same], fetched_at=T1) == UpsertStats(updated=1)
        assert (row(session).version, row(session).body_source) == (1, "page")
        assert versions(session) == []

    def test_a_feed_text_never_replaces_a_page_text(self, session):
        upsert_articles(session, [PAGE], fetched_at=T0)
        later = make_article(1, body_source="feed", fetched_at=T1)
        assert upsert_articles(session, [later], fetched_at=T1) == UpsertStats(unchanged=1)
        stored = row(session)
        assert (stored.body_source, stored.text, stored.version) == ("page", PAGE.text, 1)
        assert stored.last_seen_at == T1  # it was seen, though
        assert versions(session) == []

    def test_region_and_body_source_come_back_and_are_exported(self, session):
        upsert_articles(session, [FEED], fetched_at=T0)
        session.commit()
        back = record_to_article(row(session), site=FEED.site)
        assert (back.body_source, back.region) == ("feed", "KZ-35")
        (record,) = next(iter_records(session))
        assert (record["body_source"], record["region"]) == ("feed", "KZ-35")

    def test_a_national_site_has_no_region(self, session):
        upsert_articles(session, [make_article(2)], fetched_at=T0)
        assert (row(session).region, row(session).body_source) == (None, "page")


def test_stored_urls_tell_feed_texts_apart(session):
    upsert_articles(session, [FEED, make_article(2)], fetched_at=T0)
    found = stored_urls(session, [FEED.url, make_article(2).url])
    assert (found[FEED.url].from_feed, found[make_article(2).url].from_feed) == (True, False)


def test_migration_fills_existing_rows_and_downgrades(engine):
    migrate(engine, BEFORE)
    assert not {"body_source", "region"} & {c["name"] for c in inspect(engine).get_columns("articles")}
    assert "body_source" not in {c["name"] for c in inspect(engine).get_columns("article_versions")}
    with engine.begin() as connection:  # an article stored before the revision: only the columns it had
        stamp = T0 if connection.dialect.name == "postgresql" else T0.replace(tzinfo=None)
        connection.execute(text("INSERT INTO sites (name, created_at) VALUES ('x', :t)"), {"t": stamp})
        connection.execute(
            text(
                "INSERT INTO articles (site_id, url, canonical_url, text, tags, lang_shares, word_count,"
                " damaged_chars, content_hash, version, first_seen_at, last_seen_at, fetched_at,"
                " extractor_version, updated_at) VALUES ((SELECT id FROM sites), 'https://x.kz/a',"
                " 'https://x.kz/a', 't', '[]', '{}', 1, 0, :hash, 1, :t, :t, :t, '1', :t)"
            ),
            {"hash": "0" * 64, "t": stamp},
        )
    migrate(engine, head_revision())
    with engine.connect() as connection:
        got = connection.execute(select(ArticleRecord.body_source, ArticleRecord.region)).all()
    assert [tuple(r) for r in got] == [("page", None)]


def migrate(engine, revision):
    """Downgrade or upgrade the database to ``revision``."""
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        step = command.upgrade if revision == head_revision() else command.downgrade
        step(config, revision)
