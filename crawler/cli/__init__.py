"""The `kznews` command: a table of subcommands, each in its own module under crawler/cli/, imported lazily.

Only the module of the subcommand being run is imported (``kznews --help`` imports none), so help and usage
errors answer at once. Each module has ``add_arguments(parser)`` and ``run(args) -> int``; the work itself
lives in plain functions in the layer that owns it. Bad input raised by a command (``BadInput``, a bad
database URL) becomes one line on stderr and exit status 2; only an unexpected bug prints a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NamedTuple

from crawler.cli.options import BadInput, OneLineParser
from crawler.usererrors import SitesFileError

EXIT_BAD_INPUT = 2  # as argparse's usage errors


class Command(NamedTuple):
    """A subcommand's module, its one-line summary (the ``kznews --help`` list) and its examples."""

    module: str
    summary: str
    examples: tuple[str, ...]


COMMANDS: dict[str, Command] = {
    "demo": Command(
        "crawler.cli.demo",
        "offline tour: replay the saved Kazinform pages into the database",
        ("kznews demo",),
    ),
    "harvest": Command(
        "crawler.cli.harvest",
        "crawl the news sites into the database, once or --every DURATION",
        ("kznews harvest kazinform --lang kk --since 2d", "kznews harvest --every 1h"),
    ),
    "export": Command(
        "crawler.cli.export",
        "write the stored articles as JSON Lines, CSV or Parquet",
        ("kznews export --site kazinform --since 2026-04-01 -o april.csv",),
    ),
    "report": Command(
        "crawler.cli.report",
        "per-site harvest health and drift alerts (exit 1 when one fires)",
        ("kznews report --days 7 --site tengrinews",),
    ),
    "extract": Command(
        "crawler.cli.extract",
        "clean articles out of saved pages or page texts (JSON Lines)",
        ("kznews extract page.html --url https://www.inform.kz/ru/some-article", "kznews extract *.html.gz"),
    ),
    "reprocess": Command(
        "crawler.cli.reprocess",
        "clean the archived pages of stored articles again with today's rules",
        ("kznews reprocess --site kazinform --since 2026-04-01 --dry-run",),
    ),
    "db": Command("crawler.cli.db", "database maintenance (schema migrations)", ("kznews db upgrade",)),
    "sites": Command(
        "crawler.cli.sites",
        "the sites table: editions, region and discovery of every site (yours too)",
        ("kznews sites", "KZNEWS_SITES_FILE=my-sites.toml kznews sites --markdown"),
    ),
    "fixture": Command(
        "crawler.cli.fixture",
        "(checkout only) regenerate a fixture page's golden and show the diff",
        ("kznews fixture rerun --all --dry-run",),
    ),
}
"""Subcommand -> module, summary, examples; in the order ``kznews --help`` lists them."""

DESCRIPTION = """Harvest Kazakh news sites (Kazakh, Russian, English) into a clean, dated,
deduplicated corpus of articles, and export it."""
EPILOG = """first steps:
  kznews demo                 offline: fill data/kznews.sqlite3 from the saved pages
  kznews export -o out.jsonl  the stored articles, one JSON object a line
  kznews harvest              crawl the live sites (network needed)

Run `kznews COMMAND --help` for a command's options and an example.
"""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every subcommand; only ``command``'s module is imported to add its options."""
    parser = OneLineParser(
        prog="kznews",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, entry in COMMANDS.items():
        command_parser = sub.add_parser(
            name,
            help=entry.summary,
            description=entry.summary[0].upper() + entry.summary[1:] + ".",
            epilog=format_examples(entry.examples),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if name == command:
            module = importlib.import_module(entry.module)
            module.add_arguments(command_parser)
            command_parser.set_defaults(run=module.run, prog=command_parser.prog)
    return parser


def format_examples(examples: Sequence[str]) -> str:
    """A subcommand's epilog: its examples, one a line."""
    return ("example:" if len(examples) == 1 else "examples:") + "".join(f"\n  {line}" for line in examples)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `kznews` console script: bad input is one line ``kznews COMMAND: error: ...``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((arg for arg in argv if not arg.startswith("-")), None)
    prog = f"kznews {command}" if command in COMMANDS else "kznews"
    try:
        args = build_parser(command if command in COMMANDS else None).parse_args(argv)
        prog = args.prog  # a nested command sets its own
        return args.run(args)
    except Exception as exc:
        # Imported here, not at the top: `import db` loads SQLAlchemy, which would slow every --help.
        from db.urls import DatabaseUrlError

        if not isinstance(exc, BadInput | DatabaseUrlError | SitesFileError):
            raise  # a bug: its traceback is what a report needs
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
