"""Prints upsert throughput (articles/s) for new, unchanged and changed articles on one database.

Usage: python -m bench.db_upsert [DATABASE_URL] [N]   (default: a temporary SQLite file, N=5000)
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta, timezone

from db.migrate import open_database
from db.repository import upsert_articles
from pipelines.article import Article

BATCH = 500  # what a StoragePipeline buffering items would hand over at once


def make_articles(n: int, variant: str) -> list[Article]:
    """N realistic-sized articles (~400 words); ``variant`` changes the text."""
    body = tuple(f"Абзац {p} статьи о событиях в Казахстане {variant}. " * 10 for p in range(4))
    published = datetime(2025, 5, 1, 9, 0, tzinfo=timezone(timedelta(hours=5)))
    return [
        Article(
            url=f"https://tengrinews.kz/news/{i}/",
            site="tengrinews",
            lang="ru",
            title=f"Новость {i}",
            paragraphs=body,
            published_at=published,
            tags=("общество",),
        )
        for i in range(n)
    ]


def main() -> None:
    """Time three passes over the same URLs."""
    url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    factory = open_database(url)
    start = datetime(2025, 5, 1, tzinfo=UTC)
    for step, (label, variant) in enumerate((("new", "a"), ("unchanged", "a"), ("changed", "b"))):
        articles = make_articles(n, variant)
        began = time.perf_counter()
        for i in range(0, n, BATCH):
            with factory.begin() as session:
                upsert_articles(session, articles[i : i + BATCH], fetched_at=start + timedelta(hours=step))
        elapsed = time.perf_counter() - began
        dialect = factory.kw["bind"].dialect.name
        print(f"{dialect:10s} {label:9s} {n:6d} articles {elapsed:6.2f}s {n / elapsed:8.0f}/s")
    factory.kw["bind"].dispose()


if __name__ == "__main__":
    main()
