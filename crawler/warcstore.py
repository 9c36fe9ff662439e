"""WARC reading on warcio: the URL-indexed replay reader and random access to a record by offset."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import IO

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader, ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeadersParser, StatusAndHeadersParserException
from warcio.timeutils import iso_date_to_datetime, iso_date_to_timestamp

from crawler.warcindex import (
    CdxjRecord,
    IndexEntry,
    load_cdxj,
    load_legacy_index,
    mime_of,
    read_member,
    url_key,
    write_cdxj,
)

logger = logging.getLogger(__name__)

FILE_PREFIX = "kznews"
WARC_SUFFIXES = (".warc.gz", ".warc")


@dataclass(frozen=True, slots=True)
class ArchivedResponse:
    """One HTTP response read back from a WARC response record.

    Args:
        url: WARC-Target-URI (the URL that was fetched; each redirect hop has its own record).
        status: HTTP status code.
        headers: HTTP headers as (name, value) pairs, repeats kept; ``dict(headers)`` for a plain map.
        body: payload as stored (as sent, still content-encoded) unless read with ``decode_content``.
        file: path of the WARC file the record was read from.
        offset: byte offset of the record in that file (start of its gzip member).
        fetched_at: WARC-Date as an aware UTC datetime.
    """

    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    file: str
    offset: int
    fetched_at: datetime | None = None

    def header(self, name: str, default: str | None = None) -> str | None:
        """Return the first value of header ``name`` (case-insensitive), or ``default``."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), default)


def warc_files(path: str | Path) -> list[Path]:
    """Return ``path`` itself if it is a file, else the WARC files under it, sorted by name.

    Raises:
        FileNotFoundError: the path does not exist or holds no WARC file.
    """
    path = Path(path)
    if path.is_file():
        return [path]
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(WARC_SUFFIXES))
    if not files:
        raise FileNotFoundError(f"no WARC file (*.warc.gz, *.warc) at {path}")
    return files


def read_record(file: str | Path, offset: int, *, decode_content: bool = True) -> ArchivedResponse:
    """Read the response record starting at ``offset`` of ``file`` (random access, one gzip member).

    Args:
        file: WARC file path.
        offset: record offset as stored in provenance (``kznews_warc`` meta, RawPage.warc_offset).
        decode_content: undo Content-Encoding (gzip, deflate, br) and drop that header; False gives
            the body exactly as sent, which is what Scrapy's own middlewares expect on replay.

    Raises:
        ValueError: the record at ``offset`` is not a response record.
    """
    with open(file, "rb") as fh:
        fh.seek(offset)
        record = next(iter(ArchiveIterator(fh)))
        if record.rec_type != "response":
            raise ValueError(f"{file}@{offset} is a {record.rec_type!r} record, not a response")
        return _to_archived(record, str(file), offset, decode_content)


def iter_responses(path: str | Path, *, decode_content: bool = True) -> Iterator[ArchivedResponse]:
    """Yield every response record of a WARC file or directory, in file then record order."""
    for file in warc_files(path):
        with open(file, "rb") as fh:
            records = ArchiveIterator(fh)
            for record in records:
                if record.rec_type == "response" and record.http_headers is not None:
                    archived = _to_archived(record, str(file), -1, decode_content)
                    yield replace(archived, offset=records.get_record_offset())


class WarcReplayStore:
    """Answer URLs from WARC files: an index of (file, offset) per URL, bodies read lazily by seeking.

    Only responses to GET are indexed; when a URL was archived several times the latest WARC-Date
    wins (to the second, as CDXJ keeps it; ties: the later record in file-name then record order). Each
    file's index comes from its CDXJ index (crawler.warcindex) when that is not older than the file, else
    from its legacy JSON Lines index when that matches the file, else from a scan, saved as CDXJ.
    """

    def __init__(self, path: str | Path):
        self.files = warc_files(path)
        self.index: dict[str, tuple[int, int]] = {}
        self._handles: dict[int, IO[bytes]] = {}

    def open(self) -> None:
        """Load or build every file's index and merge them into the URL index."""
        best: dict[str, tuple[str, int, int]] = {}
        for file_no, file in enumerate(self.files):
            for entry in self._file_index(file):
                seen = best.get(entry.key)
                # a CDXJ index is in key order: of two captures in one second, the later record wins
                if (
                    seen is None
                    or entry.timestamp > seen[0]
                    or (entry.timestamp, file_no, entry.offset) > seen
                ):
                    best[entry.key] = (entry.timestamp, file_no, entry.offset)
        self.index = {key: (file_no, offset) for key, (_, file_no, offset) in best.items()}
        logger.info("Indexed %d archived URLs from %d WARC file(s)", len(self.index), len(self.files))

    def close(self) -> None:
        """Close the WARC files opened by ``retrieve``."""
        for fh in self._handles.values():
            fh.close()
        self._handles.clear()

    def retrieve(self, url: str) -> ArchivedResponse | None:
        """Return the archived response for ``url`` exactly as sent, or None if it was not archived."""
        hit = self.index.get(url_key(url))
        if hit is None:
            return None
        file_no, offset = hit
        fh = self._handles.get(file_no)
        if fh is None:
            fh = self._handles[file_no] = open(self.files[file_no], "rb")  # closed in close()
        member = read_member(fh, offset)
        archived = _parse_response(member, str(self.files[file_no]), offset) if member else None
        # Records that are not one gzip member each (plain .warc, other tools) take warcio's general path.
        return archived or read_record(self.files[file_no], offset, decode_content=False)

    def _file_index(self, file: Path) -> list[IndexEntry]:
        entries = load_cdxj(file)
        if entries is None:
            entries = load_legacy_index(file)
        if entries is None:
            records, complete = self._scan(file)
            if complete:  # a damaged file is scanned (and warned about) again on every replay
                write_cdxj(file, records)
            entries = [record.entry() for record in records]
        return entries

    @staticmethod
    def _scan(file: Path) -> tuple[list[CdxjRecord], bool]:
        """Read the responses to GET of ``file`` in record order; False when damage stopped the scan."""
        responses: dict[str, CdxjRecord] = {}
        not_get: set[str] = set()
        complete = True
        with open(file, "rb") as fh:
            records = ArchiveIterator(fh)
            try:
                for record in records:
                    headers = record.rec_headers
                    if record.rec_type == "response" and record.http_headers is not None:
                        offset = (
                            records.get_record_offset()
                        )  # reads to the record's end; the body is not kept
                        responses[headers.get_header("WARC-Record-ID")] = CdxjRecord(
                            url=headers.get_header("WARC-Target-URI"),
                            timestamp=iso_date_to_timestamp(headers.get_header("WARC-Date")),
                            mime=mime_of(record.http_headers.get_header("Content-Type")),
                            status=int(record.http_headers.get_statuscode()),
                            digest=headers.get_header("WARC-Payload-Digest"),
                            length=records.get_record_length(),
                            offset=offset,
                        )
                    elif record.rec_type == "request" and record.http_headers is not None:
                        if record.http_headers.protocol.upper() != "GET":
                            not_get.add(headers.get_header("WARC-Concurrent-To"))
            except ArchiveLoadFailed as exc:  # a damaged file must not sink the records before the damage
                logger.warning("Stopped indexing %s after %d responses: %.200s", file, len(responses), exc)
                complete = False
        return [entry for record_id, entry in responses.items() if record_id not in not_get], complete


_WARC_PARSER = StatusAndHeadersParser(ArcWarcRecordLoader.WARC_TYPES)
_HTTP_PARSER = StatusAndHeadersParser(ArcWarcRecordLoader.HTTP_TYPES, verify=False)


def _parse_response(record: bytes, file: str, offset: int) -> ArchivedResponse | None:
    """Parse one uncompressed response record, body as sent (de-chunked); None for anything else.

    The replay fast path: warcio's reader inflates and parses a record line by line through Python
    buffers, which cost the crawl process as much as the inflating itself (bench/crawl.py profile).
    """
    head_end = record.find(b"\r\n\r\n")
    if head_end < 0:
        return None
    warc = _WARC_PARSER.parse(BytesIO(record[: head_end + 4]))
    length = int(warc.get_header("Content-Length") or -1)
    content_start = head_end + 4
    if warc.get_header("WARC-Type") != "response" or len(record) < content_start + length or length < 0:
        return None
    http_end = record.find(b"\r\n\r\n", content_start, content_start + length)
    if http_end < 0:
        return None
    try:
        http = _HTTP_PARSER.parse(BytesIO(record[content_start : http_end + 4]))
    except (StatusAndHeadersParserException, EOFError):  # not HTTP: warcio's general path decides
        return None
    body = record[http_end + 4 : content_start + length]
    dropped: set[str] = set()
    if (http.get_header("Transfer-Encoding") or "").lower() == "chunked":
        body = ChunkedDataReader(BytesIO(body)).read()
        dropped = {"transfer-encoding", "content-length"}
    date = warc.get_header("WARC-Date")
    return ArchivedResponse(
        url=warc.get_header("WARC-Target-URI"),
        status=int(http.get_statuscode()),
        headers=tuple((k, v) for k, v in http.headers if k.lower() not in dropped),
        body=body,
        file=file,
        offset=offset,
        fetched_at=iso_date_to_datetime(date, tz_aware=True) if date else None,
    )


def _to_archived(record, file: str, offset: int, decode_content: bool) -> ArchivedResponse:
    """Read a parsed response record into an ArchivedResponse."""
    http = record.http_headers
    headers = list(http.headers)
    chunked = (http.get_header("Transfer-Encoding") or "").lower() == "chunked"
    encoding = (http.get_header("Content-Encoding") or "").lower()
    if decode_content and encoding in BufferedReader.get_supported_decompressors():
        body = record.content_stream().read()  # de-chunks and decompresses
        dropped = {"transfer-encoding", "content-encoding", "content-length"}
    elif chunked:  # archives from other tools may keep the chunked framing
        body = ChunkedDataReader(record.raw_stream).read()
        dropped = {"transfer-encoding", "content-length"}
    else:
        body = record.raw_stream.read()
        dropped = set()
    date = record.rec_headers.get_header("WARC-Date")
    return ArchivedResponse(
        url=record.rec_headers.get_header("WARC-Target-URI"),
        status=int(http.get_statuscode()),
        headers=tuple((k, v) for k, v in headers if k.lower() not in dropped),
        body=body,
        file=file,
        offset=offset,
        fetched_at=iso_date_to_datetime(date, tz_aware=True) if date else None,
    )
