"""Incremental crawling: which discovered article URLs to fetch, and the per-site state kept between runs.

A URL whose article is already stored is skipped, unless its sitemap ``lastmod`` is newer than our last
fetch of it, its stored text is a challenge page's (stored before such pages were recognised: the upsert
of the real article replaces it, a new version) or its feed item's (stored while the page was blocked or
unreachable: the page's text replaces it once the page can be fetched), or the crawl runs with
``-a refresh=1``. The database is
asked once per discovery page for all of that page's candidates (``db.state.stored_urls``), on the crawl
store's writer thread: memory stays flat however large the corpus, and the event loop never waits for a
query; only short stored texts are read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from scrapy import signals
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from crawler.spiders.discovery import Candidate
from crawler.store import CrawlStore, StoreUnavailable
from pipelines import runstats
from pipelines.blockpage import BLOCK_TEXT_MAX_WORDS, is_block_text

if TYPE_CHECKING:
    from db.state import StoredUrl

logger = logging.getLogger(__name__)

STORAGE_PIPELINE = "pipelines.storage.StoragePipeline"


class IncrementalFilter:
    """Decides which candidates are new; records redirect aliases and the site's state when a run succeeds.

    Settings:
        KZNEWS_INCREMENTAL: False fetches every discovered URL (default True). Without the StoragePipeline
            there is no store to be incremental against, and the filter lets everything through.
    """

    def __init__(self, store: CrawlStore, inc: Callable[[str], object], *, check: bool, record: bool) -> None:
        """Args:
        store: the crawl's store (a SQLite file that does not exist yet means "nothing stored").
        inc: increments a stats counter by name (the crawler's stats exist only once the crawl starts).
        check: skip stored URLs (False for ``refresh=1`` or when incremental crawling is off).
        record: write aliases and site state at the end of the run (needs the store).
        """
        self.store = store
        self.inc = inc
        self.check = check
        self.record = record
        self._aliases: dict[str, str] = {}
        # Stored URLs met in this run (bounded like the spider's own seen-set): a URL skipped from the RSS
        # feed is not asked again, and is counted once, when the sitemap names it later.
        self._stored: dict[str, datetime] = {}
        self._block_pages: set[str] = set()  # stored URLs whose text is a challenge page's: fetched again
        self._feed_texts: set[str] = set()  # stored URLs whose text is their feed item's: fetched again
        self._skipped: set[str] = set()
        self._warned = False

    @classmethod
    def from_crawler(cls, crawler: Any, *, refresh: bool = False) -> IncrementalFilter:
        """Build from the crawl's settings and store; close with the spider (``spider_closed``)."""
        settings = crawler.settings
        store = CrawlStore.from_crawler(crawler)
        storing = store.enabled and _stores(settings)
        incremental = settings.getbool("KZNEWS_INCREMENTAL", True)
        component = cls(
            store,
            lambda key: crawler.stats.inc_value(key),
            check=storing and incremental and not refresh,
            record=storing,
        )
        crawler.signals.connect(component.spider_closed, signal=signals.spider_closed)
        return component

    # --- deciding ------------------------------------------------------------------------------------

    async def select(
        self, candidates: Sequence[Candidate], *, trust_lastmod: bool = False
    ) -> list[Candidate]:
        """The candidates to fetch: those not stored, stored as a challenge page or from the feed, and stored
        ones whose ``when`` is newer than our fetch.

        Args:
            candidates: normalized article URLs of one discovery page.
            trust_lastmod: ``when`` is a modification date (sitemap lastmod), not a publication date.
        """
        if not self.check or not candidates:
            return list(candidates)
        # Every URL asked once per run: the spider never offers a URL again once it chose to fetch it.
        known = (self._stored, self._block_pages, self._feed_texts)
        asked = [c.url for c in candidates if not any(c.url in urls for urls in known)]
        for url, stored in (await self._lookup(asked)).items():
            if stored.text is not None and is_block_text(stored.title, stored.text):
                self._block_pages.add(url)  # not known: fetched like a new URL, and counted once
                self.inc(runstats.REFETCH_BLOCK_PAGE)
                logger.info("stored text of %s is a challenge page: fetching it again", url)
            elif stored.from_feed:
                self._feed_texts.add(url)  # likewise: the page may be there to read now
                self.inc(runstats.REFETCH_FEED_TEXT)
            else:
                self._stored[url] = stored.seen_at
        fetch = []
        for candidate in candidates:
            fetched = self._stored.get(candidate.url)
            if fetched is None:
                fetch.append(candidate)
            elif trust_lastmod and candidate.when is not None and candidate.when > fetched:
                self.inc(runstats.REFETCH_LASTMOD)
                fetch.append(candidate)
            elif candidate.url not in self._skipped:
                self._skipped.add(candidate.url)
                self.inc(runstats.SKIPPED_KNOWN)
        return fetch

    def note_redirect(self, requested: str, final: str) -> None:
        """Remember that ``requested`` led to ``final``: stored as an alias at the end of the run."""
        if self.record and requested != final:
            self._aliases[requested] = final

    async def _lookup(self, urls: list[str]) -> dict[str, StoredUrl]:
        from db.state import stored_urls

        if not urls:
            return {}
        try:  # short stored articles come with their text: block pages are short (BLOCK_TEXT_MAX_WORDS)
            return await self.store.read(partial(stored_urls, short_words=BLOCK_TEXT_MAX_WORDS), urls) or {}
        except SQLAlchemyError as exc:  # no schema yet, database down: fetching again is the safe side
            self.inc(runstats.LOOKUP_ERRORS)
            if not self._warned:
                self._warned = True
                logger.warning("incremental lookup failed, fetching every candidate: %s", exc)
            return {}

    # --- end of run ----------------------------------------------------------------------------------

    async def spider_closed(self, spider: Any, reason: str) -> None:
        """Store redirect aliases; after a run that finished normally, the site's state too."""
        if not self.record or not self.store.exists():
            return  # nothing was stored: nothing to record, and no database is created for it
        try:
            await self.store.write(self._write_state, spider.profile.name, reason == "finished")
        except (SQLAlchemyError, StoreUnavailable) as exc:  # the run's summary says the database is unusable
            logger.error("could not record the harvest state of %s: %s", spider.name, exc)

    def _write_state(self, session: Session, site: str, succeeded: bool) -> None:
        from db.state import record_success, store_aliases

        now = datetime.now(UTC)
        added = store_aliases(session, self._aliases, now=now)
        if succeeded:
            state = record_success(session, site, finished_at=now, run_id=self.store.run_id)
            logger.info(
                "site %s: run %s recorded, newest article %s (%s); %d redirect aliases",
                site,
                self.store.run_id,
                state.newest_url,
                state.newest_published_at,
                added,
            )


def _stores(settings: Any) -> bool:
    """True when the StoragePipeline is enabled in ITEM_PIPELINES (by path or by class)."""
    for key, order in settings.getwithbase("ITEM_PIPELINES").items():
        name = key if isinstance(key, str) else f"{key.__module__}.{key.__qualname__}"
        if name == STORAGE_PIPELINE and order is not None:
            return True
    return False
