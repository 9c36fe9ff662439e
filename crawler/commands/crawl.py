"""`scrapy crawl <site>`: Scrapy's crawl command whose exit status tells the truth.

Bad input (an unknown spider, a bad ``-a`` argument, an unusable database URL) is one line on stderr and
exit 2, before Scrapy even starts logging; a run recorded as failed (pipelines.runstats.run_outcome: no
response, the database unusable, the workers broken, blocked throughout) exits 1, as does a crawl that could
not start. Scrapy's own command exits non-zero only in the last case.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from scrapy.commands import crawl
from scrapy.exceptions import UsageError
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.spiderloader import get_spider_loader

from pipelines.runstats import run_outcome

DATABASE_URL = "KZNEWS_DATABASE_URL"
BAD_INPUT = 2


class Command(crawl.Command):
    """``scrapy crawl``: input checked first; exit status 0 finished, 1 failed run, 2 bad input."""

    def long_desc(self) -> str:
        """Scrapy's description plus the exit statuses."""
        return f"{self.short_desc()}. Exit status: 0 finished, 1 failed run, 2 bad input."

    def process_options(self, args: list[str], opts: Any) -> None:
        """Scrapy's options, then the spider name, its ``-a`` arguments and the database URL checked (exit 2:
        one line on stderr). Runs before the crawler process exists, so nothing else is printed first."""
        super().process_options(args, opts)
        if len(args) != 1:
            return  # run() says how to call it
        try:
            check_input(self.settings, args[0], opts.spargs)
        except ValueError as exc:  # DatabaseUrlError too
            print(f"scrapy crawl: error: {exc}", file=sys.stderr, flush=True)
            raise SystemExit(BAD_INPUT) from None

    def run(self, args: list[str], opts: Any) -> None:
        """Run the crawl as Scrapy does; exit status 1 when its run failed or could not start."""
        if len(args) != 1:
            raise UsageError("give one spider name, e.g. scrapy crawl kazinform (scrapy list names them)")
        assert self.crawler_process is not None
        crawler = self.crawler_process.create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        stats = crawler.stats.get_stats() if crawler.stats is not None else {}
        failed = self.crawler_process.bootstrap_failed or run_outcome(stats)[0] == "failed"
        self.exitcode = 1 if failed else 0


def check_input(settings: Any, name: str, arguments: dict[str, str]) -> None:
    """Refuse an unknown spider, a bad spider argument or an unusable database URL.

    Raises:
        ValueError: one line naming the input and the fix.
    """
    loader = get_spider_loader(settings)
    if name not in loader.list():
        raise ValueError(f"no spider {name!r}; spiders: {', '.join(sorted(loader.list()))} (scrapy list)")
    parse_arguments = getattr(loader.load(name), "parse_arguments", None)
    if parse_arguments is not None:  # a NewsSpider: the parser its __init__ uses
        parse_arguments(arguments)
    if settings.getbool("KZNEWS_STORAGE_ENABLED", True):
        from db.urls import check_database_url

        check_database_url(settings.get(DATABASE_URL), database_url_source(settings))


def database_url_source(settings: Any) -> str:
    """Where KZNEWS_DATABASE_URL came from, for a message: ``-s``, the environment or the default."""
    if (settings.getpriority(DATABASE_URL) or 0) >= SETTINGS_PRIORITIES["cmdline"]:
        return f"-s {DATABASE_URL}"
    return DATABASE_URL if os.environ.get(DATABASE_URL) else "the default"
