"""`kznews reprocess`."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``kznews reprocess``."""
    from crawler.reprocess import add_reprocess_arguments

    add_reprocess_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Run ``kznews reprocess``."""
    from crawler.reprocess import run_reprocess

    return run_reprocess(args)
