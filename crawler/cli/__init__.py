"""The `kznews` command: a table of subcommands, each in its own module under crawler/cli/, imported lazily.

Only the module of the subcommand being run is imported (``kznews --help`` imports none), so help and usage
errors answer at once. Each module has ``add_arguments(parser)`` and ``run(args) -> int``; the work itself
lives in plain functions in the layer that owns it.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMANDS: dict[str, tuple[str, str]] = {
    "extract": ("crawler.cli.extract", "extract clean articles from saved pages (JSON Lines)"),
    "demo": ("crawler.cli.demo", "offline: replay the saved Kazinform pages into the database"),
    "harvest": ("crawler.cli.harvest", "crawl the sites into the database, once or --every DURATION"),
    "report": ("crawler.cli.report", "per-site harvest health from run records; exit 1 on drift"),
    "export": ("crawler.cli.export", "stream stored articles as JSON Lines, CSV or Parquet"),
    "reprocess": ("crawler.cli.reprocess", "clean the archived pages of stored articles again"),
    "db": ("crawler.cli.db", "database maintenance"),
    "fixture": ("crawler.cli.fixture", "fixture pages: regenerate a golden and show the diff"),
}
"""Subcommand -> (module, one-line help)."""

DESCRIPTION = (
    "kznews harvests Kazakh news sites into a clean, dated, deduplicated corpus. "
    "Run `kznews COMMAND --help` for a command's options."
)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every subcommand; only ``command``'s module is imported to add its options."""
    parser = argparse.ArgumentParser(prog="kznews", description=DESCRIPTION)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        if name == command:
            module = importlib.import_module(module_name)
            module.add_arguments(command_parser)
            command_parser.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `kznews` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((arg for arg in argv if not arg.startswith("-")), None)
    args = build_parser(command if command in COMMANDS else None).parse_args(argv)
    return args.run(args)
