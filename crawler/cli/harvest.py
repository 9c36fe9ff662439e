"""`kznews harvest [SITE...]`: crawl the sites into the database, once or every DURATION."""

from __future__ import annotations

import argparse
import json
import os
import sys

from crawler.cli.options import (
    DATABASE_URL_ENV,
    BadInput,
    add_database_url,
    database_url,
    positive_number,
    whole_number,
)

CYCLE_SETTINGS_ENV = "KZNEWS_CYCLE_SETTINGS"  # the -s settings of an --every loop, as JSON, for its cycles


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``kznews harvest``."""
    parser.add_argument("sites", nargs="*", metavar="SITE", help="default: every site (`scrapy list`)")
    parser.add_argument("--every", metavar="DURATION", help="repeat start to start, e.g. 30m, 2h, 1d, 90s")
    parser.add_argument(
        "--cycles", type=positive_number, metavar="N", help="with --every: stop after N cycles"
    )
    parser.add_argument("--lang", help="editions, e.g. kk,ru (sites without any of them are skipped)")
    parser.add_argument("--since", help="YYYY-MM-DD, or a duration before each cycle's start (e.g. 2d)")
    add_database_url(parser)
    parser.add_argument(
        "--workers", type=whole_number, help="extraction worker processes, 0: none (default: CPU count)"
    )
    parser.add_argument(
        "-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="a Scrapy setting (repeatable)"
    )


def run(args: argparse.Namespace) -> int:
    """Run one cycle, or cycles ``--every`` DURATION until stopped.

    Returns:
        0 when every run finished (or the loop was stopped by a signal), 1 when a run failed.

    Raises:
        BadInput, db.urls.DatabaseUrlError: bad usage, refused before anything runs (exit 2).
    """
    from datetime import UTC, datetime

    from crawler.harvest import build_settings, harvest_once, parse_duration, plan_jobs
    from db.urls import check_database_url

    try:
        jobs, notes = plan_jobs(args.sites, args.lang, args.since, datetime.now(UTC))  # fail fast
        interval = parse_duration(args.every) if args.every else None
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    if args.cycles is not None and interval is None:
        raise BadInput("--cycles needs --every (e.g. --every 1h --cycles 3)")
    if bad := next((item for item in args.set if "=" not in item), None):
        raise BadInput(f"-s takes NAME=VALUE, got {bad!r}")
    given = {name.strip(): value for name, value in (item.split("=", 1) for item in args.set)}
    if DATABASE_URL_ENV in given:  # -s wins over --database-url (crawler.harvest.build_settings)
        check_database_url(given[DATABASE_URL_ENV], f"-s {DATABASE_URL_ENV}")
    else:
        database_url(args)
    if interval is not None:
        from crawler.harvestloop import harvest_every

        argv, environment = cycle_arguments(args)
        return harvest_every(argv, interval.total_seconds(), args.cycles, environment)
    overrides = json.loads(os.environ.pop(CYCLE_SETTINGS_ENV, "{}"))  # from the --every loop, if any
    overrides |= given
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
