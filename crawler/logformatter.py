"""QuietLogFormatter: Scrapy's log formatter, minus the per-page DEBUG records nobody will see and minus the
page in every item message."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.logformatter import LogFormatter

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler


MAX_URL_CHARS = 300


class QuietLogFormatter(LogFormatter):
    """Skip the "Crawled" and "Scraped" DEBUG messages when LOG_LEVEL is above DEBUG.

    Scrapy leaves the root logger at NOTSET and filters by LOG_LEVEL in its handler, so both records were
    built (request, referer, flags) for every page and then thrown away: ~2% of the crawl process's CPU
    in a replay (bench/crawl.py profile). Returning None is Scrapy's documented way to skip a message.
    """

    def __init__(self, level: int = logging.DEBUG) -> None:
        super().__init__()
        self.quiet = level > logging.DEBUG

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Read LOG_LEVEL (a name such as "INFO" or a number)."""
        level = crawler.settings.get("LOG_LEVEL", "DEBUG")
        number = level if isinstance(level, int) else logging.getLevelName(str(level).upper())
        return cls(number if isinstance(number, int) else logging.DEBUG)

    def crawled(self, request: Any, response: Any, spider: Any) -> Any:
        """Scrapy's message, or None when DEBUG is not logged."""
        return None if self.quiet else super().crawled(request, response, spider)

    def scraped(self, item: Any, response: Any, spider: Any) -> Any:
        """Scrapy's message naming the item by URL, or None when DEBUG is not logged."""
        return None if self.quiet else super().scraped(item_label(item), response, spider)

    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any) -> Any:
        """Scrapy's message, the item named by URL: never the page's body or text in a log line."""
        return super().dropped(item_label(item), exception, response, spider)

    def item_error(self, item: Any, exception: BaseException, response: Any, spider: Any) -> Any:
        """Scrapy's message, the item named by URL (the traceback follows it)."""
        return super().item_error(item_label(item), exception, response, spider)


def item_label(item: Any) -> str:
    """``<RawPage https://...>``: what a log line says of an item (a RawPage holds the whole page)."""
    url = getattr(item, "url", None)
    return (
        f"<{type(item).__name__} {str(url)[:MAX_URL_CHARS]}>"
        if url is not None
        else f"<{type(item).__name__}>"
    )
