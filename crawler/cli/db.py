"""`kznews db upgrade`: database maintenance."""

from __future__ import annotations

import argparse

from crawler.cli.options import add_database_url, database_url

UPGRADE_EXAMPLE = """example:
  kznews db upgrade --database-url postgresql://kznews@localhost/kznews
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``db`` subcommands."""
    sub = parser.add_subparsers(dest="db_command", required=True, metavar="DB_COMMAND")
    upgrade = sub.add_parser(
        "upgrade",
        help="apply the schema migrations",
        description="Apply the schema migrations to the database (they also run on first use).",
        epilog=UPGRADE_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_database_url(upgrade)
    upgrade.add_argument("--url", dest="database_url", help=argparse.SUPPRESS)  # the old spelling
    upgrade.set_defaults(prog=upgrade.prog)  # errors read "kznews db upgrade: error: ..."


def run(args: argparse.Namespace) -> int:
    """Apply the Alembic migrations to the database."""
    from db.migrate import upgrade

    print(f"database at revision {upgrade(database_url(args))}")
    return 0
