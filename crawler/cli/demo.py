"""`kznews demo`: the offline main job, a replay of the saved fixture site into the database."""

from __future__ import annotations

import argparse

from crawler.cli.options import add_database_url, check_sites, database_url, whole_number


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``kznews demo``."""
    parser.add_argument("--site", default="kazinform", help="which saved site to replay (default kazinform)")
    add_database_url(parser)
    parser.add_argument(
        "--workers", type=whole_number, help="extraction worker processes, 0: none (default: CPU count)"
    )


def run(args: argparse.Namespace) -> int:
    """Replay the saved fixture site into the database; print the run summary and what to try next.

    Raises:
        BadInput, db.urls.DatabaseUrlError: an unknown site or an unusable database URL (exit 2), refused
            before anything is packed or crawled.
    """
    check_sites([args.site])
    url = database_url(args)
    from crawler.demo import run_demo

    return run_demo(args.site, url, args.workers)
