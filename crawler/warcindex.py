"""Replay indexes next to WARC files in CDXJ, the pywb / cdxj-indexer format; older JSON Lines ones read.

``x.warc.gz`` gets ``x.warc.gz.cdxj``: one sorted line per response to a GET request,
``<SURT key> <14-digit timestamp> {"url", "mime", "status", "digest", "length", "offset", "filename"}``, the
bytes ``cdxj-indexer --sort --post-append x.warc.gz`` writes for the same file (tests/test_archives.py), so
pywb and other web-archive tools read it, and an index they write serves replay. An index older than its
WARC file (mtime) is ignored and rebuilt; kznews never appends to a closed WARC file, nor rewrites one.
Archives indexed before CDXJ keep their ``x.warc.gz.idx.jsonl`` (header line with the WARC's size and
tail SHA-1, then ``{"key", "offset", "date", "status"}`` lines): still read while it matches its file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO
from urllib.parse import urldefrag

from isal import isal_zlib
from surt import surt
from w3lib.url import safe_url_string

logger = logging.getLogger(__name__)

CDXJ_SUFFIX = ".cdxj"
LEGACY_SUFFIX = ".idx.jsonl"
LEGACY_VERSION = 1  # the last version of the JSON Lines index; any other is rebuilt as CDXJ
TAIL_BYTES = 65_536  # the legacy index's fingerprinted tail
DATE_SEPARATORS = str.maketrans("", "", "-T:")
READ_CHUNK = 65_536  # compressed bytes read per step while inflating one record's gzip member
GZIP_MAGIC = b"\x1f\x8b"
MIME_END = re.compile(r"[;\s]")  # cdxj-indexer's mime field: the content type up to its parameters
SAFE_URL = re.compile(
    r"https?://[a-z0-9-]+(?:\.[a-z0-9-]+)+/[A-Za-z0-9._~!$&()*+,;=:@/-]*(?:\?[A-Za-z0-9._~!$&()*+,;=:@/?-]+)?"
)
"""URLs that w3lib's safe_url_string returns unchanged (ASCII, lower-case host, no port, a path, no
fragment, quote or percent sign): url_key takes 1 us for them where w3lib takes 6 us, for each line of
each CDXJ index at every replay start (tests/crawler/test_warcstore.py checks it against w3lib)."""
CDXJ_FAST = re.compile(
    rf'\{{"url": "({SAFE_URL.pattern})", (?:"mime": "[^"\\]*", )?"status": "\d+", '
    r'(?:"digest": "[^"\\]*", )?"length": "\d+", "offset": "(\d+)"'
)
"""A line as cdxj-indexer writes it, whose URL is its own replay key: one match (2 us) gives the key, status
and offset; other lines (other field order, escapes, unsafe URLs) take a JSON parse and url_key (5 us)."""


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One replayable response: its replay key, record offset and 14-digit WARC-Date timestamp."""

    key: str
    offset: int
    timestamp: str


@dataclass(frozen=True, slots=True)
class CdxjRecord:
    """One CDXJ line's fields for a response record, as cdxj-indexer reads them from the record."""

    url: str
    timestamp: str
    mime: str | None
    status: int
    digest: str | None
    length: int
    offset: int

    def entry(self) -> IndexEntry:
        """The replay index entry of this record."""
        return IndexEntry(url_key(self.url), self.offset, self.timestamp)


def url_key(url: str) -> str:
    """Return the replay index key of ``url``: Scrapy-safe escaping, no fragment (never sent on the wire)."""
    if SAFE_URL.fullmatch(url):
        return url
    return safe_url_string(urldefrag(url)[0])


def mime_of(content_type: str | None) -> str | None:
    """The CDXJ ``mime`` of a Content-Type header value (cdxj-indexer's rule)."""
    return MIME_END.split(content_type, 1)[0].strip() if content_type else content_type


def cdxj_path(warc: str | Path) -> Path:
    """Return the CDXJ index path of WARC file ``warc``."""
    warc = Path(warc)
    return warc.with_name(warc.name + CDXJ_SUFFIX)


def cdxj_line(record: CdxjRecord, filename: str) -> str:
    """One CDXJ line (without newline), field for field as cdxj-indexer writes it."""
    fields = {"url": record.url, "mime": record.mime, "status": str(record.status), "digest": record.digest}
    fields = {k: v for k, v in fields.items() if v is not None}
    fields |= {"length": str(record.length), "offset": str(record.offset), "filename": filename}
    try:
        key = surt(record.url)
    except Exception:  # cdxj-indexer keys an unparsable URL by itself, so do we
        key = record.url
    return f"{key} {record.timestamp} {json.dumps(fields)}"


def write_cdxj(warc: str | Path, records: Iterable[CdxjRecord]) -> bool:
    """Write the sorted CDXJ index of ``warc``; False when it cannot be written.

    A read-only archive directory is no error: replay then keeps the index it built in memory.
    """
    path = cdxj_path(warc)
    temporary = path.with_name(path.name + ".tmp")
    name = Path(warc).name
    try:
        lines = sorted({cdxj_line(record, name) + "\n" for record in records})
        with open(temporary, "w", encoding="utf-8") as fh:
            fh.writelines(lines)
        os.replace(temporary, path)  # a reader never sees half an index
    except OSError as exc:
        logger.debug("Could not write the replay index %s: %s", path, exc)
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        return False
    return True


def load_cdxj(warc: str | Path) -> list[IndexEntry] | None:
    """Return the replayable entries of the CDXJ index of ``warc`` in its line order, or None when it is
    missing, older than the WARC file or damaged.

    Lines for other requests than GET (``method``, from cdxj-indexer ``--post-append``), revisits (mime
    ``warc/revisit``: the payload is in another record) and records without an HTTP status are left out:
    replay answers GET requests with archived responses.
    """
    path = cdxj_path(warc)
    try:
        if path.stat().st_mtime < Path(warc).stat().st_mtime:
            logger.info("Replay index %s is older than its WARC file; rebuilding it", path)
            return None
        with open(path, encoding="utf-8") as fh:
            entries = [entry for entry in map(_cdxj_entry, fh) if entry is not None]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        logger.warning("Ignoring damaged replay index %s: %.200s", path, exc)
        return None
    return entries


def _cdxj_entry(line: str) -> IndexEntry | None:
    """The replay entry of one CDXJ line, or None for a line replay leaves out."""
    if line.startswith("!") or not line.strip():  # "!meta" lines, blank lines
        return None
    timestamp, fields = line.split(" ", 2)[1:]
    plain = CDXJ_FAST.match(fields)
    if plain and '"method": ' not in fields and '"mime": "warc/' not in fields:
        key, offset = plain.groups()
        return IndexEntry(key, int(offset), timestamp)
    row = json.loads(fields)
    if "method" in row or not row.get("status", "").isdigit() or row.get("mime", "").startswith("warc/"):
        return None
    return IndexEntry(url_key(row["url"]), int(row["offset"]), timestamp)


def load_legacy_index(warc: str | Path) -> list[IndexEntry] | None:
    """Return the entries of the legacy JSON Lines index of ``warc``; None if missing, stale or damaged."""
    warc = Path(warc)
    path = warc.with_name(warc.name + LEGACY_SUFFIX)
    try:
        with open(path, encoding="utf-8") as fh:
            header = json.loads(fh.readline())
            if header != {"kznews_replay_index": LEGACY_VERSION, **_fingerprint(warc)}:
                return None
            return [
                IndexEntry(row["key"], row["offset"], _timestamp(row["date"])) for row in map(json.loads, fh)
            ]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        logger.warning("Ignoring damaged replay index %s: %.200s", path, exc)
        return None


def _timestamp(iso_date: str) -> str:
    """The 14-digit UTC timestamp of an ISO 8601 date-time (legacy indexes hold UTC ones: sliced)."""
    if iso_date.endswith("+00:00"):
        return iso_date[:19].translate(DATE_SEPARATORS)
    return datetime.fromisoformat(iso_date).astimezone(UTC).strftime("%Y%m%d%H%M%S")


def _fingerprint(warc: Path) -> dict[str, object]:
    """The size and the SHA-1 of the last TAIL_BYTES of ``warc``, as the legacy index header holds them."""
    with open(warc, "rb") as fh:
        size = fh.seek(0, os.SEEK_END)
        fh.seek(max(size - TAIL_BYTES, 0))
        return {"size": size, "tail_sha1": hashlib.sha1(fh.read()).hexdigest()}


def read_member(fh: IO[bytes], offset: int) -> bytes | None:
    """Inflate the gzip member starting at ``offset`` of an open .warc.gz (one record, as we write them).

    Returns:
        The uncompressed member, or None when ``offset`` is not the start of a complete gzip member.
    """
    fh.seek(offset)
    # gzip framing, stops at the end of this member; ISA-L: 0.06 ms for a 113 kB page, zlib 0.15 ms, and
    # every replayed page is inflated in the crawl's process, which all extraction workers wait on
    inflater = isal_zlib.decompressobj(wbits=31)
    parts = []
    try:
        chunk = fh.read(READ_CHUNK)
        if not chunk.startswith(GZIP_MAGIC):
            return None
        while chunk:
            parts.append(inflater.decompress(chunk))
            if inflater.eof:
                return b"".join(parts)
            chunk = fh.read(READ_CHUNK)
    except isal_zlib.error:
        return None
    return None  # truncated member
