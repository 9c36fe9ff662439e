"""WARC writing on warcio: the rotating gzipped recorder of a crawl, and whole archives for fixtures."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import IO, TYPE_CHECKING
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date, iso_date_to_timestamp
from warcio.warcwriter import WARCWriter

from crawler.warcindex import CdxjRecord, mime_of, write_cdxj
from crawler.warcstore import FILE_PREFIX

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
    """Write a gzipped WARC of response records and its CDXJ index (fixtures, benchmarks).

    The bytes depend on the name and the entries only: record ids are derived from the records, the
    warcinfo record is dated like the earliest entry, and gzip members carry no time.

    Args:
        path: output .warc.gz path (overwritten).
        entries: ``(url, status, headers, body)`` tuples, optionally with a 5th ``fetched_at`` aware
            datetime (default: now); ``headers`` is a dict of str to str.

    Returns:
        The offset of each response record, in entry order.
    """
    now = datetime.now(UTC)
    entries = [
        (url, status, headers, body, rest[0] if rest else now)
        for url, status, headers, body, *rest in entries
    ]
    name = Path(path).name
    offsets = []
    index = []
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version=WARC_VERSION)
        info = writer.create_warcinfo_record(name, WARCINFO)
        info_date = _warc_date(min((e[4] for e in entries), default=now))
        info.rec_headers.replace_header("WARC-Date", info_date)
        info.rec_headers.replace_header("WARC-Record-ID", _record_id(name.encode(), info_date.encode()))
        writer.write_record(info)
        for number, (url, status, headers, body, fetched_at) in enumerate(entries):
            described = f"{number} {url} {status} {sorted(headers.items())} {_warc_date(fetched_at)}"
            record_id = _record_id(described.encode(), body)
            record = _response_record(
                writer, url, status, list(headers.items()), body, fetched_at, record_id=record_id
            )
            offsets.append(fh.tell())
            writer.write_record(record)
            index.append(_cdxj_record(record, offsets[-1], fh.tell() - offsets[-1]))
    write_cdxj(path, index)
    return offsets


class WarcWriterStore:
    """Append request/response pairs to ``kznews-<spider>-<UTC timestamp>-<seq>.warc.gz`` files.

    A file is started (with a warcinfo record) at the first store and closed once it reaches
    ``max_bytes``; the next store starts the next file, never an existing one. Each record is flushed as
    written, so a killed crawl leaves readable files. A closed file is never written again and gets its
    CDXJ index (crawler.warcindex); replay builds the index of a file left without one.
    """

    def __init__(self, directory: str | Path, max_bytes: int, spider_name: str):
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        self.spider_name = spider_name
        self.files: list[Path] = []
        self._fh: IO[bytes] | None = None
        self._writer: WARCWriter | None = None
        self._index: list[CdxjRecord] = []

    def open(self) -> None:
        """Create the archive directory."""
        self.directory.mkdir(parents=True, exist_ok=True)

    def close(self) -> None:
        """Close the current file, if any, and write its replay index."""
        if self._fh is not None:
            self._fh.close()
            self._fh = self._writer = None
            write_cdxj(self.files[-1], self._index)
            self._index = []

    def store(
        self, request: Request, response: Response, fetched_at: datetime | None = None
    ) -> tuple[str, int]:
        """Write the response record, then its request record; return (file path, response offset).

        The path is the archive directory as configured joined with the file name: what a stored article
        points to, and what ``kznews reprocess`` opens.
        """
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
        offset = fh.tell()
        writer.write_record(resp)  # response first, the request record points to it (as warcio pairs them)
        if request.method == "GET":
            self._index.append(_cdxj_record(resp, offset, fh.tell() - offset))
        writer.write_record(_request_record(writer, request, resp))
        path = self.files[-1]
        if fh.tell() >= self.max_bytes:
            logger.info("WARC file %s reached %d bytes, rotating", path.name, fh.tell())
            self.close()
        return str(path), offset

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


def _response_record(
    writer, url, status, headers, body, fetched_at, protocol=None, ip_address=None, record_id=None
):
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
    if record_id is not None:
        warc_headers["WARC-Record-ID"] = record_id
    return writer.create_warc_record(
        url,
        "response",
        payload=BytesIO(body),
        length=len(body),
        http_headers=http_headers,
        warc_headers_dict=warc_headers,
    )


def _request_record(writer, request, response_record):
    """Build the request record of a Scrapy request (Host added: Scrapy sets it only on the wire), with the
    response record's URI and date and pointing to it, as warcio's write_request_response_pair does."""
    parts = urlsplit(request.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = [("Host", parts.netloc), *_header_pairs(request.headers)]
    http_headers = StatusAndHeaders(f"{request.method} {target} HTTP/1.1", headers, is_http_request=True)
    response_headers = response_record.rec_headers
    return writer.create_warc_record(
        response_headers.get_header("WARC-Target-URI"),
        "request",
        payload=BytesIO(request.body),
        length=len(request.body),
        http_headers=http_headers,
        warc_headers_dict={
            "WARC-Date": response_headers.get_header("WARC-Date"),
            "WARC-Concurrent-To": response_headers.get_header("WARC-Record-ID"),
        },
    )


def _cdxj_record(record, offset: int, length: int) -> CdxjRecord:
    """The CDXJ fields of a response record just written at ``offset`` (``length`` bytes, gzipped)."""
    headers = record.rec_headers
    return CdxjRecord(
        url=headers.get_header("WARC-Target-URI"),
        timestamp=iso_date_to_timestamp(headers.get_header("WARC-Date")),
        mime=mime_of(record.http_headers.get_header("Content-Type")),
        status=int(record.http_headers.get_statuscode()),
        digest=headers.get_header("WARC-Payload-Digest"),
        length=length,
        offset=offset,
    )


def _record_id(*parts: bytes) -> str:
    """A WARC-Record-ID derived from ``parts`` (the same record packed again gets the same id)."""
    digest = hashlib.sha256(b"\0".join(parts)).digest()
    return f"<urn:uuid:{uuid.UUID(bytes=digest[:16], version=5)}>"


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
