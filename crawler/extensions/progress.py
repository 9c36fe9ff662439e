"""ProgressExtension: one live status line on a terminal for all the crawls of a process, redrawn with \\r."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.runview import progress_line, progress_totals

DEFAULT_INTERVAL_S = 2.0
"""Seconds between redraws: often enough to see a stall, rarely enough to read the numbers."""


class ProgressBoard:
    """The one status line shared by the crawls of a process; redrawn by a Twisted LoopingCall."""

    def __init__(
        self,
        stream: TextIO,
        interval: float = DEFAULT_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.stream = stream
        self.interval = interval
        self.clock = clock
        self.crawls: dict[str, Any] = {}  # site -> its StatsCollector (kept after close, for the totals)
        self.done: set[str] = set()
        self.started: float | None = None
        self._last: tuple[float, int, int] | None = None  # time, pages, articles at the previous redraw
        self._width = 0
        self._loop: Any = None

    def add(self, name: str, stats: Any) -> None:
        """A crawl opened: show it, and start redrawing if it is the first."""
        self.crawls[name] = stats
        self.done.discard(name)
        if self._loop is None:
            from twisted.internet import task

            self.started = self.clock()
            self._last = None
            self._loop = task.LoopingCall(self.redraw)
            self._loop.start(self.interval, now=False)

    def remove(self, name: str) -> None:
        """A crawl closed: mark it done; the last one stops the redraws and erases the line."""
        self.done.add(name)
        if self.done >= self.crawls.keys() and self._loop is not None:
            if self._loop.running:
                self._loop.stop()
            self._loop = None
            self.clear()

    def render(self) -> str:
        """The current line (and remember the totals for the next interval's rates)."""
        now = self.clock()
        started = now if self.started is None else self.started
        stats = {name: collector.get_stats() for name, collector in self.crawls.items()}
        pages, articles, _, _ = progress_totals(list(stats.values()))
        then, pages_then, articles_then = self._last or (started, 0, 0)
        span = max(now - then, 1e-9)
        self._last = (now, pages, articles)
        rates = ((pages - pages_then) / span, (articles - articles_then) / span)
        return progress_line(stats, self.done, now - started, rates)

    def redraw(self) -> None:
        """Overwrite the line in place."""
        line = self.render()
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()
        self._width = len(line)

    def clear(self) -> None:
        """Erase the line so that what is printed next starts at column 0."""
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0


BOARD: ProgressBoard | None = None
"""The process's board, made by the first ProgressExtension (all crawls write one line)."""


class ProgressExtension:
    """Shows the process's crawls on one terminal line (setting KZNEWS_PROGRESS_ENABLED, default False).

    ``kznews harvest`` turns it on when stdout is a terminal; KZNEWS_PROGRESS_INTERVAL sets the redraw period.
    """

    def __init__(self, crawler: Any, board: ProgressBoard) -> None:
        self.crawler = crawler
        self.board = board

    @classmethod
    def from_crawler(cls, crawler: Any) -> ProgressExtension:
        """Join the process's board; NotConfigured unless KZNEWS_PROGRESS_ENABLED."""
        global BOARD
        settings = crawler.settings
        if not settings.getbool("KZNEWS_PROGRESS_ENABLED", False):
            raise NotConfigured  # bare: Scrapy logs a NotConfigured message as a WARNING
        if BOARD is None:
            BOARD = ProgressBoard(
                sys.stdout, settings.getfloat("KZNEWS_PROGRESS_INTERVAL", DEFAULT_INTERVAL_S)
            )
        extension = cls(crawler, BOARD)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Any) -> None:
        """Put this crawl on the line."""
        self.board.add(spider.name, self.crawler.stats)

    def spider_closed(self, spider: Any) -> None:
        """Take this crawl off the line."""
        self.board.remove(spider.name)
