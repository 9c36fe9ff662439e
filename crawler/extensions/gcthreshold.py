"""GcThresholdExtension: fewer cyclic garbage collections in the crawl's process (KZNEWS_GC_THRESHOLD).

A crawl allocates container objects by the million (requests, responses, coroutines, Deferreds, items)
and keeps tens of thousands alive (the scheduler's queue, the replay index), so CPython's default
thresholds (700, 10, 10) ran ~1,100 collections in a 5,000-page replay, 0.8 s of CPU: 15% of the crawl
process's work (bench/crawl.py), in the process every extraction worker waits on. Almost nothing a crawl
allocates is cyclic garbage; reference counting frees it. A first threshold of 50,000 runs a handful.
"""

from __future__ import annotations

import gc
import logging
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)


def parse_thresholds(value: Any) -> tuple[int, ...]:
    """One to three non-negative integers, as for ``gc.set_threshold``, from a list or "a,b,c".

    Raises:
        ValueError: anything else, naming the setting.
    """
    parts = value.split(",") if isinstance(value, str) else list(value)
    try:
        numbers = tuple(int(str(part).strip()) for part in parts)
    except ValueError:
        numbers = ()
    if not 1 <= len(numbers) <= 3 or min(numbers) < 0:
        raise ValueError(
            f"KZNEWS_GC_THRESHOLD={value!r}: expected 1 to 3 non-negative integers, e.g. 50000,10,10"
        )
    return numbers


class GcThresholdExtension:
    """Sets ``gc.set_threshold(*KZNEWS_GC_THRESHOLD)`` when the engine starts (empty setting: off).

    Process-wide and left in place: the crawl's process exists for its crawls (harvest runs each cycle in
    a fresh one).
    """

    def __init__(self, thresholds: tuple[int, ...]) -> None:
        self.thresholds = thresholds

    @classmethod
    def from_crawler(cls, crawler: Any) -> GcThresholdExtension:
        """Read KZNEWS_GC_THRESHOLD; NotConfigured when it is empty."""
        value = crawler.settings.get("KZNEWS_GC_THRESHOLD")
        if not value:
            raise NotConfigured
        extension = cls(parse_thresholds(value))
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        return extension

    def engine_started(self) -> None:
        """Apply the thresholds."""
        gc.set_threshold(*self.thresholds)
        logger.debug("gc thresholds %s", gc.get_threshold())
