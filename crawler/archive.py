"""Archive look-up for re-cleaning: find the WARC files stored articles point to, read their records back."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

from db.reclean import StoredPointer
from pipelines.article import RawPage, header_map

logger = logging.getLogger(__name__)


class ArchiveIndex:
    """The WARC files under one or more directories (or given as files), by basename (``articles.warc_file``).

    Files are indexed once, subdirectories included; a name not in the index (written after it was
    built) is looked for directly in each directory.
    """

    def __init__(self, directories: Sequence[str | Path]):
        from crawler.warcstore import WARC_SUFFIXES

        self.directories = [Path(d) for d in directories]
        self.paths: dict[str, Path] = {}
        for directory in self.directories:
            if not directory.exists():
                raise FileNotFoundError(f"archive directory {directory} does not exist")
            found = [directory] if directory.is_file() else sorted(directory.rglob("*"))
            for path in found:
                if path.name.endswith(WARC_SUFFIXES) and path.is_file():
                    if path.name in self.paths:
                        logger.warning("WARC %s found twice; using %s", path.name, self.paths[path.name])
                        continue
                    self.paths[path.name] = path

    def find(self, name: str) -> Path | None:
        """The path of the WARC file called ``name``, or None."""
        if name in self.paths:
            return self.paths[name]
        return next((d / name for d in self.directories if d.is_dir() and (d / name).is_file()), None)


def load_pages(
    pointers: Sequence[StoredPointer], archive: ArchiveIndex, missing: Counter[str]
) -> list[tuple[StoredPointer, RawPage]]:
    """Read each pointer's record, one WARC file at a time in offset order; count in ``missing`` by reason
    what cannot be read (``not_archived``, ``no_file``, ``unreadable``, ``other_url``)."""
    from crawler.warcstore import read_record, url_key

    by_file: dict[str, list[StoredPointer]] = defaultdict(list)
    for pointer in pointers:
        if pointer.warc_file and pointer.warc_offset is not None:
            by_file[pointer.warc_file].append(pointer)
        else:
            _missing(missing, pointer, "not_archived", "stored without a WARC record")
    pages = []
    for name, group in by_file.items():
        path = archive.find(name)
        for pointer in sorted(group, key=lambda p: p.warc_offset or 0):
            if path is None:
                _missing(missing, pointer, "no_file", f"{name} is not in the archive")
                continue
            try:
                record = read_record(path, pointer.warc_offset or 0)
            except Exception as exc:  # a damaged record must not end a run over the whole corpus
                _missing(missing, pointer, "unreadable", f"{name}@{pointer.warc_offset}: {exc!r:.200}")
                continue
            if url_key(record.url) != url_key(pointer.url):
                _missing(missing, pointer, "other_url", f"{name}@{pointer.warc_offset} holds {record.url}")
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


def _missing(missing: Counter[str], pointer: StoredPointer, reason: str, detail: str) -> None:
    missing[reason] += 1
    logger.warning("No archived page for %s (%s: %s); left as stored", pointer.url, reason, detail)
