"""`kznews harvest`."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``kznews harvest``."""
    from crawler.harvest import add_harvest_arguments

    add_harvest_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Run ``kznews harvest``."""
    from crawler.harvest import run_harvest

    return run_harvest(args)
