"""`kznews report`."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``kznews report``."""
    from crawler.report import add_report_arguments

    add_report_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Run ``kznews report``."""
    from crawler.report import run_report

    return run_report(args)
