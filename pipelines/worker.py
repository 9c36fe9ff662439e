"""What each cleaning worker process runs first; Scrapy-free, so a worker never imports Scrapy.

A spawned worker imports the module of every function it is handed. ``warm_up`` used to live in
pipelines.scrapy_adapters, which made each worker import Scrapy and Twisted: about 45 MB of RSS per
worker for nothing (bench/crawl.py). The crawl's own ``__main__`` is still imported by a spawned worker;
``python -m scrapy`` skips that, the ``scrapy`` console script does not.
"""

from __future__ import annotations


def warm_up() -> None:
    """Load the language model and trafilatura once per worker, before its first page."""
    from pipelines.language import detect_language

    detect_language(["Қазақстан Республикасы", "Республика Казахстан", "Republic of Kazakhstan"])
