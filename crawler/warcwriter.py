"""WARC writing on warcio: the rotating gzipped recorder of a crawl, and whole archives for fixtures."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import IO, TYPE_CHECKING
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from crawler.warcindex import IndexEntry, write_index
from crawler.warcstore import FILE_PREFIX, index_entry

if TYPE_CHECKING:
    from scrapy.http import Request, Response

logger = logging.getLogger(__name__)

WARC_VERSION = "1.1"
"""WARC/1.1 dates carry microseconds, so "latest record wins" can order records fetched in one second."""

DROPPED_RESPONSE_HEADERS = ("Transfer-Encoding",)
"""Scrapy hands over de-chunked bodies; a kept "chunked" header would make WARC readers de-chunk again."""

WARCINFO = {
    "software": "kznews (Scrapy + warcio)",
    "format": "WARC File Format 1.1",
    "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
}


def write_archive(path: str | Path, entries: Iterable[tuple]) -> list[int]:
    """Write a gzipped WARC of response records (fixtures, benchmarks).

    Args:
        path: output .warc.gz path (overwritten).
        entries: ``(url, status, headers, body)`` tuples, optionally with a 5th ``fetched_at`` aware
            datetime (default: now); ``headers`` is a dict of str to str.

    Returns:
        The offset of each response record, in entry order.
    """
    offsets = []
    index = []
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version=WARC_VERSION)
        writer.write_record(writer.create_warcinfo_record(Path(path).name, WARCINFO))
        for url, status, headers, body, *rest in entries:
            fetched_at = rest[0] if rest else datetime.now(UTC)
            offsets.append(fh.tell())
            record = _response_record(writer, url, status, list(headers.items()), body, fetched_at)
            writer.write_record(record)
            index.append(index_entry(url, offsets[-1], record.rec_headers.get_header("WARC-Date"), status))
    write_index(path, index)
    return offsets


class WarcWriterStore:
    """Append request/response pairs to ``kznews-<spider>-<UTC timestamp>-<seq>.warc.gz`` files.

    A file is started (with a warcinfo record) at the first store and closed once it reaches
    ``max_bytes``; the next store starts the next file. Each record is flushed as written, so a
    killed crawl leaves readable files. A closed file gets its sidecar replay index (crawler.warcindex);
    replay builds the index of a file left without one.
    """

    def __init__(self, directory: str | Path, max_bytes: int, spider_name: str):
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        self.spider_name = spider_name
        self.files: list[Path] = []
        self._fh: IO[bytes] | None = None
        self._writer: WARCWriter | None = None
        self._index: list[IndexEntry] = []

    def open(self) -> None:
        """Create the archive directory."""
        self.directory.mkdir(parents=True, exist_ok=True)

    def close(self) -> None:
        """Close the current file, if any, and write its replay index."""
        if self._fh is not None:
            self._fh.close()
            self._fh = self._writer = None
            write_index(self.files[-1], self._index)
            self._index = []

    def store(
        self, request: Request, response: Response, fetched_at: datetime | None = None
    ) -> tuple[str, int]:
        """Write the response record, then its request record; return (file basename, response offset)."""
        fetched_at = fetched_at or datetime.now(UTC)
        fh, writer = self._current_file(fetched_at)
        resp = _response_record(
            writer,
            response.url,
            response.status,
            _header_pairs(response.headers),
            response.body,
            fetched_at,
            protocol=response.protocol,
            ip_address=response.ip_address,
        )
        req = _request_record(writer, request)
        offset = fh.tell()
        writer.write_request_response_pair(req, resp)  # response first, request points to it
        if request.method == "GET":
            date = resp.rec_headers.get_header("WARC-Date")
            self._index.append(index_entry(response.url, offset, date, response.status))
        name = self.files[-1].name
        if fh.tell() >= self.max_bytes:
            logger.info("WARC file %s reached %d bytes, rotating", name, fh.tell())
            self.close()
        return name, offset

    def _current_file(self, now: datetime) -> tuple[IO[bytes], WARCWriter]:
        if self._fh is None or self._writer is None:
            stamp = now.strftime("%Y%m%dT%H%M%SZ")
            seq = len(self.files)
            while True:  # "x" never overwrites an archive left by an earlier run started in the same second
                path = self.directory / f"{FILE_PREFIX}-{self.spider_name}-{stamp}-{seq:05d}.warc.gz"
                try:
                    self._fh = open(path, "xb")  # kept open across store() calls
                    break
                except FileExistsError:
                    seq += 1
            self.files.append(path)
            self._writer = WARCWriter(self._fh, gzip=True, warc_version=WARC_VERSION)
            info = {**WARCINFO, "isPartOf": self.spider_name}
            self._writer.write_record(self._writer.create_warcinfo_record(path.name, info))
            logger.info("Writing WARC file %s", path)
        return self._fh, self._writer


def _response_record(writer, url, status, headers, body, fetched_at, protocol=None, ip_address=None):
    """Build a response record: status line, headers (minus hop-by-hop ones), body as given."""
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    # HTTP/2 responses are written in HTTP/1.1 syntax, as other archiving crawlers do: readers expect it.
    protocol = protocol if protocol in ("HTTP/1.0", "HTTP/1.1") else "HTTP/1.1"
    kept = [(k, v) for k, v in headers if k.title() not in DROPPED_RESPONSE_HEADERS]
    http_headers = StatusAndHeaders(f"{status} {reason}".strip(), kept, protocol=protocol)
    warc_headers = {"WARC-Date": _warc_date(fetched_at)}
    if ip_address is not None:
        warc_headers["WARC-IP-Address"] = str(ip_address)
    return writer.create_warc_record(
        url,
        "response",
        payload=BytesIO(body),
        length=len(body),
        http_headers=http_headers,
        warc_headers_dict=warc_headers,
    )


def _request_record(writer, request):
    """Build the request record of a Scrapy request (Host added: Scrapy sets it only on the wire)."""
    parts = urlsplit(request.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = [("Host", parts.netloc), *_header_pairs(request.headers)]
    http_headers = StatusAndHeaders(f"{request.method} {target} HTTP/1.1", headers, is_http_request=True)
    return writer.create_warc_record(
        request.url,
        "request",
        payload=BytesIO(request.body),
        length=len(request.body),
        http_headers=http_headers,
    )


def _warc_date(when: datetime) -> str:
    # warcio appends "Z" to isoformat(), so it must be given a naive UTC datetime
    return datetime_to_iso_date(when.astimezone(UTC).replace(tzinfo=None), use_micros=True)


def _header_pairs(headers) -> list[tuple[str, str]]:
    """Flatten Scrapy Headers to (str, str) pairs; non-UTF-8 bytes are kept via latin-1."""
    return [(_text(name), _text(value)) for name, values in headers.items() for value in values]


def _text(raw: bytes | str) -> str:
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")
