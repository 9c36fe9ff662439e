"""KznewsStatsCollector: Scrapy's in-memory stats collector without its per-call deprecation wrapper."""

from __future__ import annotations

from scrapy.statscollectors import MemoryStatsCollector


class KznewsStatsCollector(MemoryStatsCollector):
    """MemoryStatsCollector with plain attribute access.

    Scrapy 2.19's StatsCollector routes every attribute access through a Python ``__getattribute__``
    that wraps the stats methods to warn about a deprecated ``spider`` argument, and that raises and
    catches an AttributeError for each plain attribute (``_stats`` inside every ``inc_value``). A crawl
    makes ~16 stats calls per article page, all in the crawl process that feeds the extraction workers
    (bench/crawl.py profile). The methods and their results are unchanged; only the warning is gone.
    """

    __getattribute__ = object.__getattribute__
