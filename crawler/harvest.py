"""`kznews harvest`, one cycle: plan the sites' crawls and run them together in one Scrapy process.

Every site's crawl is one crawl_runs row, opened and closed by the crawl's store; a crawl that cannot even
start (bad archive path, bad argument) gets a failed row here. All crawls of the cycle share the process's
one database engine (crawler.store), held here from the first look-up to the end of the last crawl.
"""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crawler.profiles import PROFILES
from crawler.spiders.arguments import parse_duration as parse_duration  # kznews harvest --every
from crawler.spiders.arguments import resolve_since

logger = logging.getLogger(__name__)

DEFAULT_LOG_LEVEL = "WARNING"  # a terminal or a cron mail gets the problems only; -s LOG_LEVEL=INFO for all
PROGRESS_EXTENSION = "crawler.extensions.progress.ProgressExtension"
PROGRESS_ORDER = 510  # next to RunSummaryExtension (500); order does not matter between them
SUMMARY_EXTENSION = "crawler.extensions.summary.RunSummaryExtension"
ENGINE_POLL_S = 0.1  # how often a signal kept during start-up checks whether Scrapy can take it


@dataclass(frozen=True, slots=True)
class Job:
    """One site's crawl in a cycle: its spider name and spider arguments."""

    site: str
    kwargs: dict[str, str] = field(default_factory=dict)


def plan_jobs(
    sites: Sequence[str], lang: str | None, since: str | None, now: datetime
) -> tuple[list[Job], list[str]]:
    """The crawls to run and notes on the sites left out (none of the asked editions).

    Raises:
        ValueError: an unknown site, an edition no chosen site has, or a bad ``since``.
    """
    unknown = [s for s in sites if s not in PROFILES]
    if unknown:
        raise ValueError(f"unknown site(s) {', '.join(unknown)}; sites: {', '.join(PROFILES)}")
    chosen = list(dict.fromkeys(sites)) or list(PROFILES)
    wanted = [part.strip() for part in (lang or "").split(",") if part.strip()]
    missing = [e for e in wanted if not any(e in PROFILES[s].editions for s in chosen)]
    if missing:
        raise ValueError(f"no chosen site has edition(s) {', '.join(missing)}")
    jobs, notes = [], []
    for site in chosen:
        profile = PROFILES[site]
        kwargs: dict[str, str] = {}
        if wanted:
            editions = [e for e in wanted if e in profile.editions]
            if not editions:
                notes.append(f"{site}: skipped, no edition {', '.join(wanted)}")
                continue
            kwargs["lang"] = ",".join(editions)
        if day := resolve_since(since, now, profile.rules.tz):
            kwargs["since"] = day
        jobs.append(Job(site, kwargs))
    return jobs, notes


def build_settings(
    database_url: str | None, workers: int | None, overrides: Mapping[str, str], *, progress: bool
) -> Any:
    """The project settings with the harvest's defaults, then the command line's options on top."""
    from scrapy.utils.project import get_project_settings

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    settings = get_project_settings()
    settings.set("LOG_LEVEL", DEFAULT_LOG_LEVEL, priority="cmdline")
    # One table for all sites at the end instead of a summary per spider; the live line on terminals only
    # (components are added or removed rather than switched off: a disabled one logs a warning per crawl).
    extensions = dict(settings.getdict("EXTENSIONS"))
    extensions[SUMMARY_EXTENSION] = None
    if progress:
        extensions[PROGRESS_EXTENSION] = PROGRESS_ORDER
        settings.set("KZNEWS_PROGRESS_ENABLED", True, priority="cmdline")
    settings.set("EXTENSIONS", extensions, priority="cmdline")
    if database_url:
        settings.set("KZNEWS_DATABASE_URL", database_url, priority="cmdline")
    if workers is not None:
        settings.set("KZNEWS_EXTRACT_WORKERS", workers, priority="cmdline")
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    return settings


def harvest_once(jobs: Sequence[Job], notes: Sequence[str], settings: Any) -> int:
    """One cycle in this process: every job's crawler in one CrawlerProcess, then the summary table.

    Returns:
        0 when every run finished, 1 when one failed.
    """
    from scrapy.crawler import CrawlerProcess

    from crawler.runview import format_summary, format_table
    from crawler.store import StoreUnavailable, acquire, release
    from pipelines.runstats import FINISH_REASON, run_outcome

    database = None
    if settings.getbool("KZNEWS_STORAGE_ENABLED", True):
        try:  # held for the whole cycle: every crawl of it shares this one engine
            database = acquire(settings.get("KZNEWS_DATABASE_URL"))
        except StoreUnavailable as exc:  # each crawl reports it as its own failed run
            logger.warning("database unavailable: %s", exc)
    try:
        busy = _live_runs(database, [job.site for job in jobs])
        notes = [*notes, *(f"{site}: skipped, still being harvested by {who}" for site, who in busy.items())]
        jobs = [job for job in jobs if job.site not in busy]
        for note in notes:
            print(f"kznews harvest: {note}", flush=True)
        if not jobs:
            return 0
        process = CrawlerProcess(settings)
        arm = _stop_on_early_signals(process)  # run rows are opened below, before Scrapy listens for signals
        crawlers, start_errors = {}, {}
        for job in jobs:
            crawler = crawlers[job.site] = process.create_crawler(job.site)
            deferred = process.crawl(crawler, **job.kwargs)
            deferred.addErrback(_start_failed, job.site, crawler, database, start_errors)
        arm()
        process.start()
    finally:
        if database is not None:
            release(database)
    results = []
    for site, crawler in crawlers.items():
        stats = dict(crawler.stats.get_stats()) if crawler.stats is not None else {}
        if site in start_errors:
            stats.setdefault(FINISH_REASON, "not_started")
            status, why = "failed", start_errors[site]
        else:
            status, why = run_outcome(stats)
        logger.info("%s", format_summary(site, stats))
        results.append((site, status, why, stats))
    print(format_table(results), flush=True)
    return 0 if all(status == "finished" for _, status, _, _ in results) else 1


def _stop_on_early_signals(process: Any) -> Callable[[], None]:
    """Keep SIGINT/SIGTERM that come before Scrapy can stop gracefully, and replay them once it can.

    Spiders open, and their run rows are written, before the reactor runs, and Scrapy listens for signals
    only once it runs; even then a stop while an engine is still opening leaves its spider unclosed. A
    signal in that window would kill the process mid-start or strand 'running' rows, so it is kept and
    sent again when every engine runs: Scrapy's usual graceful stop (a second signal still forces it).

    Returns:
        ``arm()``, to call once the crawls are set up (Scrapy has installed its reactor by then).
    """
    received: list[int] = []

    def on_signal(signum: int, _frame: Any) -> None:
        received.append(signum)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, on_signal)

    def arm() -> None:
        from scrapy import signals
        from twisted.internet import reactor, task

        started = _EnginesStarted(process.crawlers, signals.engine_started)

        def replay_when_running() -> None:
            if not received:  # Scrapy's handlers are in place by now: nothing more to do
                poll.stop()
            elif all(crawler in started.crawlers for crawler in process.crawlers):  # failed ones leave it
                poll.stop()
                os.kill(os.getpid(), received[0])

        poll = task.LoopingCall(replay_when_running)
        # Once the reactor runs; the first check comes after the startup triggers (Scrapy's handlers).
        reactor.callWhenRunning(lambda: poll.start(ENGINE_POLL_S, now=False))

    return arm


class _EnginesStarted:
    """The crawlers whose engine has started (Scrapy's engine_started signal)."""

    def __init__(self, crawlers: Any, engine_started: object) -> None:
        self.crawlers: set[Any] = set()
        # Scrapy holds signal receivers weakly: the receivers live as long as this object.
        self.receivers = []
        for crawler in list(crawlers):
            self.receivers.append(receiver := self._receiver(crawler))
            crawler.signals.connect(receiver, signal=engine_started)

    def _receiver(self, crawler: Any) -> Callable[[], None]:
        return lambda: self.crawlers.add(crawler)


def _start_failed(failure: Any, site: str, crawler: Any, database: Any, errors: dict[str, str]) -> None:
    """Errback of a crawl that failed outside the spider's run (no spider, no engine): record it as failed."""
    error = f"could not start: {failure.type.__name__}: {failure.value}"
    errors[site] = error
    logger.error("%s %s", site, error, exc_info=failure.value)
    stats = crawler.stats.get_stats() if crawler.stats is not None else {}
    if "start_time" not in stats and database is not None:  # else its store closes the run row
        database.thread.submit(_record_failed_start, database, site, error)  # done before release()


def _record_failed_start(database: Any, site: str, error: str) -> None:
    from db.runs import finish_run, start_run
    from pipelines import runowner, runstats

    stats = {runstats.FINISH_REASON: "not_started", runstats.FAILED_REASON: error}
    counters = runstats.run_counters(stats).columns()
    try:
        with database.writer.begin() as session:
            run_id = start_run(session, site, site, owner=runowner.run_owner())
            finish_run(session, run_id, "failed", counters, stats)
    except Exception:  # the database is the problem: the error is on stderr already
        logger.exception("could not record the failed start of %s", site)


def _live_runs(database: Any, sites: list[str]) -> dict[str, str]:
    """Sites whose last run is still going in a live process on this host (one harvester per site)."""
    if database is None:
        return {}
    from db.runs import running_runs
    from pipelines.runowner import owner_alive

    with database.reader() as session:
        return {
            site: f"run {run.id} (pid {run.stats.get('pid')})"
            for site in sites
            for run in running_runs(session, site)
            if owner_alive(run.stats or {})
        }
