"""The saved fixture site, shipped as package data (the demo's input, the tests' site): its manifest, and
packing it into a WARC for replay runs."""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from crawler.warcindex import cdxj_path
from crawler.warcwriter import write_archive

DEFAULT_MANIFEST = Path(__file__).resolve().parent / "fixture_site" / "manifest.json"
FIXTURE_NOW = datetime.fromisoformat("2026-04-28T12:00:00+05:00")
"""The moment the fixture site was "saved": listing cards saying Сегодня / Вчера are relative to it."""


@dataclass(frozen=True, slots=True)
class FixturePage:
    """One URL of the fixture site as the manifest describes it."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes = b""
    location: str | None = None
    retry_once_429: bool = False
    note: str = ""
    deliberate: str = ""  # why a page that looks wrong is in the site on purpose (the demo tells its users)
    file: str | None = None
    fetched_at: datetime = FIXTURE_NOW

    def response_headers(self) -> dict[str, str]:
        """Headers to send, with Location for a redirect."""
        return {**self.headers, **({"Location": self.location} if self.location else {})}


def load_manifest(path: str | Path = DEFAULT_MANIFEST) -> dict[str, FixturePage]:
    """Every page of the manifest by URL, bodies read from the files next to it.

    An entry may give its own ``fetched_at`` (ISO 8601 with offset), for a page saved on another day than
    FIXTURE_NOW: the day decides which layout of the site's profile cleans it.

    Raises:
        ValueError: an entry without a status, naming a file that is missing, or with a naive fetched_at.
    """
    path = Path(path)
    entries = json.loads(path.read_text(encoding="utf-8"))
    pages = {}
    for url, entry in entries.items():
        if "status" not in entry:
            raise ValueError(f"{path}: {url} has no status")
        body = b""
        if entry.get("file"):
            body_path = path.parent / entry["file"]
            if not body_path.is_file():
                raise ValueError(f"{path}: {url} names missing file {entry['file']}")
            body = body_path.read_bytes()
        fetched_at = datetime.fromisoformat(entry["fetched_at"]) if "fetched_at" in entry else FIXTURE_NOW
        if fetched_at.utcoffset() is None:
            raise ValueError(f"{path}: {url} has a fetched_at without an offset")
        pages[url] = FixturePage(
            url=url,
            status=int(entry["status"]),
            headers=dict(entry.get("headers", {})),
            body=body,
            location=entry.get("location"),
            retry_once_429=bool(entry.get("retry_once_429", False)),
            note=entry.get("note", ""),
            deliberate=entry.get("deliberate", ""),
            file=entry.get("file"),
            fetched_at=fetched_at,
        )
    return pages


class PackedSite(NamedTuple):
    """The archive a fixture site was packed into, and the offset of each record in manifest order."""

    path: Path
    offsets: list[int]


def pack_fixture_site(manifest_path: str | Path, out_path: str | Path) -> PackedSite:
    """Write every manifest page as one WARC response record, dated the page's fetched_at.

    The bytes depend on the manifest and the file name only (crawler.warcwriter.write_archive). An existing
    archive is never rewritten, since stored articles point into it: the same bytes leave it untouched,
    other bytes (the manifest changed) go to ``<name>-<first 12 hex of their SHA-256>.warc.gz`` beside it.
    The 429 of a retry-once page is skipped.

    Returns:
        Where the archive is (``out_path`` or its content-named sibling), and its record offsets.
    """
    pages = load_manifest(manifest_path)
    entries = [(p.url, p.status, p.response_headers(), p.body, p.fetched_at) for p in pages.values()]
    out = Path(out_path)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".packing-") as scratch:
        packed = Path(scratch) / out.name
        offsets = write_archive(packed, entries)
        if out.exists() and not filecmp.cmp(packed, out, shallow=False):
            digest = hashlib.sha256(packed.read_bytes()).hexdigest()[:12]
            stem, dot, suffix = out.name.partition(".")
            out = out.with_name(f"{stem}-{digest}{dot}{suffix}")
            packed = Path(scratch) / out.name
            offsets = write_archive(packed, entries)
        if not out.exists():  # else it holds these very bytes: its name says so
            os.replace(packed, out)
            os.replace(cdxj_path(packed), cdxj_path(out))  # after the archive: an index never predates it
    return PackedSite(out, offsets)
