"""The saved fixture site, shipped as package data (the demo's input, the tests' site): its manifest, and
packing it into a WARC for replay runs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

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
            file=entry.get("file"),
            fetched_at=fetched_at,
        )
    return pages


def pack_fixture_site(manifest_path: str | Path, out_path: str | Path) -> list[int]:
    """Write every manifest page as one WARC response record, dated the page's fetched_at.

    The 429 of a retry-once page is skipped.

    Returns:
        The offset of each record, in manifest order.
    """
    pages = load_manifest(manifest_path)
    entries = [(p.url, p.status, p.response_headers(), p.body, p.fetched_at) for p in pages.values()]
    return write_archive(out_path, entries)
