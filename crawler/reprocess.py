"""`kznews reprocess`: clean the archived raw pages of stored articles again with the current rules.

Every stored article points at the WARC record it was cleaned from (``warc_file`` + ``warc_offset``). This
reads those records back, cleans them with today's rules, the site's layout valid on the page's own fetch
day, and the WARC-Date as ``now`` (relative dates resolve as on that day), and stores the result through
``upsert_articles``: a changed text or title is updated with the old one kept in ``article_versions``, the
same text from another EXTRACTOR_VERSION refreshes the metadata. An improved rule so fixes the whole corpus
without fetching anything. A page the current rules reject is counted and left as stored, never deleted.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from zoneinfo import ZoneInfo

from crawler import profiles
from pipelines.article import Article, RawPage, Rejection
from pipelines.options import DEFAULT_OPTIONS, CleanOptions, SiteRules

# SQLAlchemy, warcio and the cleaning core are imported where used: `kznews --help` builds this module's
# arguments and should not pay their ~2 s import.
if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
"""Articles per read / clean / write round, one transaction each: the StoragePipeline's batch size."""

MAX_BATCH_SIZE = 10_000
"""A batch's ids go into one IN (...) list: stay well under SQLite's 32,766 bound parameters."""

DEFAULT_ARCHIVE = Path("data/warc")
ARCHIVE_ENV = "KZNEWS_ARCHIVE"

COMPARED_METADATA = (
    "lead",
    "author",
    "tags",
    "section",
    "dateline",
    "source_credit",
    "published_at",
    "modified_at",
    "date_source",
    "lang",
    "script",
)
"""Columns compared on an unchanged text to notice metadata the upsert will not refresh (same version)."""

RulesProvider = Callable[[str | None, str | None], SiteRules]
"""``rules_for(site, url)`` as in crawler.profiles."""


@dataclass(slots=True)
class ReprocessStats:
    """What one reprocess run did; every examined article lands in exactly one outcome."""

    examined: int = 0
    updated: int = 0  # text or title changed: the old one is kept in article_versions
    metadata_refreshed: int = 0  # same text, other EXTRACTOR_VERSION: metadata rewritten, no version
    unchanged: int = 0
    missing: Counter[str] = field(default_factory=Counter)  # no usable archive record, by reason
    rejected: Counter[str] = field(default_factory=Counter)  # current rules reject it; left as stored
    superseded: int = 0  # re-crawled or deleted between reading and writing: the newer row stands
    metadata_stale: int = 0  # unchanged text whose metadata now differs, not written (same version)
    rekeyed: int = 0  # the page now gives another canonical URL; stored under the old key all the same

    def summary(self) -> str:
        """A few human-readable lines for the terminal."""
        lines = [
            f"examined            {self.examined}",
            f"updated             {self.updated} (text or title changed; old text kept as a version)",
            f"metadata refreshed  {self.metadata_refreshed} (same text, new extractor version)",
            f"unchanged           {self.unchanged}",
            f"missing record      {self.missing.total()}{_breakdown(self.missing)}",
            f"now rejected        {self.rejected.total()}{_breakdown(self.rejected)} (left as stored)",
            f"superseded          {self.superseded} (re-crawled while reprocessing)",
        ]
        if self.rekeyed:
            lines.append(f"canonical changed   {self.rekeyed} (kept under the stored canonical URL)")
        if self.metadata_stale:
            lines.append(
                f"WARNING: {self.metadata_stale} unchanged text(s) would get other metadata, which is only "
                "rewritten when pipelines.article.EXTRACTOR_VERSION changes: bump it and run again"
            )
        return "\n".join(lines)


def _breakdown(counts: Counter[str]) -> str:
    return f" ({', '.join(f'{k}: {v}' for k, v in sorted(counts.items()))})" if counts else ""


class _Pointer(NamedTuple):
    id: int
    url: str
    canonical_url: str
    site: str
    edition: str | None
    warc_file: str | None
    warc_offset: int | None
    fetched_at: datetime


class ArchiveIndex:
    """The WARC files under one or more directories (or given as files), by basename (``articles.warc_file``).

    Files are indexed once, subdirectories included; a name not in the index (written after it was
    built) is looked for directly in each directory.
    """

    def __init__(self, directories: Sequence[str | Path]):
        from crawler.warcstore import WARC_SUFFIXES

        self.directories = [Path(d) for d in directories]
        self.paths: dict[str, Path] = {}
        for directory in self.directories:
            if not directory.exists():
                raise FileNotFoundError(f"archive directory {directory} does not exist")
            found = [directory] if directory.is_file() else sorted(directory.rglob("*"))
            for path in found:
                if path.name.endswith(WARC_SUFFIXES) and path.is_file():
                    if path.name in self.paths:
                        logger.warning("WARC %s found twice; using %s", path.name, self.paths[path.name])
                        continue
                    self.paths[path.name] = path

    def find(self, name: str) -> Path | None:
        """The path of the WARC file called ``name``, or None."""
        if name in self.paths:
            return self.paths[name]
        return next((d / name for d in self.directories if d.is_dir() and (d / name).is_file()), None)


def reprocess(
    engine: Engine,
    archive: ArchiveIndex,
    *,
    sites: Sequence[str] = (),
    since: datetime | None = None,
    rules_for: RulesProvider = profiles.rules_for,
    options: CleanOptions = DEFAULT_OPTIONS,
    workers: int = 1,
    batch_size: int = BATCH_SIZE,
    dry_run: bool = False,
    now: datetime | None = None,
) -> ReprocessStats:
    """Clean the archived page of every selected stored article again and store what changed.

    Articles are read in id order ``batch_size`` at a time (ids and WARC pointers only, never texts),
    their records read file by file in offset order, cleaned, and written in one transaction per batch.

    Args:
        engine: database at schema head.
        archive: where the WARC files named by ``articles.warc_file`` are.
        sites: only these sites (profile names); empty means all.
        since: only articles whose stored page was fetched at or after this aware datetime.
        rules_for: ``(site, url) -> SiteRules``; the profiles' rules unless a test or experiment says else.
        options: cleaning thresholds, as the crawl used them.
        workers: cleaning processes; 1 cleans in this process.
        batch_size: articles per round and transaction (at most MAX_BATCH_SIZE).
        dry_run: count what would change, write nothing.
        now: the ``updated_at`` / ``replaced_at`` stamp of this run (default: now, UTC).
    """
    from db.engine import make_sessionmaker

    stamp = now or datetime.now(UTC)
    batch_size = min(max(1, batch_size), MAX_BATCH_SIZE)
    reader = make_sessionmaker(engine)
    writer = make_sessionmaker(engine, immediate=True)
    stats = ReprocessStats()
    pool = None
    if workers > 1:
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        last_id = 0
        while True:
            with reader() as session:
                pointers = _next_pointers(session, last_id, sites, since, batch_size)
            if not pointers:
                break
            last_id = pointers[-1].id
            stats.examined += len(pointers)
            pages = _load_pages(pointers, archive, stats)
            cleaned = _clean(pages, rules_for, options, pool)
            kept = []
            for pointer, result in zip((p for p, _ in pages), cleaned, strict=True):
                if isinstance(result, Rejection):
                    stats.rejected[result.reason] += 1
                    logger.warning(
                        "Current rules reject stored %s (%s: %s); left as stored",
                        pointer.url,
                        result.reason,
                        result.detail,
                    )
                else:
                    kept.append((pointer, result))
            with writer() as session:
                _store(session, kept, stamp, stats)
                if dry_run:
                    session.rollback()
                else:
                    session.commit()
            logger.info("Reprocessed up to article id %d: %d examined so far", last_id, stats.examined)
    finally:
        if pool is not None:
            pool.shutdown()
    return stats


def _next_pointers(
    session: Session, after_id: int, sites: Sequence[str], since: datetime | None, limit: int
) -> list[_Pointer]:
    """The next ``limit`` articles after ``after_id`` (keyset paging: no cursor held across batches)."""
    from sqlalchemy import select

    from db.models import ArticleRecord, Site

    a = ArticleRecord
    query = (
        select(a.id, a.url, a.canonical_url, Site.name, a.edition, a.warc_file, a.warc_offset, a.fetched_at)
        .join(Site, a.site_id == Site.id)
        .where(a.id > after_id)
        .order_by(a.id)
        .limit(limit)
    )
    if sites:
        query = query.where(Site.name.in_(sites))
    if since is not None:
        query = query.where(a.fetched_at >= since)
    return [_Pointer(*row) for row in session.execute(query)]


def _load_pages(
    pointers: Sequence[_Pointer], archive: ArchiveIndex, stats: ReprocessStats
) -> list[tuple[_Pointer, RawPage]]:
    """Read each pointer's record, one WARC file at a time in offset order; count what cannot be read."""
    from crawler.warcstore import read_record, url_key

    by_file: dict[str, list[_Pointer]] = defaultdict(list)
    for pointer in pointers:
        if pointer.warc_file and pointer.warc_offset is not None:
            by_file[pointer.warc_file].append(pointer)
        else:
            _missing(stats, pointer, "not_archived", "stored without a WARC record")
    pages = []
    for name, group in by_file.items():
        path = archive.find(name)
        for pointer in sorted(group, key=lambda p: p.warc_offset or 0):
            if path is None:
                _missing(stats, pointer, "no_file", f"{name} is not in the archive")
                continue
            try:
                record = read_record(path, pointer.warc_offset or 0)
            except Exception as exc:  # a damaged record must not end a run over the whole corpus
                _missing(stats, pointer, "unreadable", f"{name}@{pointer.warc_offset}: {exc!r:.200}")
                continue
            if url_key(record.url) != url_key(pointer.url):
                _missing(stats, pointer, "other_url", f"{name}@{pointer.warc_offset} holds {record.url}")
                continue
            content_type = record.header("Content-Type")
            page = RawPage(  # as the spider builds it (NewsSpider.parse_article)
                url=pointer.url,
                body=record.body,
                headers={"Content-Type": content_type} if content_type else {},
                fetched_at=record.fetched_at or pointer.fetched_at,
                site=pointer.site,
                edition=pointer.edition,
                status=record.status,
                warc_file=pointer.warc_file,
                warc_offset=pointer.warc_offset,
            )
            pages.append((pointer, page))
    return pages


def _missing(stats: ReprocessStats, pointer: _Pointer, reason: str, detail: str) -> None:
    stats.missing[reason] += 1
    logger.warning("No archived page for %s (%s: %s); left as stored", pointer.url, reason, detail)


def _clean(
    pages: Sequence[tuple[_Pointer, RawPage]],
    rules_for: RulesProvider,
    options: CleanOptions,
    pool: ProcessPoolExecutor | None,
) -> list[Article | Rejection]:
    from pipelines.core import clean_page

    raws = [raw for _, raw in pages]
    rules = [_rules(rules_for, raw) for raw in raws]
    if pool is None:
        return [clean_page(raw, r, options) for raw, r in zip(raws, rules, strict=True)]
    return list(pool.map(clean_page, raws, rules, repeat(options), chunksize=8))


def _rules(rules_for: RulesProvider, raw: RawPage) -> SiteRules:
    try:
        return rules_for(raw.site, raw.url)
    except KeyError:  # a site whose profile was removed: its URL may still name one, else generic rules
        return rules_for(None, raw.url)


def _store(
    session: Session, cleaned: Sequence[tuple[_Pointer, Article]], stamp: datetime, stats: ReprocessStats
) -> None:
    """Classify each article against its row as it is now, upsert them, keep ``last_seen_at`` moving up."""
    from sqlalchemy import bindparam, select, update

    from db.convert import article_key, article_values
    from db.models import ArticleRecord, UTCDateTime
    from db.repository import upsert_articles

    table = ArticleRecord.__table__
    columns = ["id", "warc_file", "warc_offset", "content_hash", "extractor_version", "last_seen_at"]
    query = select(*(table.c[name] for name in (*columns, *COMPARED_METADATA)))
    rows = {row.id: row for row in session.execute(query.where(table.c.id.in_([p.id for p, _ in cleaned])))}
    articles: list[Article] = []
    keep_seen: list[dict[str, Any]] = []
    for pointer, article in cleaned:
        row = rows.get(pointer.id)
        if row is None or (row.warc_file, row.warc_offset) != (pointer.warc_file, pointer.warc_offset):
            stats.superseded += 1
            continue
        if article_key(article) != pointer.canonical_url:
            logger.info(
                "%s now gives canonical %s; kept under the stored one", pointer.url, article_key(article)
            )
            article = replace(article, canonical_url=pointer.canonical_url)
            stats.rekeyed += 1
        new = article_values(article, site_id=0, seen_at=stamp)
        if new["content_hash"] != row.content_hash:
            stats.updated += 1
        elif new["extractor_version"] != row.extractor_version:
            stats.metadata_refreshed += 1
        else:
            stats.unchanged += 1
            stats.metadata_stale += int(any(new[name] != getattr(row, name) for name in COMPARED_METADATA))
            articles.append(article)  # only stores translation links the current rules newly find
            continue
        if row.last_seen_at > new["last_seen_at"]:  # a rewrite sets it to the archived fetch time
            keep_seen.append({"_id": pointer.id, "_seen": row.last_seen_at})
        articles.append(article)
    result = upsert_articles(session, articles, fetched_at=stamp)
    if result.inserted:  # cannot happen: every article is keyed by a row read in this transaction
        raise RuntimeError(f"reprocess inserted {result.inserted} article(s) instead of updating")
    if keep_seen:
        stmt = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values(last_seen_at=bindparam("_seen", type_=UTCDateTime()))
        )
        session.execute(stmt, keep_seen)


# --- command line ------------------------------------------------------------------------------------


def default_archive() -> Path:
    """KZNEWS_ARCHIVE from the environment, else from crawler.settings, else data/warc."""
    from crawler import settings

    return Path(os.environ.get(ARCHIVE_ENV) or getattr(settings, ARCHIVE_ENV, None) or DEFAULT_ARCHIVE)


def since_datetime(value: str) -> datetime:
    """An ISO date (midnight in the sites' time zone) or an ISO date-time with offset."""
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime.combine(day, time(), ZoneInfo(DEFAULT_OPTIONS.tz))
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date or date-time: {value!r}") from exc
    if parsed.tzinfo is None:
        raise argparse.ArgumentTypeError(f"--since needs an offset, e.g. {value}+05:00, or a bare date")
    return parsed


def add_reprocess_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``kznews reprocess``."""
    parser.add_argument(
        "--site",
        action="append",
        default=[],
        metavar="NAME",
        help=f"only this site (repeatable; {', '.join(profiles.PROFILES)}); default: all",
    )
    parser.add_argument(
        "--since",
        type=since_datetime,
        help="only articles whose stored page was FETCHED on or after this date (a bare date is midnight "
        "Asia/Almaty): the fetch day is what picks the layout and what a rule fix is about",
    )
    parser.add_argument(
        "--archive",
        action="append",
        type=Path,
        metavar="DIR",
        help="directory of the WARC files, searched recursively, or one WARC file (repeatable); "
        f"default: {ARCHIVE_ENV} or {DEFAULT_ARCHIVE}",
    )
    parser.add_argument("--database-url", help="default: KZNEWS_DATABASE_URL or data/kznews.sqlite3")
    parser.add_argument("--workers", type=int, default=1, help="cleaning processes (default 1)")
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help=f"default {BATCH_SIZE}")
    parser.add_argument("--dry-run", action="store_true", help="count what would change, write nothing")


def run_reprocess(args: argparse.Namespace, rules_for: RulesProvider = profiles.rules_for) -> int:
    """Run ``kznews reprocess`` and print its counts.

    Returns:
        0 when the run went through (missing records and rejections are counted, not failures);
        2 for an unknown site or a missing archive directory.
    """
    from crawler import settings
    from db.migrate import open_database

    unknown = sorted(set(args.site) - set(profiles.PROFILES))
    if unknown:
        print(f"kznews reprocess: error: unknown site(s) {', '.join(unknown)}", file=sys.stderr)
        return 2
    try:
        archive = ArchiveIndex(args.archive or [default_archive()])
    except FileNotFoundError as exc:
        print(f"kznews reprocess: error: {exc}", file=sys.stderr)
        return 2
    options = CleanOptions(min_words=getattr(settings, "KZNEWS_MIN_WORDS", DEFAULT_OPTIONS.min_words))
    engine = open_database(args.database_url).kw["bind"]
    try:
        stats = reprocess(
            engine,
            archive,
            sites=args.site,
            since=args.since,
            rules_for=rules_for,
            options=options,
            workers=max(1, args.workers),
            batch_size=args.batch_size,
            dry_run=args.dry_run,
        )
    finally:
        engine.dispose()
    print(("kznews reprocess (dry run, nothing written)" if args.dry_run else "kznews reprocess"), flush=True)
    print(stats.summary(), flush=True)
    return 0
