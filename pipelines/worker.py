"""Entry points of the cleaning pool's worker processes; Scrapy-free, so a worker never imports Scrapy.

A spawned worker imports the module of every function it is handed. ``warm_up`` used to live in
pipelines.scrapy_adapters, which made each worker import Scrapy and Twisted: about 45 MB of RSS per
worker for nothing (bench/crawl.py). The crawl's own ``__main__`` is still imported by a spawned worker;
``python -m scrapy`` skips that, the ``scrapy`` console script does not.
"""

from __future__ import annotations

import signal

STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def warm_up() -> None:
    """Ignore stop signals, then load the language model and trafilatura once per worker.

    Ctrl-C reaches the whole foreground process group and systemd signals every process of a unit: a
    worker killed mid-page breaks the pool and loses the pages in flight. The crawl's process alone decides
    when to stop; it then shuts the pool down after the pages in flight are cleaned. The worker was
    started with these signals blocked (see CleaningPipeline.open_spider), so none came in before this.
    """
    from pipelines.language import detect_language

    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # anything pending is discarded: ignored
    detect_language(["Қазақстан Республикасы", "Республика Казахстан", "Republic of Kazakhstan"])
