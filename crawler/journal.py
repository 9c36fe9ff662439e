"""The store's local journal: article batches and run ends the database could not take, kept until it can.

While the database is down the crawl's store spills what it cannot write to JSON Lines files in
KZNEWS_JOURNAL_DIR: one article (or one run's end record) per line, one file per process and database,
named by creation time, host, pid and the pid's start time, and flock()ed by the process that writes it.
Replaying hands the lines back to the database oldest first and deletes each file once all of it is
stored. A file whose lock can be taken belongs to a process that is gone (the kernel drops a dead
process's locks, SIGKILL included), so any crawl of this machine on the same database may claim it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from db.engine import normalize_url, sqlite_file
from pipelines import runowner
from pipelines.article import Article, Removal, Translation

logger = logging.getLogger(__name__)

SUFFIX = ".jsonl"
_TIMES = ("published_at", "modified_at", "fetched_at")
_TUPLES = tuple(f.name for f in fields(Article) if f.default == ())  # JSON lists that are tuples again
_DERIVED = ("text", "word_count")  # Article.to_json adds them; the Article computes them


class DatabaseDown(Exception):
    """The database went away while taking a batch, after its first ``done`` articles were committed."""

    def __init__(self, done: int = 0) -> None:
        super().__init__(f"database unavailable after {done} article(s)")
        self.done = done


@dataclass(frozen=True, slots=True)
class Spilled:
    """A batch of a run (or what was left of it) the database could not take."""

    run_id: int | None
    fetched_at: datetime
    articles: tuple[Article, ...]


@dataclass(frozen=True, slots=True)
class RunEnd:
    """The end of a run the database could not record: the arguments of ``db.runs.finish_run``."""

    run_id: int
    status: str
    counters: Mapping[str, Any]
    stats: Mapping[str, Any]
    finished_at: datetime


@dataclass
class _File:
    path: Path
    handle: BinaryIO  # holds the lock as long as it is open
    replayed: int = 0  # bytes of it already in the database

    def size(self) -> int:
        return os.fstat(self.handle.fileno()).st_size


def database_key(url: str) -> str:
    """A short name of a database, without its password: a journal is only replayed into its own database."""
    path = sqlite_file(url)
    name = str(path.resolve()) if path else normalize_url(url).render_as_string(hide_password=True)
    return hashlib.sha256(name.encode()).hexdigest()[:12]


def article_from_json(data: Mapping[str, Any]) -> Article:
    """The Article that ``Article.to_json`` described (datetimes with their offsets, tuples, nested types)."""
    names = {f.name for f in fields(Article)}
    values = {key: value for key, value in data.items() if key in names and key not in _DERIVED}
    for key in _TIMES:
        if values.get(key) is not None:
            values[key] = datetime.fromisoformat(values[key])
    for key in _TUPLES:
        if key in values:
            values[key] = tuple(values[key])
    values["translations"] = tuple(Translation(**t) for t in values.get("translations", ()))
    values["removed"] = tuple(Removal(**r) for r in values.get("removed", ()))
    return Article(**values)


class Journal:
    """This process's journal files for one database: its own (appended to) and those it claimed."""

    def __init__(self, directory: str | Path, key: str) -> None:
        self.directory = Path(directory)
        self.key = key
        self._files: list[_File] = []  # oldest first (names start with the creation time)
        self._own: _File | None = None

    def pending(self) -> bool:
        """True while some journaled line is not in the database yet."""
        return any(file.replayed < file.size() for file in self._files)

    def claim(self) -> int:
        """Take the files of this database left by processes that are gone; returns how many."""
        held = {file.path for file in self._files}
        paths = sorted(self.directory.glob(f"*-{self.key}{SUFFIX}")) if self.directory.is_dir() else []
        claimed = [_File(p, h) for p in paths if p not in held and (h := _lock(p)) is not None]
        self._files = sorted([*self._files, *claimed], key=lambda file: file.path.name)
        return len(claimed)

    def append(self, record: Spilled | RunEnd) -> Path:
        """Add a record to this process's file (created at the first), on disk before returning."""
        if self._own is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            path = self.directory / _file_name(self.key)
            handle = open(path, "ab", buffering=0)  # open until close(): it holds the lock
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a new name: nobody else holds it
            self._own = _File(path, handle)
            self._files.append(self._own)
        data, fd = memoryview(_encode(record)), self._own.handle.fileno()
        start = os.fstat(fd).st_size
        try:
            while data:
                data = data[os.write(fd, data) :]
            os.fsync(fd)
        except OSError:  # disk full: a torn line would swallow the next record too
            os.ftruncate(fd, start)
            raise
        return self._own.path

    def replay(
        self, write: Callable[[Spilled], None], finish: Callable[[RunEnd], None], batch_size: int
    ) -> bool:
        """Hand every journaled record to the database, oldest first; each file is deleted once stored.

        Args:
            write: stores a batch of one run; raises DatabaseDown (saying how much of it was stored).
            finish: records a run's end; raises DatabaseDown.
            batch_size: articles per ``write``.

        Returns:
            True when the journal is empty; False when the database went away again (the rest is kept).
        """
        for file in list(self._files):
            for record, ends in _read(file, batch_size):
                try:
                    if isinstance(record, Spilled):
                        write(record)
                    else:
                        finish(record)
                except DatabaseDown as down:
                    file.replayed = ends[down.done - 1] if down.done else file.replayed
                    return False
                file.replayed = ends[-1]
            self._drop(file)
        return True

    def close(self) -> None:
        """Let go of every file: a partly replayed one keeps only its rest, for the next run to replay."""
        for file in self._files:
            try:
                if 0 < file.replayed < file.size():
                    _keep_rest(file)
            except OSError as exc:  # kept whole: its replayed part is stored again (same rows, unchanged)
                logger.warning("%s: could not drop its replayed part: %s", file.path.name, exc)
            file.handle.close()
        self._files, self._own = [], None

    def _drop(self, file: _File) -> None:
        file.path.unlink(missing_ok=True)  # unlinked before unlocking: nobody can claim it in between
        file.handle.close()
        self._files.remove(file)
        if file is self._own:
            self._own = None


def _file_name(key: str) -> str:
    owner = runowner.run_owner()
    host = re.sub(r"[^A-Za-z0-9.]+", "_", owner["host"])
    created = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{created}-{host}-{owner['pid']}-{owner['pid_started']}-{key}{SUFFIX}"


def _lock(path: Path) -> BinaryIO | None:
    """``path`` opened and locked, or None when its process still holds it (or it is gone)."""
    try:
        handle = open(path, "rb")  # open while claimed: it holds the lock
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if os.fstat(handle.fileno()).st_nlink == 0:  # replayed and deleted while we opened it
            raise FileNotFoundError(path)
    except OSError:  # BlockingIOError: a live process holds it
        handle.close()
        return None
    return handle


def _keep_rest(file: _File) -> None:
    rest = file.path.with_name(file.path.name + ".part")  # not a journal name: nobody claims it yet
    with open(file.path, "rb") as source, open(rest, "wb") as target:
        source.seek(file.replayed)
        target.write(source.read())
        target.flush()
        os.fsync(target.fileno())
    os.replace(rest, file.path)


def _encode(record: Spilled | RunEnd) -> bytes:
    if isinstance(record, RunEnd):
        end = {"kind": "run_end", "run": record.run_id, "status": record.status, "counters": record.counters}
        lines = [{**end, "stats": record.stats, "finished_at": record.finished_at.isoformat()}]
    else:
        when = record.fetched_at.isoformat()
        lines = [
            {"kind": "article", "run": record.run_id, "fetched_at": when, "article": _article_json(article)}
            for article in record.articles
        ]
    # ASCII escapes keep a lone surrogate intact (UTF-8 cannot encode it): the database judges it.
    return b"".join(json.dumps(line, separators=(",", ":")).encode("ascii") + b"\n" for line in lines)


def _article_json(article: Article) -> dict[str, Any]:
    data = article.to_json()
    for key in _DERIVED:
        del data[key]
    return data


def _read(file: _File, batch_size: int) -> Iterator[tuple[Spilled | RunEnd, list[int]]]:
    """The file's records from where replay stopped, batched, each with the offsets after its lines."""
    batch: list[Article] = []
    ends: list[int] = []
    key: tuple[int | None, str] = (None, "")
    with open(file.path, "rb") as source:
        source.seek(file.replayed)
        position = file.replayed
        for line in source:
            position += len(line)
            record = _decode(file.path, line)
            if record is None:
                continue
            if batch and (isinstance(record, RunEnd) or record[0] != key or len(batch) >= batch_size):
                yield _spilled(key, batch), ends
                batch, ends = [], []
            if isinstance(record, RunEnd):
                yield record, [position]
            else:
                key = record[0]
                batch.append(record[1])
                ends.append(position)
        if batch:
            yield _spilled(key, batch), ends


def _spilled(key: tuple[int | None, str], batch: list[Article]) -> Spilled:
    return Spilled(key[0], datetime.fromisoformat(key[1]), tuple(batch))


def _decode(path: Path, line: bytes) -> tuple[tuple[int | None, str], Article] | RunEnd | None:
    """A line as a run's end, or as ((run id, batch time), article); None when it cannot be read."""
    if not line.endswith(b"\n"):
        logger.warning("%s: torn last line skipped (its process died while writing it)", path.name)
        return None
    try:
        data = json.loads(line)
        if data["kind"] == "run_end":
            when = datetime.fromisoformat(data["finished_at"])
            return RunEnd(data["run"], data["status"], data["counters"], data["stats"], when)
        return (data["run"], data["fetched_at"]), article_from_json(data["article"])
    except (ValueError, KeyError, TypeError) as exc:
        logger.warning("%s: unreadable line skipped: %s", path.name, exc)
        return None
