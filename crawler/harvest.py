"""`kznews harvest`: crawl the chosen sites together in one Scrapy process, once or every N minutes.

Every site's crawl is one crawl_runs row, opened and closed by the StoragePipeline; a crawl that cannot even
start (bad archive path, bad argument) gets a failed row here. With ``--every`` each cycle runs in a fresh
child process (``python -m crawler.harvest``) rather than as repeated crawls in one reactor: Twisted's reactor
cannot be restarted, and a fresh process per cycle gives back memory, file descriptors and extraction workers
every time, which matters for a loop meant to run for years; a cycle that crashes is reported and the loop
goes on (its rows, left 'running', are marked failed when the site is next opened). SIGINT/SIGTERM to the
loop is passed on to the running cycle, which finishes its items in flight and stores them (a second signal
forces it, as in Scrapy); the loop then exits.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from crawler.profiles import PROFILES

logger = logging.getLogger(__name__)

DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
DEFAULT_LOG_LEVEL = "WARNING"  # a terminal or a cron mail gets the problems only; -s LOG_LEVEL=INFO for all
PROGRESS_EXTENSION = "crawler.extensions.progress.ProgressExtension"
PROGRESS_ORDER = 510  # next to RunSummaryExtension (500); order does not matter between them
SUMMARY_EXTENSION = "crawler.extensions.summary.RunSummaryExtension"
ENGINE_POLL_S = 0.1  # how often a signal kept during start-up checks whether Scrapy can take it
SLEEP_STEP_S = 0.5  # the loop's sleep granularity: how fast it notices a stop signal between cycles


def parse_duration(text: str) -> timedelta:
    """``90s``, ``30m``, ``2h``, ``1d`` or a sum such as ``1h30m``; ValueError for anything else or zero."""
    cleaned = text.strip().lower()
    parts = re.findall(r"(\d+(?:\.\d+)?)([smhd])", cleaned)
    if not parts or "".join(n + u for n, u in parts) != cleaned:
        raise ValueError(f"not a duration: {text!r} (use e.g. 90s, 30m, 2h, 1d, 1h30m)")
    seconds = sum(float(n) * DURATION_UNITS[u] for n, u in parts)
    if seconds <= 0:
        raise ValueError(f"duration must be positive: {text!r}")
    return timedelta(seconds=seconds)


def resolve_since(value: str | None, now: datetime, tz: str) -> str | None:
    """The spider's ``since`` day: a YYYY-MM-DD as given, or the local day a duration (``2d``) before now."""
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    try:
        delta = parse_duration(value)
    except ValueError:
        raise ValueError(f"--since: expected YYYY-MM-DD or a duration such as 2d, got {value!r}") from None
    return (now - delta).astimezone(ZoneInfo(tz)).date().isoformat()


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


def add_harvest_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``kznews harvest``."""
    parser.add_argument("sites", nargs="*", metavar="SITE", help=f"default: all ({', '.join(PROFILES)})")
    parser.add_argument("--every", metavar="DURATION", help="repeat start to start, e.g. 30m, 2h, 1d, 90s")
    parser.add_argument("--cycles", type=int, metavar="N", help="with --every: stop after N cycles")
    parser.add_argument("--lang", help="editions, e.g. kk,ru (sites without any of them are skipped)")
    parser.add_argument("--since", help="YYYY-MM-DD, or a duration before each cycle's start (e.g. 2d)")
    parser.add_argument("--database-url", help="default: KZNEWS_DATABASE_URL or data/kznews.sqlite3")
    parser.add_argument("--workers", type=int, help="extraction worker processes (default: CPU count)")
    parser.add_argument(
        "-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a Scrapy setting (repeatable)"
    )


def run_harvest(args: argparse.Namespace) -> int:
    """Run ``kznews harvest``: one cycle, or cycles ``--every`` DURATION until stopped.

    Returns:
        0 when every run finished (or the loop was stopped by a signal), 1 when a run failed, 2 for bad usage.
    """
    try:
        plan_jobs(args.sites, args.lang, args.since, datetime.now(UTC))  # fail fast, before any cycle
        interval = parse_duration(args.every) if args.every else None
        if args.cycles is not None and (interval is None or args.cycles < 1):
            raise ValueError("--cycles needs --every and a positive number")
        if any("=" not in item for item in args.set):
            raise ValueError("-s takes NAME=VALUE")
    except ValueError as exc:
        print(f"kznews harvest: error: {exc}", file=sys.stderr)
        return 2
    if interval is None:
        return harvest_once(args)
    return harvest_every(args, interval.total_seconds())


def harvest_every(args: argparse.Namespace, interval: float) -> int:
    """Run a cycle in a child process every ``interval`` seconds (start to start) until stopped."""
    command = [sys.executable, "-m", "crawler.harvest", *_child_arguments(args)]
    state: dict[str, Any] = {"stop": False, "child": None}

    def on_signal(signum: int, _frame: Any) -> None:
        state["stop"] = True
        child = state["child"]
        if child is not None and child.poll() is None:
            child.send_signal(signum)  # a second signal forces the cycle to stop, as Scrapy does

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    cycle = status = 0
    try:
        while not state["stop"]:
            cycle += 1
            began = time.monotonic()
            print(
                f"kznews harvest: cycle {cycle} starts at {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC",
                flush=True,
            )
            # Its own session: a terminal's Ctrl-C reaches this loop only, which passes it on exactly once.
            state["child"] = child = subprocess.Popen(command, start_new_session=True)
            if state["stop"]:  # the signal came while the child was being started
                child.send_signal(signal.SIGTERM)
            status = child.wait()
            state["child"] = None
            if status:
                print(
                    f"kznews harvest: cycle {cycle} ended with status {status}", file=sys.stderr, flush=True
                )
            if args.cycles and cycle >= args.cycles:
                break
            while not state["stop"] and (left := began + interval - time.monotonic()) > 0:
                time.sleep(min(left, SLEEP_STEP_S))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0 if state["stop"] or status == 0 else 1  # a cycle killed by a signal has a negative status


def _child_arguments(args: argparse.Namespace) -> list[str]:
    """The command line of one cycle: the same options without --every / --cycles."""
    argv = list(args.sites)
    for option in ("lang", "since", "database_url", "workers"):
        if getattr(args, option) is not None:
            argv += [f"--{option.replace('_', '-')}", str(getattr(args, option))]
    for item in args.set:
        argv += ["-s", item]
    return argv


def build_settings(args: argparse.Namespace) -> Any:
    """The project settings with the harvest's defaults, then the command line's options on top."""
    from scrapy.utils.project import get_project_settings

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    settings = get_project_settings()
    settings.set("LOG_LEVEL", DEFAULT_LOG_LEVEL, priority="cmdline")
    # One table for all sites at the end instead of a summary per spider; the live line on terminals only
    # (components are added or removed rather than switched off: a disabled one logs a warning per crawl).
    extensions = dict(settings.getdict("EXTENSIONS"))
    extensions[SUMMARY_EXTENSION] = None
    if sys.stdout.isatty():
        extensions[PROGRESS_EXTENSION] = PROGRESS_ORDER
        settings.set("KZNEWS_PROGRESS_ENABLED", True, priority="cmdline")
    settings.set("EXTENSIONS", extensions, priority="cmdline")
    if args.database_url:
        settings.set("KZNEWS_DATABASE_URL", args.database_url, priority="cmdline")
    if args.workers is not None:
        settings.set("KZNEWS_EXTRACT_WORKERS", args.workers, priority="cmdline")
    for item in args.set:
        name, _, value = item.partition("=")
        settings.set(name.strip(), value, priority="cmdline")
    return settings


def harvest_once(args: argparse.Namespace) -> int:
    """One cycle in this process: every job's crawler in one CrawlerProcess, then the summary table."""
    from scrapy.crawler import CrawlerProcess

    from crawler.extensions.summary import format_summary
    from db.repository import run_outcome

    jobs, notes = plan_jobs(args.sites, args.lang, args.since, datetime.now(UTC))
    settings = build_settings(args)
    busy = _live_runs(settings, [job.site for job in jobs])
    notes += [f"{site}: skipped, still being harvested by {who}" for site, who in busy.items()]
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
        deferred.addErrback(_start_failed, job.site, crawler, settings, start_errors)
    arm()
    process.start()
    results = []
    for site, crawler in crawlers.items():
        stats = dict(crawler.stats.get_stats()) if crawler.stats is not None else {}
        if site in start_errors:
            stats.setdefault("finish_reason", "not_started")
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
        from twisted.internet import reactor, task

        def replay_when_running() -> None:
            if not received:  # Scrapy's handlers are in place by now: nothing more to do
                poll.stop()
            elif all(_engine_running(crawler) for crawler in process.crawlers):
                poll.stop()
                os.kill(os.getpid(), received[0])

        poll = task.LoopingCall(replay_when_running)
        # Once the reactor runs; the first check comes after the startup triggers (Scrapy's handlers).
        reactor.callWhenRunning(lambda: poll.start(ENGINE_POLL_S, now=False))

    return arm


def _engine_running(crawler: Any) -> bool:
    try:
        return bool(crawler.engine.running)
    except RuntimeError:  # no engine yet
        return False


def _start_failed(failure: Any, site: str, crawler: Any, settings: Any, errors: dict[str, str]) -> None:
    """Errback of a crawl that failed outside the spider's run (no spider, no engine): record it as failed."""
    error = f"could not start: {failure.type.__name__}: {failure.value}"
    errors[site] = error
    logger.error("%s %s", site, error, exc_info=failure.value)
    stats = crawler.stats.get_stats() if crawler.stats is not None else {}
    if "start_time" in stats:  # the spider was opened: the StoragePipeline closes its run row
        return
    _record_failed_run(settings, site, error)


def _record_failed_run(settings: Any, site: str, error: str) -> None:
    if not settings.getbool("KZNEWS_STORAGE_ENABLED", True):
        return
    from db.migrate import open_database
    from db.repository import STAT_FAILED_REASON, finish_run, start_run
    from pipelines.scrapy_adapters import run_owner

    try:
        factory = open_database(settings.get("KZNEWS_DATABASE_URL"))
        try:
            with factory.begin() as session:
                run_id = start_run(session, site, site, owner=run_owner())
                stats = {"finish_reason": "not_started", STAT_FAILED_REASON: error}
                finish_run(session, run_id, "failed", stats)
        finally:
            factory.kw["bind"].dispose()
    except Exception:  # the database is the problem: the error is on stderr already
        logger.exception("could not record the failed start of %s", site)


def _live_runs(settings: Any, sites: list[str]) -> dict[str, str]:
    """Sites whose last run is still going in a live process on this host (one harvester per site)."""
    if not settings.getbool("KZNEWS_STORAGE_ENABLED", True):
        return {}
    from db.migrate import open_database
    from db.repository import running_runs
    from pipelines.scrapy_adapters import owner_alive

    try:
        factory = open_database(settings.get("KZNEWS_DATABASE_URL"))
    except Exception:  # unreachable now: each crawl reports it as its own failed run
        return {}
    try:
        with factory() as session:
            return {
                site: f"run {run.id} (pid {run.stats.get('pid')})"
                for site in sites
                for run in running_runs(session, site)
                if owner_alive(run.stats or {})
            }
    finally:
        factory.kw["bind"].dispose()


TABLE_COLUMNS = (
    "site",
    "status",
    "stored",
    "updated",
    "unchanged",
    "dropped",
    "http errors",
    "blocked",
    "time",
)


def format_table(results: Sequence[tuple[str, str, str | None, dict[str, Any]]]) -> str:
    """One row per site (counters as in crawl_runs), then dropped-by-reason and failure notes.

    Args:
        results: (site, status, why it failed or None, the crawl's Scrapy stats) per site.
    """
    from db.repository import run_counters

    rows, notes = [TABLE_COLUMNS], []
    for site, status, why, stats in results:
        counters = run_counters(stats)
        seconds = int(float(stats.get("elapsed_time_seconds", 0)))
        elapsed = f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        dropped = counters["dropped"]
        numbers = [counters[k] for k in ("stored", "updated", "unchanged")] + [sum(dropped.values())]
        numbers += [counters["http_errors"], counters["blocked"]]
        rows.append((site, status, *map(str, numbers), elapsed))
        if dropped:
            notes.append(f"  {site} dropped: " + ", ".join(f"{r} {n}" for r, n in sorted(dropped.items())))
        if why:
            notes.append(f"  {site} failed: {why}")
    widths = [max(len(row[i]) for row in rows) for i in range(len(TABLE_COLUMNS))]
    lines = [
        "  ".join(
            cell.ljust(w) if i < 2 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    return "\n".join(["kznews harvest summary", *lines, *notes])


def main(argv: list[str] | None = None) -> int:
    """``python -m crawler.harvest [SITE...] [options]``: ``kznews harvest``, and one cycle of its loop."""
    parser = argparse.ArgumentParser(prog="kznews harvest", description=__doc__.splitlines()[0])
    add_harvest_arguments(parser)
    return run_harvest(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
