"""RunSummaryExtension: at spider close, print what the run stored per edition and dropped per reason."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)


def format_summary(name: str, stats: dict[str, Any]) -> str:
    """A plain-text table of the kznews/* counters of one run."""

    def rows(prefix: str) -> list[tuple[str, int]]:
        return sorted((k.removeprefix(prefix), v) for k, v in stats.items() if k.startswith(prefix))

    lines = [f"kznews run summary: {name} ({stats.get('finish_reason', 'unknown')})"]
    lines.append(f"  pages fetched      {stats.get('response_received_count', 0)}")
    lines.append(f"  article pages      {stats.get('kznews/article_pages', 0)}")
    lines.append(f"  already stored     {stats.get('kznews/skipped/known', 0)} (not fetched again)")
    lines.append(f"  stored (new)       {stats.get('kznews/stored', 0)}")
    lines.append(f"  updated            {stats.get('kznews/updated', 0)}")
    lines.append(f"  unchanged          {stats.get('kznews/unchanged', 0)}")
    for edition, count in rows("kznews/stored/"):
        lines.append(f"    stored [{edition}]{' ' * max(1, 11 - len(edition))}{count}")
    for reason, count in rows("kznews/dropped/"):
        lines.append(f"  dropped: {reason:<18}{count}")
    if blocked := stats.get("kznews/blocked", 0):
        lines.append(f"  BLOCKED: the site answered {blocked} request(s) with an anti-bot challenge page")
    return "\n".join(lines)


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
        stats.setdefault("finish_reason", reason)
        summary = format_summary(spider.name, stats)
        logger.info("%s", summary)
        print(summary, flush=True)
