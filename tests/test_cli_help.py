"""`kznews --help` and each subcommand's help: user text, an example each, one option name, fast imports."""

import argparse
import subprocess
import sys

import pytest

from crawler.cli import COMMANDS, build_parser

HEAVY = (
    "sqlalchemy",
    "scrapy",
    "twisted",
    "trafilatura",
    "lxml",
    "pyarrow",
    "psycopg",
    "redis",
    "db",
    "pipelines",
)
"""Packages whose import costs a --help tenths of a second (bench/cli_help.py has the figures)."""


def help_text(*argv: str) -> str:
    """What ``kznews ARGV --help`` prints."""
    parser = build_parser(argv[0] if argv else None)
    with pytest.raises(SystemExit) as exited:
        parser.parse_args([*argv, "--help"])
    assert exited.value.code == 0
    return parser.format_help() if not argv else _subparser(parser, argv).format_help()


def _subparser(parser: argparse.ArgumentParser, argv: tuple[str, ...]) -> argparse.ArgumentParser:
    for name in argv:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = action.choices[name]
    return parser


def test_top_level_help_opens_with_what_kznews_does_for_a_user(capsys):
    text = help_text()
    description = text.split("\n\n")[1]
    assert description.startswith("Harvest Kazakh news sites")
    assert "argparse" not in text and "function" not in text
    assert "first steps:" in text and "kznews demo" in text


@pytest.mark.parametrize("argv", [(name,) for name in COMMANDS] + [("db", "upgrade"), ("fixture", "rerun")])
def test_every_command_has_a_description_and_an_example(argv, capsys):
    text = help_text(*argv)
    usage, description, *_ = text.split("\n\n")
    assert usage.startswith(f"usage: kznews {' '.join(argv)}")
    assert description.strip() and not description.lstrip().startswith(("positional", "options"))
    assert "\nexample:\n  kznews " in text or "\nexamples:\n  kznews " in text, text


def test_the_database_option_has_one_name_on_every_command():
    shown = set()
    for argv in [(name,) for name in COMMANDS if name not in ("db", "fixture")] + [("db", "upgrade")]:
        parser = _subparser(build_parser(argv[0]), argv)
        shown |= {
            option
            for action in parser._actions
            if action.dest == "database_url" and action.help != argparse.SUPPRESS
            for option in action.option_strings
        }
    assert shown == {"--database-url"}


def test_db_upgrade_keeps_url_as_a_hidden_alias():
    args = build_parser("db").parse_args(["db", "upgrade", "--url", "sqlite://"])
    assert args.database_url == "sqlite://"


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_imports_nothing_heavy(command):
    code = (
        "import sys\nfrom crawler.cli import build_parser\n"
        f"build_parser({command!r})\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", f"kznews {command or ''} --help imports {done.stdout.strip()}"
