"""Incremental crawling: which discovered article URLs to fetch, and the per-site state kept between runs.

A URL whose article is already stored is skipped, unless its sitemap ``lastmod`` is newer than our last
fetch of it or the crawl runs with ``-a refresh=1``. The database is asked once per discovery page for all
of that page's candidates (``db.state.stored_fetch_times``): memory stays flat however large the corpus.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import signals
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from crawler.spiders.discovery import Candidate

logger = logging.getLogger(__name__)

STAT_KNOWN = "kznews/skipped/known"
STAT_LASTMOD = "kznews/refetch/lastmod"
STAT_LOOKUP_ERRORS = "kznews/incremental/lookup_errors"
STORAGE_PIPELINE = "pipelines.scrapy_adapters.StoragePipeline"


class IncrementalFilter:
    """Decides which candidates are new; records redirect aliases and the site's state when a run succeeds.

    Settings:
        KZNEWS_INCREMENTAL: False fetches every discovered URL (default True). Without the StoragePipeline
            there is no store to be incremental against, and the filter lets everything through.
        KZNEWS_DATABASE_URL: the store the crawl writes to (default: the environment, then
            ``data/kznews.sqlite3``). A SQLite file that does not exist yet means "nothing stored".
    """

    def __init__(self, url: str | None, inc: Callable[[str], object], *, check: bool, record: bool) -> None:
        """Args:
        url: database URL (None: :func:`db.engine.database_url`).
        inc: increments a stats counter by name (the crawler's stats exist only once the crawl starts).
        check: skip stored URLs (False for ``refresh=1`` or when incremental crawling is off).
        record: write aliases and site state at the end of the run (needs the store).
        """
        from db.engine import database_url

        self.url = url or database_url()
        self.inc = inc
        self.check = check
        self.record = record
        self.opened_at = datetime.now(UTC)
        self._engine: Engine | None = None
        self._aliases: dict[str, str] = {}
        # Stored URLs met in this run (bounded like the spider's own seen-set): a URL skipped from the RSS
        # feed is not asked again, and is counted once, when the sitemap names it later.
        self._stored: dict[str, datetime] = {}
        self._skipped: set[str] = set()
        self._warned = False

    @classmethod
    def from_crawler(cls, crawler: Any, *, refresh: bool = False) -> IncrementalFilter:
        """Build from the crawl's settings and close with the spider (``spider_closed``)."""
        settings = crawler.settings
        storing = settings.getbool("KZNEWS_STORAGE_ENABLED", True) and _stores(settings)
        incremental = settings.getbool("KZNEWS_INCREMENTAL", True)
        component = cls(
            settings.get("KZNEWS_DATABASE_URL"),
            lambda key: crawler.stats.inc_value(key),
            check=storing and incremental and not refresh,
            record=storing,
        )
        crawler.signals.connect(component.spider_closed, signal=signals.spider_closed)
        return component

    # --- deciding ------------------------------------------------------------------------------------

    def select(self, candidates: Sequence[Candidate], *, trust_lastmod: bool = False) -> list[Candidate]:
        """The candidates to fetch: those not stored, and stored ones whose ``when`` is newer than our fetch.

        Args:
            candidates: normalized article URLs of one discovery page.
            trust_lastmod: ``when`` is a modification date (sitemap lastmod), not a publication date.
        """
        if not self.check or not candidates:
            return list(candidates)
        # Every URL asked once per run: the spider never offers a URL again once it chose to fetch it.
        self._stored.update(self._lookup([c.url for c in candidates if c.url not in self._stored]))
        fetch = []
        for candidate in candidates:
            fetched = self._stored.get(candidate.url)
            if fetched is None:
                fetch.append(candidate)
            elif trust_lastmod and candidate.when is not None and candidate.when > fetched:
                self.inc(STAT_LASTMOD)
                fetch.append(candidate)
            elif candidate.url not in self._skipped:
                self._skipped.add(candidate.url)
                self.inc(STAT_KNOWN)
        return fetch

    def note_redirect(self, requested: str, final: str) -> None:
        """Remember that ``requested`` led to ``final``: stored as an alias at the end of the run."""
        if self.record and requested != final:
            self._aliases[requested] = final

    def _lookup(self, urls: list[str]) -> dict[str, datetime]:
        from db.engine import make_sessionmaker
        from db.state import stored_fetch_times

        engine = self._connect()
        if engine is None:
            return {}
        try:
            with make_sessionmaker(engine)() as session:
                return stored_fetch_times(session, urls)
        except SQLAlchemyError as exc:  # no schema yet, database down: fetching again is the safe side
            self.inc(STAT_LOOKUP_ERRORS)
            if not self._warned:
                self._warned = True
                logger.warning("incremental lookup failed, fetching every candidate: %s", exc)
            return {}

    def _connect(self) -> Engine | None:
        """The engine, once the database exists (never creates a SQLite file: the StoragePipeline does)."""
        from db.engine import make_engine, normalize_url

        if self._engine is None:
            parsed = normalize_url(make_url(self.url))
            if parsed.get_backend_name() == "sqlite" and not _sqlite_file_exists(parsed.database):
                return None
            self._engine = make_engine(parsed)
        return self._engine

    # --- end of run ----------------------------------------------------------------------------------

    def spider_closed(self, spider: Any, reason: str) -> None:
        """Store redirect aliases; after a run that finished normally, the site's state too."""
        try:
            if self.record:
                self._write_state(spider, reason)
        except SQLAlchemyError as exc:
            logger.error("could not record the harvest state of %s: %s", spider.name, exc)
        finally:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None

    def _write_state(self, spider: Any, reason: str) -> None:
        from db.engine import make_sessionmaker
        from db.state import latest_run_id, record_success, store_aliases

        engine = self._connect()
        if engine is None:
            return
        site = spider.profile.name
        now = datetime.now(UTC)
        with make_sessionmaker(engine, immediate=True).begin() as session:
            added = store_aliases(session, self._aliases, now=now)
            if reason == "finished":
                run_id = latest_run_id(session, site, spider.name, since=self.opened_at)
                state = record_success(session, site, finished_at=now, run_id=run_id)
                logger.info(
                    "site %s: run %s recorded, newest article %s (%s); %d redirect aliases",
                    site,
                    run_id,
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


def _sqlite_file_exists(database: str | None) -> bool:
    if not database or database == ":memory:":
        return False
    if database.startswith("file:"):
        database = database.removeprefix("file:").split("?", 1)[0]
    return Path(database).expanduser().is_file()
