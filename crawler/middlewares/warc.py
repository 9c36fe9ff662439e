"""WarcArchiveMiddleware: record every raw response to WARC, or answer every request from WARC files.

Wiring: ``DOWNLOADER_MIDDLEWARES = {"crawler.middlewares.warc.WarcArchiveMiddleware": 950}``. Above
RedirectMiddleware (600) and HttpCompressionMiddleware (590), ``process_response`` sees each response as
fetched: every redirect hop (the 301 too) and the body as sent, still content-encoded, with its
Content-Encoding header. Replay hands that same raw response back from ``process_request``, so the
decompression and redirect middlewares run on it exactly as on a live fetch.

Settings:
    KZNEWS_ARCHIVE: directory to record to (rotating ``kznews-<spider>-<UTC>-<seq>.warc.gz``).
    KZNEWS_ARCHIVE_MAX_BYTES: size at which a file is closed and the next one started (default 1 GB).
    KZNEWS_REPLAY: a .warc.gz file or a directory of them; no request reaches the network.
    KZNEWS_WARC_ENABLED: False turns the middleware off whatever else is set.

Provenance: ``request.meta["kznews_warc"] = {"file": <path>, "offset": <int>, "fetched_at": <ISO>}``
points at the response record written (record) or read (replay); the spider copies it into RawPage. The
path is the WARC file as this crawl opened it (under KZNEWS_ARCHIVE or KZNEWS_REPLAY as given, relative or
absolute), so ``kznews reprocess`` finds the record from the stored pointer alone.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes

from crawler.warcstore import ArchivedResponse, WarcReplayStore
from crawler.warcwriter import WarcWriterStore
from pipelines import runstats

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 1_000_000_000
"""1 GB per file, the size Heritrix and Common Crawl aim at: few files, each still easy to copy."""

META_KEY = "kznews_warc"
REPLAY_FLAG = "warc_replay"


class WarcArchiveMiddleware:
    """Decide what to record or replay; all WARC I/O is done by the stores in crawler.warcstore."""

    def __init__(
        self,
        stats: StatsCollector,
        writer: WarcWriterStore | None = None,
        replay: WarcReplayStore | None = None,
    ):
        self.stats = stats
        self.writer = writer
        self.replay = replay

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Build from settings (see the module docstring); NotConfigured when neither mode is asked for."""
        settings = crawler.settings
        if not settings.getbool("KZNEWS_WARC_ENABLED", True):
            raise NotConfigured  # bare: Scrapy logs a NotConfigured message as a WARNING
        archive_dir = settings.get("KZNEWS_ARCHIVE")
        replay_path = settings.get("KZNEWS_REPLAY")
        if not archive_dir and not replay_path:
            raise NotConfigured  # a live crawl without an archive: the usual case
        if replay_path:
            if archive_dir:
                logger.warning(
                    "Both KZNEWS_REPLAY and KZNEWS_ARCHIVE are set: replaying %s, recording nothing",
                    replay_path,
                )
            # Fails here (FileNotFoundError) rather than letting a replay run go to the network.
            mw = cls(crawler.stats, replay=WarcReplayStore(replay_path))
        else:
            max_bytes = settings.getint("KZNEWS_ARCHIVE_MAX_BYTES", DEFAULT_MAX_BYTES)
            mw = cls(crawler.stats, writer=WarcWriterStore(archive_dir, max_bytes, crawler.spidercls.name))
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def spider_opened(self, spider: Spider) -> None:
        """Index the replay archive or prepare the archive directory."""
        if self.replay is not None:
            self.replay.open()
            logger.info(
                "Replaying from %d WARC file(s); no request will reach the network", len(self.replay.files)
            )
        if self.writer is not None:
            self.writer.open()
            logger.info("Recording responses to WARC files in %s", self.writer.directory)

    def spider_closed(self, spider: Spider) -> None:
        """Close the current WARC file; log what was written or replayed."""
        if self.writer is not None:
            self.writer.close()
            logger.info("Wrote %d WARC file(s) to %s", len(self.writer.files), self.writer.directory)
        if self.replay is not None:
            self.replay.close()
            logger.info(
                "Replay answered %d request(s) from the archive, %d miss(es)",
                self.stats.get_value(runstats.WARC_REPLAY_HIT, 0),
                self.stats.get_value(runstats.WARC_REPLAY_MISS, 0),
            )

    def process_request(self, request: Request) -> Response | None:
        """On replay, answer from the archive (a miss is a counted 404); otherwise let the request go."""
        if self.replay is None:
            return None
        archived = self.replay.retrieve(request.url) if request.method == "GET" else None
        if archived is None:
            self.stats.inc_value(runstats.WARC_REPLAY_MISS)
            logger.debug("Not in the archive, answering 404: %s", request)
            return Response(request.url, status=404, request=request, flags=[REPLAY_FLAG])
        self.stats.inc_value(runstats.WARC_REPLAY_HIT)
        request.meta[META_KEY] = _provenance(archived.file, archived.offset, archived.fetched_at)
        return _to_scrapy_response(archived, request)

    def process_response(self, request: Request, response: Response) -> Response:
        """On record, archive the response as fetched and point request.meta at its record."""
        if self.writer is None or REPLAY_FLAG in response.flags:
            return response
        fetched_at = datetime.now(UTC)
        try:
            file, offset = self.writer.store(request, response, fetched_at)
        except OSError:
            # A full disk must not lose the page: the crawl goes on, the item simply has no provenance.
            self.stats.inc_value(runstats.WARC_STORE_ERROR)
            logger.exception("Could not write %s to the WARC archive", response)
            return response
        self.stats.inc_value(runstats.WARC_RECORD)
        request.meta[META_KEY] = _provenance(file, offset, fetched_at)
        return response


def _provenance(file: str, offset: int, fetched_at: datetime | None) -> dict[str, object]:
    return {"file": file, "offset": offset, "fetched_at": fetched_at.isoformat() if fetched_at else None}


def _to_scrapy_response(archived: ArchivedResponse, request: Request) -> Response:
    """Build the Response class Scrapy's download handler would have built for these bytes."""
    headers = Headers(archived.headers)
    respcls = responsetypes.from_args(headers=headers, url=archived.url, body=archived.body)
    return respcls(
        url=request.url,  # what the download handler sets; equals archived.url for records we wrote
        status=archived.status,
        headers=headers,
        body=archived.body,
        flags=[REPLAY_FLAG],
        request=request,
    )
