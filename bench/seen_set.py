"""Prints what the incremental seen-check costs against a large store: time per batch and the process RSS.

Usage: python -m bench.seen_set [--urls 1000000] [--candidates 10000] [--db PATH] [DATABASE_URL]

Fills a SQLite file (kept with --db, reused when it already holds the URLs) with N stored article URLs,
then, in a fresh process that only imports the crawler, checks CANDIDATES discovered URLs (half stored,
half new) through crawler.incremental.IncrementalFilter in discovery-page sized batches, printing the
median / p95 time per batch and the resident memory before and after. The last line shows what an
in-memory Python set of the same N URLs would cost instead.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil

BATCH_SIZES = (20, 100, 1000, 10000)  # a listing page, an RSS feed, a news sitemap, a big sitemap
FILL_CHUNK = 50_000  # rows per INSERT transaction while filling the store
URL_FORMAT = "https://tengrinews.kz/kazakhstan_news/story-number-{}-{:06x}/"


def fill(db_path: Path, n: int) -> None:
    """Create the schema and N minimal article rows (only the columns the lookup reads are realistic)."""
    from sqlalchemy import func, insert, select

    from db.migrate import open_database
    from db.models import ArticleRecord, Site

    factory = open_database(f"sqlite:///{db_path}")
    now = datetime(2026, 4, 28, tzinfo=UTC)
    with factory.begin() as session:
        have = session.scalar(select(func.count()).select_from(ArticleRecord))
        if have >= n:
            return
        site_id = session.scalar(select(Site.id).where(Site.name == "tengrinews"))
        if site_id is None:
            site_id = session.scalar(
                insert(Site).values(name="tengrinews", created_at=now).returning(Site.id)
            )
    started = time.perf_counter()
    for start in range(have, n, FILL_CHUNK):
        rows = [_row(i, site_id, now) for i in range(start, min(n, start + FILL_CHUNK))]
        with factory.begin() as session:
            session.execute(insert(ArticleRecord), rows)
    factory.kw["bind"].dispose()
    print(f"filled {n - have:,} rows in {time.perf_counter() - started:.0f}s", file=sys.stderr)


def _row(i: int, site_id: int, now: datetime) -> dict[str, object]:
    url = URL_FORMAT.format(i, i * 2654435761 % 2**24)
    return {
        "site_id": site_id,
        "url": url,
        "canonical_url": url,
        "text": "x",
        "tags": [],
        "lang_shares": {},
        "word_count": 1,
        "damaged_chars": 0,
        "content_hash": f"{i:064x}",
        "version": 1,
        "first_seen_at": now,
        "last_seen_at": now,
        "fetched_at": now,
        "extractor_version": "bench",
        "updated_at": now,
    }


def measure(db_url: str, n: int, candidates: int) -> None:
    """Check ``candidates`` URLs per batch size and print timings and RSS (run in a fresh process)."""
    import crawler.spiders.sites  # noqa: F401 - what a crawl process has loaded before its first check
    from crawler.incremental import IncrementalFilter
    from crawler.spiders.discovery import Candidate

    process = psutil.Process()
    base = process.memory_info().rss
    step = max(1, n // candidates)
    stored = [URL_FORMAT.format(i, i * 2654435761 % 2**24) for i in range(0, n, step)][: candidates // 2]
    new = [URL_FORMAT.format(n + i, i) for i in range(candidates - len(stored))]
    urls = [u for pair in zip(stored, new, strict=False) for u in pair]
    print(
        f"store: {n:,} URLs; checking {len(urls):,} candidates (half stored); RSS at start {base >> 20} MiB"
    )
    peak = base
    for size in BATCH_SIZES:
        counted: list[str] = []
        component = IncrementalFilter(db_url, counted.append, check=True, record=False)
        times = []
        fetch = 0
        for start in range(0, len(urls), size):
            batch = [Candidate(u) for u in urls[start : start + size]]
            began = time.perf_counter()
            fetch += len(component.select(batch))
            times.append(time.perf_counter() - began)
            peak = max(peak, process.memory_info().rss)
        component.spider_closed(None, "bench")  # disposes the engine
        assert fetch == len(new) and len(counted) == len(stored), (fetch, len(counted))
        per_url = sum(times) / len(urls) * 1e6
        p95 = sorted(times)[min(len(times) - 1, int(len(times) * 0.95))]
        print(
            f"batch {size:6d}: {len(times):4d} batches, median {statistics.median(times) * 1e3:8.2f} ms, "
            f"p95 {p95 * 1e3:8.2f} ms, {per_url:6.1f} us/URL; RSS {process.memory_info().rss >> 20} MiB"
        )
    print(f"peak RSS while checking: {peak >> 20} MiB (+{(peak - base) >> 20} MiB over the start)")
    before = process.memory_info().rss
    everything = {URL_FORMAT.format(i, i * 2654435761 % 2**24) for i in range(n)}
    grown = process.memory_info().rss - before
    print(f"for comparison, a Python set of all {len(everything):,} stored URLs: +{grown >> 20} MiB RSS")


def main() -> None:
    """Fill (or reuse) the store, then measure in a child process so the fill leaves no memory behind."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--urls", type=int, default=1_000_000)
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--db", type=Path, help="SQLite file to fill and keep (default: a temporary one)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # the child process: the URL to measure on
    args = parser.parse_args()
    if args.measure:
        measure(args.measure, args.urls, args.candidates)
        return
    db_path = args.db or Path(tempfile.mkdtemp()) / "seen.sqlite3"
    fill(db_path, args.urls)
    size = db_path.stat().st_size + sum(p.stat().st_size for p in db_path.parent.glob(db_path.name + "-*"))
    print(f"database {db_path}: {size / 2**20:.0f} MiB on disk")
    child = [
        sys.executable,
        "-m",
        "bench.seen_set",
        "--urls",
        str(args.urls),
        "--candidates",
        str(args.candidates),
    ]
    subprocess.run([*child, "--measure", f"sqlite:///{db_path}"], check=True, env=os.environ.copy())


if __name__ == "__main__":
    main()
