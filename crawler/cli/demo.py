"""`kznews demo`: the offline main job, a replay of the saved fixture site into the database."""

from __future__ import annotations

import argparse

from crawler.cli.options import add_database_url, database_url


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``kznews demo``."""
    parser.add_argument("--site", default="kazinform", help="which saved site to replay (default kazinform)")
    add_database_url(parser)
    parser.add_argument("--workers", type=int, help="extraction worker processes (default: CPU count)")


def run(args: argparse.Namespace) -> int:
    """Replay the saved fixture site into the database and print the run summary."""
    from crawler.demo import run_demo

    return run_demo(args.site, database_url(args), args.workers)
