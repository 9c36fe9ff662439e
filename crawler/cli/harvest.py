"""`kznews harvest [SITE...]`: crawl the sites into the database, once or every DURATION."""

from __future__ import annotations

import argparse
import json
import os
import sys

from crawler.cli.options import add_database_url

DATABASE_URL_ENV = "KZNEWS_DATABASE_URL"  # read by crawler/settings.py when no option or -s sets it
CYCLE_SETTINGS_ENV = "KZNEWS_CYCLE_SETTINGS"  # the -s settings of an --every loop, as JSON, for its cycles


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``kznews harvest``."""
    parser.add_argument("sites", nargs="*", metavar="SITE", help="default: every site (`scrapy list`)")
    parser.add_argument("--every", metavar="DURATION", help="repeat start to start, e.g. 30m, 2h, 1d, 90s")
    parser.add_argument("--cycles", type=int, metavar="N", help="with --every: stop after N cycles")
    parser.add_argument("--lang", help="editions, e.g. kk,ru (sites without any of them are skipped)")
    parser.add_argument("--since", help="YYYY-MM-DD, or a duration before each cycle's start (e.g. 2d)")
    add_database_url(parser)
    parser.add_argument("--workers", type=int, help="extraction worker processes (default: CPU count)")
    parser.add_argument(
        "-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a Scrapy setting (repeatable)"
    )


def run(args: argparse.Namespace) -> int:
    """Run one cycle, or cycles ``--every`` DURATION until stopped.

    Returns:
        0 when every run finished (or the loop was stopped by a signal), 1 when a run failed, 2 for bad usage.
    """
    from datetime import UTC, datetime

    from crawler.harvest import build_settings, harvest_once, parse_duration, plan_jobs

    try:
        jobs, notes = plan_jobs(args.sites, args.lang, args.since, datetime.now(UTC))  # fail fast
        interval = parse_duration(args.every) if args.every else None
        if args.cycles is not None and (interval is None or args.cycles < 1):
            raise ValueError("--cycles needs --every and a positive number")
        if any("=" not in item for item in args.set):
            raise ValueError("-s takes NAME=VALUE")
    except ValueError as exc:
        print(f"kznews harvest: error: {exc}", file=sys.stderr)
        return 2
    if interval is not None:
        from crawler.harvestloop import harvest_every

        argv, environment = cycle_arguments(args)
        return harvest_every(argv, interval.total_seconds(), args.cycles, environment)
    overrides = json.loads(os.environ.pop(CYCLE_SETTINGS_ENV, "{}"))  # from the --every loop, if any
    overrides |= {name.strip(): value for name, value in (item.split("=", 1) for item in args.set)}
    settings = build_settings(args.database_url, args.workers, overrides, progress=sys.stdout.isatty())
    return harvest_once(jobs, notes, settings)


def cycle_arguments(args: argparse.Namespace) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of one cycle: the same options without --every / --cycles.

    The database URL and the ``-s`` settings (a Redis URL, a password) go by environment, never by argv,
    where ``ps`` would show them to every user of the machine.
    """
    argv = list(args.sites)
    for option in ("lang", "since", "workers"):
        if getattr(args, option) is not None:
            argv += [f"--{option}", str(getattr(args, option))]
    environment = {CYCLE_SETTINGS_ENV: json.dumps(dict(item.split("=", 1) for item in args.set))}
    if args.database_url is not None:
        environment[DATABASE_URL_ENV] = args.database_url
    return argv, environment
