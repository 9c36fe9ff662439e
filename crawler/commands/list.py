"""`scrapy list`: Scrapy's command, with a bad KZNEWS_SITES_FILE as one line and exit 2 (no traceback)."""

from __future__ import annotations

import sys
from typing import Any

from scrapy.commands import list as scrapy_list

from crawler.usererrors import SitesFileError

BAD_INPUT = 2


class Command(scrapy_list.Command):
    """``scrapy list``: the spiders, the sites file's included; its errors are one line."""

    def run(self, args: list[str], opts: Any) -> None:
        """List the spiders as Scrapy does; a bad sites file is one line on stderr and exit status 2."""
        try:
            super().run(args, opts)
        except SitesFileError as exc:
            print(f"scrapy list: error: {exc}", file=sys.stderr, flush=True)
            self.exitcode = BAD_INPUT
