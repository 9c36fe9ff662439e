"""`kznews export`."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``kznews export``."""
    from db.export import add_export_arguments

    add_export_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Run ``kznews export``."""
    from db.export import run_export

    return run_export(args)
