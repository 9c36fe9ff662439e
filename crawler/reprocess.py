"""`kznews reprocess`: clean the archived raw pages of stored articles again with the current rules.

Every stored article points at the WARC record it was cleaned from (``warc_file`` + ``warc_offset``). This
reads those records back, cleans them with today's rules, the site's layout valid on the page's own fetch
day, and the WARC-Date as ``now`` (relative dates resolve as on that day), and stores the result through
``upsert_articles``: a changed text or title is updated with the old one kept in ``article_versions``, the
same text from another EXTRACTOR_VERSION refreshes the metadata. An improved rule so fixes the whole corpus
without fetching anything. A page the current rules reject is counted and left as stored, never deleted.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from itertools import repeat
from typing import TYPE_CHECKING

from crawler import profiles
from crawler.archive import ArchiveIndex, MissingRecords, load_pages
from pipelines.article import Article, RawPage, Rejection
from pipelines.options import DEFAULT_OPTIONS, CleanOptions, SiteRules

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from db.reclean import RecleanCounts, StoredPointer

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
"""Articles per read / clean / write round, one transaction each: the StoragePipeline's batch size."""

MAX_BATCH_SIZE = 10_000
"""A batch's ids go into one IN (...) list: stay well under SQLite's 32,766 bound parameters."""

RulesProvider = Callable[[str | None, str | None], SiteRules]
"""``rules_for(site, url)`` as in crawler.profiles."""


@dataclass(slots=True)
class ReprocessStats:
    """What one reprocess run did; every examined article lands in exactly one outcome."""

    examined: int = 0
    updated: int = 0  # text or title changed: the old one is kept in article_versions
    metadata_refreshed: int = 0  # same text, other EXTRACTOR_VERSION: metadata rewritten, no version
    unchanged: int = 0
    missing_records: MissingRecords = field(default_factory=MissingRecords)  # by reason and WARC file
    rejected: Counter[str] = field(default_factory=Counter)  # current rules reject it; left as stored
    superseded: int = 0  # re-crawled or deleted between reading and writing: the newer row stands
    metadata_stale: int = 0  # unchanged text whose metadata now differs, not written (same version)
    rekeyed: int = 0  # the page now gives another canonical URL; stored under the old key all the same

    @property
    def missing(self) -> Counter[str]:
        """Articles without a usable archive record, by reason."""
        return self.missing_records.by_reason()

    def failed(self) -> bool:
        """A record that should be there could not be read, or no record at all could be."""
        unread = self.missing_records.lost() > 0
        return unread or (self.examined > 0 and self.missing.total() == self.examined)

    def add(self, counts: RecleanCounts) -> None:
        """Add the counts of one stored batch."""
        for name in (f.name for f in fields(counts)):
            setattr(self, name, getattr(self, name) + getattr(counts, name))

    def summary(self) -> str:
        """A few human-readable lines for the terminal."""
        lines = [
            f"examined            {self.examined}",
            f"updated             {self.updated} (text or title changed; old text kept as a version)",
            f"metadata refreshed  {self.metadata_refreshed} (same text, new extractor version)",
            f"unchanged           {self.unchanged}",
            f"missing record      {self.missing.total()}{_breakdown(self.missing)}",
            *self.missing_records.lines(),
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
        archive: where the WARC files named by ``articles.warc_file`` are (the stored paths, directories).
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
    from db.reclean import next_pointers, store_recleaned

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
                pointers = next_pointers(session, last_id, sites, since, batch_size)
            if not pointers:
                break
            last_id = pointers[-1].id
            stats.examined += len(pointers)
            pages = load_pages(pointers, archive, stats.missing_records)
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
                stats.add(store_recleaned(session, kept, stamp))
                if dry_run:
                    session.rollback()
                else:
                    session.commit()
            logger.info("Reprocessed up to article id %d: %d examined so far", last_id, stats.examined)
    finally:
        if pool is not None:
            pool.shutdown()
    return stats


def _clean(
    pages: Sequence[tuple[StoredPointer, RawPage]],
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
