"""Streams stored articles out as JSON Lines, CSV or Parquet in constant memory (``kznews export``).

Every format carries the same columns (:data:`FIELDS`), one article per line / row:

* JSONL: UTF-8, one JSON object a line, non-ASCII kept as is; datetimes are ISO 8601 strings,
  ``published_at`` in the site's local offset (``2025-02-28T14:30:00+05:00``), the others in UTC (``+00:00``);
  ``tags`` is a list, ``lang_shares`` an object, ``translations`` a list of ``{"lang", "url"}``.
* CSV: RFC 4180 (comma, ``"`` quoting where needed, CRLF records, header row), UTF-8; newlines inside a text
  stay inside its quoted field; datetimes as in JSONL; ``tags``, ``lang_shares`` and ``translations`` are
  JSON strings; NULL is the empty field (so an empty string and NULL read back alike). Python's csv reader
  refuses fields over 128 KiB unless ``csv.field_size_limit`` is raised: a very long text needs that.
* Parquet: typed columns; datetimes are ``timestamp[us, tz=UTC]`` instants and the local publication time
  is ``published_at`` shifted by ``published_offset_minutes``; ``tags`` is ``list<string>``,
  ``lang_shares`` ``map<string, double>``, ``translations`` ``list<struct<lang, url>>``; row groups of
  :data:`ROW_GROUP_ROWS` rows (fewer when texts are long), zstd-compressed. Needs the ``kznews[parquet]``
  extra (pyarrow).

``--since`` / ``--until`` are days, both inclusive, compared with the article's LOCAL publication day (as the
crawler's ``-a since/until`` are); articles without ``published_at`` are left out when either is given.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gzip
import io
import json
import logging
import os
import sys
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import IO, Any, Protocol

from sqlalchemy import Select, Table, select
from sqlalchemy.orm import Session

from db.models import ArticleRecord, Site, TranslationLink

log = logging.getLogger(__name__)

FORMATS = ("jsonl", "csv", "parquet")
PARQUET_EXTRA = "kznews[parquet]"
# Rows per database round trip, and per writer call: a few MB of text in memory at a time.
FETCH_BATCH = 1000
# Parquet row groups: 10,000 rows is what readers like (few footer entries, good compression), but a group
# is built in memory, so long texts close it earlier, at 64 MB of Arrow data.
ROW_GROUP_ROWS = 10_000
ROW_GROUP_BYTES = 64 * 1024 * 1024
PROGRESS_EVERY = 100_000
# Widest UTC offsets in use (-12:00 .. +14:00): the SQL window is widened by them, the exact local-day
# check runs on each row.
_OFFSET_SLACK = timedelta(hours=14)

# The exported columns in order, by concept; site is the site's name, translations come from their table.
# fmt: off
FIELDS = (
    "id", "site", "edition", "url", "canonical_url",
    "title", "lead", "text", "author", "tags", "section", "dateline", "source_credit",
    "published_at", "published_offset_minutes", "modified_at", "date_source",
    "lang", "script", "lang_shares", "word_count", "damaged_chars",
    "content_hash", "version", "first_seen_at", "last_seen_at", "fetched_at",
    "warc_file", "warc_offset", "extractor_version",
    "translations",
)
# fmt: on
_JSON_FIELDS = ("tags", "lang_shares", "translations")
_ARTICLES: Table = ArticleRecord.__table__  # type: ignore[assignment]
_SITES: Table = Site.__table__  # type: ignore[assignment]
_TRANSLATIONS: Table = TranslationLink.__table__  # type: ignore[assignment]


class ExportError(Exception):
    """An export that cannot run as asked (bad output, missing extra, missing database)."""


class Writer(Protocol):
    """Receives export records batch by batch; ``close`` finishes the output."""

    def write(self, records: Sequence[dict[str, Any]]) -> None: ...  # noqa: D102
    def close(self) -> None: ...  # noqa: D102


def export_query(
    *,
    sites: Sequence[str] = (),
    langs: Sequence[str] = (),
    since: date | None = None,
    until: date | None = None,
    batch: int = FETCH_BATCH,
) -> Select[Any]:
    """The streaming SELECT behind an export: article columns + site name, id order, ``batch`` rows a fetch.

    The day window is widened by the largest UTC offset; :func:`iter_records` applies it exactly.
    """
    a = _ARTICLES.c
    columns = [a[name] for name in FIELDS if name in a and name != "id"]
    query = (
        select(a.id, _SITES.c.name.label("site"), *columns)
        .join(_SITES, _SITES.c.id == a.site_id)
        .order_by(a.id)
        .execution_options(yield_per=batch, stream_results=True)
    )
    if sites:
        query = query.where(_SITES.c.name.in_(sorted(set(sites))))
    if langs:
        query = query.where(a.lang.in_(sorted(set(langs))))
    if since is not None:
        query = query.where(a.published_at >= datetime.combine(since, time(), UTC) - _OFFSET_SLACK)
    if until is not None:
        end = datetime.combine(until + timedelta(days=1), time(), UTC) + _OFFSET_SLACK
        query = query.where(a.published_at < end)
    return query


def iter_records(
    session: Session,
    *,
    sites: Sequence[str] = (),
    langs: Sequence[str] = (),
    since: date | None = None,
    until: date | None = None,
    batch: int = FETCH_BATCH,
) -> Iterator[list[dict[str, Any]]]:
    """Yield export records (dicts keyed by :data:`FIELDS`) in batches of at most ``batch``.

    Translations are read with one query per batch. Datetimes are aware; ``published_at`` is local.
    """
    query = export_query(sites=sites, langs=langs, since=since, until=until, batch=batch)
    for rows in session.execute(query).partitions():
        links = _translations(session, [row.id for row in rows])
        records = []
        for row in rows:
            record = row._asdict()
            record["published_at"] = _local(record["published_at"], record["published_offset_minutes"])
            if (since or until) and not _in_days(record["published_at"], since, until):
                continue
            record["translations"] = links.get(row.id, [])
            records.append(record)
        if records:
            yield records


def export_articles(session: Session, writer: Writer, **filters: Any) -> int:
    """Stream the articles selected by ``filters`` (see :func:`iter_records`) into ``writer``.

    Returns:
        How many articles were written; ``writer`` is not closed here.
    """
    total = 0
    for records in iter_records(session, **filters):
        writer.write(records)
        before, total = total, total + len(records)
        if total // PROGRESS_EVERY > before // PROGRESS_EVERY:
            log.info("exported %d articles", total)
    return total


def _translations(session: Session, ids: list[int]) -> dict[int, list[dict[str, str]]]:
    t = _TRANSLATIONS.c
    query = select(t.article_id, t.lang, t.url).where(t.article_id.in_(ids)).order_by(t.article_id, t.id)
    links: dict[int, list[dict[str, str]]] = defaultdict(list)
    for article_id, lang, url in session.execute(query):
        links[article_id].append({"lang": lang, "url": url})
    return links


_ZONES: dict[int, timezone] = {}


def _local(value: datetime | None, offset: int | None) -> datetime | None:
    if value is None or offset is None:
        return value
    zone = _ZONES.get(offset)
    if zone is None:
        zone = _ZONES[offset] = timezone(timedelta(minutes=offset))
    return value.astimezone(zone)


def _in_days(value: datetime | None, since: date | None, until: date | None) -> bool:
    if value is None:
        return False
    day = value.date()
    return (since is None or day >= since) and (until is None or day <= until)


_DATETIME_FIELDS = ("published_at", "modified_at", "first_seen_at", "last_seen_at", "fetched_at")


def _textual(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` in FIELDS order with datetimes as ISO 8601 strings."""
    out = {name: record[name] for name in FIELDS}
    for name in _DATETIME_FIELDS:
        value = out[name]
        if value is not None:
            out[name] = value.isoformat()
    return out


class JsonlWriter:
    """One JSON object a line, UTF-8 with non-ASCII characters as they are."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def write(self, records: Sequence[dict[str, Any]]) -> None:
        """Append one line per record."""
        dumps = json.dumps
        self._stream.write("".join(dumps(_textual(record), ensure_ascii=False) + "\n" for record in records))

    def close(self) -> None:
        """Flush (the stream belongs to the caller)."""
        self._stream.flush()


class CsvWriter:
    """RFC 4180 CSV with a header row; list and mapping fields as JSON strings, NULL as empty."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._csv = csv.writer(stream, dialect="excel", lineterminator="\r\n")
        self._csv.writerow(FIELDS)

    def write(self, records: Sequence[dict[str, Any]]) -> None:
        """Append one CSV record per article."""
        self._csv.writerows(_csv_row(_textual(record)) for record in records)

    def close(self) -> None:
        """Flush (the stream belongs to the caller)."""
        self._stream.flush()


def _csv_row(record: dict[str, Any]) -> list[Any]:
    for name in _JSON_FIELDS:
        record[name] = json.dumps(record[name], ensure_ascii=False)
    return list(record.values())


class ParquetWriter:
    """Parquet via pyarrow with an explicit schema; row groups of ROW_GROUP_ROWS (fewer if rows are big).

    Each incoming batch becomes an Arrow record batch at once (compact, columnar), so at most one row group
    of Arrow data plus one batch of Python records is held in memory.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError as exc:
            raise ExportError(
                f"Parquet export needs pyarrow: pip install '{PARQUET_EXTRA}' (or pip install pyarrow)"
            ) from exc
        self._pa = pa
        self.schema = parquet_schema(pa)
        self._writer = pq.ParquetWriter(str(path), self.schema, compression="zstd")
        self._pending: list[Any] = []
        self._rows = self._bytes = 0

    def write(self, records: Sequence[dict[str, Any]]) -> None:
        """Convert the records to Arrow; full row groups are written out."""
        if not records:
            return
        columns = {name: [record[name] for record in records] for name in FIELDS}
        batch = self._pa.RecordBatch.from_pydict(columns, schema=self.schema)
        self._pending.append(batch)
        self._rows += batch.num_rows
        self._bytes += batch.nbytes
        if self._rows >= ROW_GROUP_ROWS or self._bytes >= ROW_GROUP_BYTES:
            self._flush(final=False)

    def close(self) -> None:
        """Write the last row group and the footer."""
        self._flush(final=True)
        self._writer.close()

    def _flush(self, *, final: bool) -> None:
        if not self._rows:
            return
        table = self._pa.Table.from_batches(self._pending, schema=self.schema)
        # Whole groups of ROW_GROUP_ROWS; everything when closing or when the bytes limit was hit.
        whole = (
            self._rows
            if final or self._bytes >= ROW_GROUP_BYTES
            else self._rows // ROW_GROUP_ROWS * ROW_GROUP_ROWS
        )
        self._writer.write_table(table.slice(0, whole), row_group_size=ROW_GROUP_ROWS)
        rest = table.slice(whole)
        self._pending = rest.to_batches()
        self._rows, self._bytes = rest.num_rows, rest.nbytes


def parquet_schema(pa: Any) -> Any:
    """The Parquet schema of an export, in :data:`FIELDS` order (``pa`` is the pyarrow module)."""
    string, stamp = pa.string(), pa.timestamp("us", tz="UTC")
    types = dict.fromkeys(FIELDS, string)
    types.update(
        id=pa.int64(),
        tags=pa.list_(string),
        published_at=stamp,
        published_offset_minutes=pa.int16(),
        modified_at=stamp,
        lang_shares=pa.map_(string, pa.float64()),
        word_count=pa.int32(),
        damaged_chars=pa.int32(),
        version=pa.int32(),
        first_seen_at=stamp,
        last_seen_at=stamp,
        fetched_at=stamp,
        warc_offset=pa.int64(),
        translations=pa.list_(pa.struct([("lang", string), ("url", string)])),
    )
    required = {"id", "site", "url", "canonical_url", "text", "content_hash", "extractor_version"}
    return pa.schema([pa.field(name, types[name], nullable=name not in required) for name in FIELDS])


def infer_format(output: str) -> str:
    """The format a file name asks for (``.parquet``, ``.csv[.gz]``), JSON Lines otherwise."""
    name = output.lower().removesuffix(".gz")
    return next((fmt for fmt in ("parquet", "csv") if name.endswith("." + fmt)), "jsonl")


@contextlib.contextmanager
def open_writer(fmt: str, output: str = "-") -> Iterator[Writer]:
    """A writer for ``fmt`` on ``output`` ("-" = stdout; a ``.gz`` file name gzips JSONL and CSV).

    A file is written as ``<output>.part`` and renamed when the export succeeds, so an interrupted export
    never leaves a file that looks complete.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    if output == "-":
        if fmt == "parquet":
            raise ExportError("Parquet cannot go to stdout: give a file with -o")
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=False)
        writer = JsonlWriter(stream) if fmt == "jsonl" else CsvWriter(stream)
        try:
            yield writer
            writer.close()
        finally:
            stream.detach()  # sys.stdout stays usable
        return
    target = Path(output)
    if not target.parent.is_dir():
        raise ExportError(f"output directory does not exist: {target.parent}")
    part = target.with_name(target.name + ".part")
    try:
        if fmt == "parquet":
            writer = ParquetWriter(part)
            yield writer
            writer.close()
        else:
            opener = gzip.open if target.suffix == ".gz" else open
            with opener(part, "wt", encoding="utf-8", newline="") as stream:  # type: ignore[operator]
                writer = JsonlWriter(stream) if fmt == "jsonl" else CsvWriter(stream)
                yield writer
                writer.close()
        part.replace(target)
    finally:
        part.unlink(missing_ok=True)


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {value!r}") from exc


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``kznews export`` options to ``parser``."""
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help="jsonl (default), csv or parquet; default from the -o file name (.csv, .parquet, .gz)",
    )
    parser.add_argument(
        "-o", "--output", default="-", help="file to write; - or omitted: stdout (not parquet)"
    )
    parser.add_argument("--site", action="append", default=[], help="only this site (repeatable)")
    parser.add_argument(
        "--lang", action="append", default=[], help="only this language, kk/ru/en (repeatable)"
    )
    parser.add_argument("--since", type=_day, help="published on or after this local day, YYYY-MM-DD")
    parser.add_argument("--until", type=_day, help="published on or before this local day (inclusive)")
    parser.add_argument("--database-url", help="default: KZNEWS_DATABASE_URL or data/kznews.sqlite3")


def run_export(args: argparse.Namespace) -> int:
    """Run ``kznews export``; the articles go to ``args.output``, a summary to stderr.

    Returns:
        0 on success, 2 when the export cannot run as asked (the reason is printed).
    """
    from db.engine import database_url, normalize_url
    from db.migrate import open_database

    fmt = args.format or infer_format(args.output)
    url = args.database_url or database_url()
    try:
        if args.since and args.until and args.since > args.until:
            raise ExportError(f"--since {args.since} is after --until {args.until}")
        parsed = normalize_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
            if not Path(parsed.database).exists():
                raise ExportError(f"no database at {parsed.database}")
        factory = open_database(url)
        try:
            filters = {"sites": args.site, "langs": args.lang, "since": args.since, "until": args.until}
            with open_writer(fmt, args.output) as writer, factory() as session:
                total = export_articles(session, writer, **filters)
        finally:
            factory.kw["bind"].dispose()
    except ExportError as exc:
        print(f"kznews export: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: stop quietly, as the Python docs on SIGPIPE advise.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    print(f"kznews export: {total} articles as {fmt} to {args.output}", file=sys.stderr)
    return 0
