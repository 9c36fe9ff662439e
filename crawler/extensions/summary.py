"""RunSummaryExtension: at spider close, print what the run stored per edition and dropped per reason."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.runview import format_summary
from pipelines import runstats

logger = logging.getLogger(__name__)


class RunSummaryExtension:
    """Prints ``format_summary`` at spider close (setting KZNEWS_SUMMARY_ENABLED, default True)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunSummaryExtension:
        """Connect to spider_closed unless KZNEWS_SUMMARY_ENABLED is False."""
        if not crawler.settings.getbool("KZNEWS_SUMMARY_ENABLED", True):
            raise NotConfigured  # bare: Scrapy logs a NotConfigured message as a WARNING
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider: Any, reason: str) -> None:
        """Print the summary to stdout (the user's terminal or cron mail) and the log."""
        stats = dict(self.crawler.stats.get_stats())
        stats.setdefault(runstats.FINISH_REASON, reason)
        summary = format_summary(spider.name, stats)
        logger.info("%s", summary)
        print(summary, flush=True)
