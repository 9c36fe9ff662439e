"""Helpers for end-to-end tests: run a real ``scrapy crawl`` in a subprocess, read back what it stored.

The Twisted reactor cannot be restarted inside one pytest process, so every crawl is a subprocess run
from the repository root with the project's settings, as a user would run it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from crawler.fixturesite import FIXTURE_NOW
from db.convert import record_to_article
from db.engine import make_engine, make_sessionmaker
from db.models import ArticleRecord, ArticleVersion, CrawlRun
from db.repository import iter_articles
from pipelines.article import Article
from tests.fixture_data import EXPECTED

ROOT = Path(__file__).resolve().parent.parent
FIELDS = ("site", "edition", "title", "lang", "script", "author", "section", "tags", "dateline",
          "source_credit", "lead")  # fmt: skip
CRAWL_TIMEOUT_S = 180


def expected_urls(site: str, editions: Iterable[str] | None = None) -> set[str]:
    """The fixture article URLs of ``site`` (only ``editions`` when given)."""
    wanted = set(editions) if editions is not None else None
    return {
        url for url, e in EXPECTED.items() if e["site"] == site and (wanted is None or e["edition"] in wanted)
    }


def crawl_command(
    site: str, database_url: str, settings: Mapping[str, Any] | None = None, **spider_args: str
) -> list[str]:
    """``scrapy crawl <site>`` into ``database_url`` with one extraction worker and the fixture's "now"."""
    command = [sys.executable, "-m", "scrapy", "crawl", site]
    # Loopback and replay crawls need no politeness: the mirror is ours (tests that pace set their own).
    merged = {
        "KZNEWS_DATABASE_URL": database_url,
        "KZNEWS_EXTRACT_WORKERS": 1,
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        **(settings or {}),
    }
    for name, value in merged.items():
        command += ["-s", f"{name}={json.dumps(value) if isinstance(value, dict) else value}"]
    for name, value in {"now": FIXTURE_NOW.isoformat(), **spider_args}.items():
        command += ["-a", f"{name}={value}"]
    return command


def crawl(
    site: str, database_url: str, settings: Mapping[str, Any] | None = None, **spider_args: str
) -> subprocess.CompletedProcess[str]:
    """Run the crawl; fail with the end of its log when it exits non-zero."""
    result = subprocess.run(
        crawl_command(site, database_url, settings, **spider_args),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=CRAWL_TIMEOUT_S,
    )
    assert result.returncode == 0, f"scrapy crawl {site} failed:\n{result.stderr[-4000:]}"
    return result


@dataclass(frozen=True)
class Stored:
    """What a database holds after a crawl."""

    articles: dict[str, Article]  # by page URL
    versions: list[tuple[str, int, str]]  # (article URL, version, old text), in id order
    runs: list[dict[str, Any]]  # crawl_runs rows in id order, stats included

    def run(self, index: int = -1) -> dict[str, Any]:
        """One crawl run's row (default: the latest)."""
        return self.runs[index]


def read_store(database_url: str) -> Stored:
    """Every article, old version and crawl run in the database."""
    engine = make_engine(database_url)
    try:
        with make_sessionmaker(engine)() as session:
            articles = {record.url: record_to_article(record) for record in iter_articles(session)}
            versions = [
                (url, version, text)
                for url, version, text in session.execute(
                    select(ArticleRecord.url, ArticleVersion.version, ArticleVersion.text)
                    .join(ArticleVersion.article)
                    .order_by(ArticleVersion.id)
                )
            ]
            runs = [
                {c.key: getattr(run, c.key) for c in CrawlRun.__table__.columns}
                for run in session.scalars(select(CrawlRun).order_by(CrawlRun.id))
            ]
    finally:
        engine.dispose()
    return Stored(articles, versions, runs)


def mismatches(article: Article, expected: Mapping[str, Any]) -> list[str]:
    """How a stored article differs from its expected.json entry (empty when it matches).

    Compares the metadata fields, the publication instant and its local offset, and the body: the lead
    opens the text, then ``first_paragraph`` ... ``last_paragraph``, ``paragraph_count`` paragraphs,
    no junk snippet (``without``).
    """
    problems = []
    got = article.to_json()
    for field in FIELDS:
        if got[field] != expected[field]:
            problems.append(f"{field}: {got[field]!r} != {expected[field]!r}")
    published = datetime.fromisoformat(expected["published_at"])
    if article.published_at != published or article.published_at.utcoffset() != published.utcoffset():
        problems.append(f"published_at: {article.published_at} != {published}")
    body = list(article.paragraphs)
    if expected["lead"]:
        if body[:1] != [expected["lead"]]:
            problems.append(f"text does not open with the lead: {body[:1]}")
        body = body[1:]
    if body[:1] != [expected["first_paragraph"]]:
        problems.append(f"first paragraph: {body[:1]}")
    if body[-1:] != [expected["last_paragraph"]]:
        problems.append(f"last paragraph: {body[-1:]}")
    if len(body) != expected["paragraph_count"]:
        problems.append(f"paragraph count: {len(body)} != {expected['paragraph_count']}")
    problems += [f"junk kept: {snippet!r}" for snippet in expected["without"] if snippet in article.text]
    return problems
