"""`kznews sites`: the table of built-in and KZNEWS_SITES_FILE sites, as text or the README's Markdown."""

from __future__ import annotations

import argparse
import os

SITES_FILE_ENV = "KZNEWS_SITES_FILE"  # crawler.profiles.userfile.SITES_FILE_ENV; --help imports nothing


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``kznews sites``."""
    parser.add_argument("--markdown", action="store_true", help="print the Markdown table (as in the README)")
    parser.add_argument(
        "--sites-file",
        metavar="PATH",
        help=f"TOML file of user-defined sites to check and show (default: ${SITES_FILE_ENV})",
    )


def run(args: argparse.Namespace) -> int:
    """Print the table (a bad sites file raises SitesFileError, one line from the ``kznews`` entry point)."""
    if args.sites_file:
        os.environ[SITES_FILE_ENV] = args.sites_file  # read as the registry is built, as spiders read it
    from crawler.profiles import render_sites_table  # reads the file: a SitesFileError is one line (main)

    print(render_sites_table(markdown=args.markdown), end="", flush=True)
    return 0
