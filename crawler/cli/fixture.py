"""`kznews fixture rerun PAGE | --all`: regenerate the golden of fixture article pages and show the diff."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crawler.cli.options import BadInput

RERUN_EXAMPLES = """examples:
  kznews fixture rerun crawler/fixture_site/kazinform/kk_2026_04_27_astanada-zhana-mektep.html
  kznews fixture rerun --all --dry-run"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``fixture`` subcommands."""
    sub = parser.add_subparsers(dest="fixture_command", required=True, metavar="FIXTURE_COMMAND")
    rerun = sub.add_parser(
        "rerun",
        help="regenerate a page's golden from today's clean_page output and print the diff",
        description="Regenerate the golden of a fixture article page from today's clean_page output, "
        "keeping its human-written keys (crawled, without), and print the unified diff for review.",
        epilog=RERUN_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    target = rerun.add_mutually_exclusive_group(required=True)
    target.add_argument("page", nargs="?", help="a page file under crawler/fixture_site/, or its URL")
    target.add_argument("--all", action="store_true", help="every fixture page that has a golden")
    rerun.add_argument("--dry-run", action="store_true", help="only print the diff; write nothing")
    rerun.add_argument(
        "--goldens", type=Path, metavar="DIR", help="goldens directory (default: tests/fixtures/goldens)"
    )


def run(args: argparse.Namespace) -> int:
    """Rerun the chosen pages; exit 2 on a page that is not a fixture article page (the others still run).

    Raises:
        BadInput: no goldens directory.
    """
    from crawler import goldens
    from crawler.fixturesite import load_manifest

    root = args.goldens or goldens.GOLDENS_DIR
    if not root.is_dir():
        raise BadInput(f"no goldens directory at {root} (goldens live in a checkout; or give --goldens DIR)")
    pages = load_manifest()
    targets = list(goldens.load_goldens(pages, root)) if args.all else [args.page]
    status = 0
    for target in targets:  # one bad page must not keep --all from rerunning the others
        try:
            path, diff = goldens.rerun_golden(goldens.find_page(target, pages), root, write=not args.dry_run)
        except goldens.NotAnArticlePage as exc:
            print(f"kznews fixture: error: {exc}", file=sys.stderr)
            status = 2
            continue
        print(diff or f"{path}: unchanged", end="" if diff else "\n")
    return status
