"""Archive look-up for re-cleaning: find the WARC files stored articles point to, read their records back."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from db.reclean import StoredPointer
from pipelines.article import RawPage, header_map

logger = logging.getLogger(__name__)

UNREADABLE = ("no_file", "unreadable", "other_url")
"""Reasons that mean the archive lost or changed a record a stored article points to (reprocess fails)."""


class ArchiveIndex:
    """Where the WARC file named by a pointer (``articles.warc_file``) is.

    A crawl stores the path of the file as it opened it (relative to its working directory, or absolute);
    older rows hold the bare file name. ``find`` tries that path itself when ``stored_paths`` is on (the
    default of ``kznews reprocess``), then a file of the same name under ``directories`` (searched
    recursively, indexed at the first look-up; a directory may also be one WARC file).

    Raises:
        FileNotFoundError: one of ``directories`` does not exist.
    """

    def __init__(self, directories: Sequence[str | Path], *, stored_paths: bool = False):
        self.directories = [Path(d) for d in directories]
        self.stored_paths = stored_paths
        missing = [str(d) for d in self.directories if not d.exists()]
        if missing:
            raise FileNotFoundError(f"archive directory {', '.join(missing)} does not exist")
        self._names: dict[str, Path] | None = None

    def find(self, stored: str) -> Path | None:
        """The path of the WARC file a pointer names, or None."""
        path = Path(stored)
        if self.stored_paths and path.is_file():
            return path
        return self._by_name().get(path.name)

    def where(self) -> str:
        """Where ``find`` looks, for a message."""
        places = ["the stored path"] if self.stored_paths else []
        places += [str(d) for d in self.directories]
        return " and ".join(places) or "nowhere"

    def _by_name(self) -> dict[str, Path]:
        if self._names is None:
            from crawler.warcstore import WARC_SUFFIXES

            self._names = {}
            for directory in self.directories:
                found = [directory] if directory.is_file() else sorted(directory.rglob("*"))
                for path in found:
                    if path.name.endswith(WARC_SUFFIXES) and path.is_file():
                        if path.name in self._names:
                            logger.warning("WARC %s found twice; using %s", path.name, self._names[path.name])
                            continue
                        self._names[path.name] = path
        return self._names


@dataclass(slots=True)
class MissingRecords:
    """Pointers whose record could not be read: counted by (reason, WARC file), with the first cause."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    causes: dict[tuple[str, str], str] = field(default_factory=dict)

    def add(self, pointer: StoredPointer, reason: str, cause: str) -> None:
        """Count one pointer (logged at debug level: the summary has one line per reason and file)."""
        key = (reason, pointer.warc_file or "")
        self.counts[key] += 1
        self.causes.setdefault(key, cause)
        logger.debug("No archived page for %s (%s: %s); left as stored", pointer.url, reason, cause)

    def by_reason(self) -> Counter[str]:
        """Counts by reason only."""
        counts: Counter[str] = Counter()
        for (reason, _), count in self.counts.items():
            counts[reason] += count
        return counts

    def lost(self) -> int:
        """Pointers whose file is gone or whose record is not there any more."""
        return sum(count for (reason, _), count in self.counts.items() if reason in UNREADABLE)

    def lines(self) -> list[str]:
        """One line per reason and file: count, reason, file, cause."""
        return [
            f"  {count} {reason}: {file or '-'}: {self.causes[(reason, file)]}"
            for (reason, file), count in sorted(self.counts.items())
        ]


def load_pages(
    pointers: Sequence[StoredPointer], archive: ArchiveIndex, missing: MissingRecords
) -> list[tuple[StoredPointer, RawPage]]:
    """Read each pointer's record, one WARC file at a time in offset order; count in ``missing`` what
    cannot be read (``not_archived``, ``no_file``, ``unreadable``, ``other_url``)."""
    from crawler.warcstore import read_record, url_key

    by_file: dict[str, list[StoredPointer]] = defaultdict(list)
    for pointer in pointers:
        if pointer.warc_file and pointer.warc_offset is not None:
            by_file[pointer.warc_file].append(pointer)
        else:
            missing.add(
                pointer, "not_archived", "stored without a WARC record (crawled without KZNEWS_ARCHIVE)"
            )
    pages = []
    for name, group in by_file.items():
        path = archive.find(name)
        for pointer in sorted(group, key=lambda p: p.warc_offset or 0):
            if path is None:
                missing.add(
                    pointer, "no_file", f"not found (looked at {archive.where()}); pass --archive DIR"
                )
                continue
            try:
                record = read_record(path, pointer.warc_offset or 0)
            except FileNotFoundError:
                missing.add(pointer, "no_file", f"{path} disappeared while reading it")
                continue
            except OSError as exc:
                missing.add(
                    pointer, "unreadable", f"cannot read {path}: {exc.strerror or type(exc).__name__}"
                )
                continue
            except Exception:  # warcio's ArchiveLoadFailed quotes the bytes it found: never shown
                missing.add(pointer, "unreadable", f"no response record at the stored offset of {path}")
                continue
            if url_key(record.url) != url_key(pointer.url):
                missing.add(pointer, "other_url", f"the stored offset of {path} holds another URL")
                continue
            page = RawPage(  # as the spider builds it (NewsSpider.parse_article)
                url=pointer.url,
                body=record.body,
                headers=header_map(record.headers),
                fetched_at=record.fetched_at or pointer.fetched_at,
                site=pointer.site,
                edition=pointer.edition,
                status=record.status,
                warc_file=pointer.warc_file,
                warc_offset=pointer.warc_offset,
            )
            pages.append((pointer, page))
    return pages
