"""JOBDIR request queues that survive a killed crawl: Scrapy's pickle LIFO disk queue, checked at open.

queuelib writes a queue file's record count in its first 4 bytes only when the queue closes, so a crawl
killed outright (SIGKILL, power loss) leaves either an empty file without that header (Scrapy then fails
with ``struct.error`` on every request it queues, and the resumed crawl hangs) or a stale count. Each
record ends with its own length, so the file can be walked from the end: a consistent chain gets its count
rewritten and nothing is lost; a damaged file is set aside and the queue starts afresh. Nothing is lost then
either: kznews requests bypass the dupefilter, so the resumed crawl discovers again what the queue held.
"""

from __future__ import annotations

import logging
import os
import struct
import time
from pathlib import Path
from typing import Any

from scrapy.squeues import PickleLifoDiskQueue

logger = logging.getLogger(__name__)

SIZE = struct.Struct(">L")  # queuelib.queue.LifoDiskQueue.SIZE_FORMAT


class SafeLifoDiskQueue(PickleLifoDiskQueue):
    """``SCHEDULER_DISK_QUEUE`` for JOBDIR crawls: a queue file a killed run left behind is repaired or
    set aside before Scrapy opens it."""

    def __init__(self, crawler: Any, key: str) -> None:
        repair(Path(key))
        super().__init__(crawler, key)


def repair(path: Path) -> None:
    """Make ``path`` a queue file queuelib can open: fix a stale record count, or move a damaged one aside."""
    if not path.is_file():
        return
    with path.open("rb+") as fh:
        count = _records(fh, fh.seek(0, os.SEEK_END))
        if count is not None:
            fh.seek(0)
            if fh.read(SIZE.size) != SIZE.pack(count):
                fh.seek(0)
                fh.write(SIZE.pack(count))
                logger.info("JOBDIR queue %s: record count restored to %d after an unclean stop", path, count)
            return
    aside = path.with_name(f"{path.name}.damaged-{int(time.time())}")
    path.rename(aside)
    logger.warning("JOBDIR queue %s damaged by an unclean stop; moved to %s, starting afresh", path, aside)


def _records(fh: Any, end: int) -> int | None:
    """How many records a queue file of ``end`` bytes holds, walked from its end; None when damaged."""
    count, position = 0, end
    while position > SIZE.size:
        if position - SIZE.size < SIZE.size:
            return None
        fh.seek(position - SIZE.size)
        (length,) = SIZE.unpack(fh.read(SIZE.size))
        position -= SIZE.size + length
        count += 1
    return count if position == SIZE.size else None
