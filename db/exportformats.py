"""The export's columns, derived from the article model, and the writers for JSON Lines, CSV and Parquet."""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any, Protocol

from sqlalchemy import JSON, BigInteger, Column, Integer, String, Table

from db.models import ArticleRecord, Site, UTCDateTime

FORMATS = ("jsonl", "csv", "parquet")
PARQUET_EXTRA = "kznews[parquet]"
# Parquet row groups: 10,000 rows is what readers like (few footer entries, good compression), but a group
# is built in memory, so long texts close it earlier, at 64 MB of Arrow data.
ROW_GROUP_ROWS = 10_000
ROW_GROUP_BYTES = 64 * 1024 * 1024

NOT_EXPORTED = ("updated_at",)
"""Article columns left out: when the repository last wrote the row says nothing about the article."""
TRANSLATIONS = "translations"
"""The last export column: the article's links to other editions, from their own table."""


def _export_columns() -> dict[str, Column[Any]]:
    """Export name -> the column it is read from: the article columns in model order, site by name."""
    articles: Table = ArticleRecord.__table__  # type: ignore[assignment]
    sites: Table = Site.__table__  # type: ignore[assignment]
    shown_as = {"site_id": ("site", sites.c.name)}  # a site's row id means nothing outside this database
    columns = (shown_as.get(c.key, (c.key, c)) for c in articles.columns if c.key not in NOT_EXPORTED)
    return dict(columns)


EXPORT_COLUMNS = _export_columns()
"""The exported database columns by export name, in :data:`FIELDS` order."""
FIELDS = (*EXPORT_COLUMNS, TRANSLATIONS)
"""The exported columns in order; every format carries all of them, one article per line / row."""
_DATETIME_FIELDS = tuple(name for name, c in EXPORT_COLUMNS.items() if isinstance(c.type, UTCDateTime))
_JSON_FIELDS = (*(name for name, c in EXPORT_COLUMNS.items() if isinstance(c.type, JSON)), TRANSLATIONS)
# Non-nullable in Parquet: the article's identity and text. Every other field stays nullable, as the first
# exports published it, whatever the column's NOT NULL: the file schema does not follow database changes.
PARQUET_REQUIRED = frozenset(
    {"id", "site", "url", "canonical_url", "text", "content_hash", "extractor_version"}
)


class ExportError(Exception):
    """An export that cannot run as asked (bad output, missing extra, missing database)."""


class Writer(Protocol):
    """Receives export records batch by batch; ``close`` finishes the output."""

    def write(self, records: Sequence[dict[str, Any]]) -> None: ...  # noqa: D102
    def close(self) -> None: ...  # noqa: D102


def _textual(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` in FIELDS order with datetimes as ISO 8601 strings."""
    out = {name: record[name] for name in FIELDS}
    for name in _DATETIME_FIELDS:
        value = out[name]
        if value is not None:
            out[name] = value.isoformat()
    return out


class JsonlWriter:
    """JSON Lines: UTF-8, one JSON object a line, non-ASCII kept as is.

    Datetimes are ISO 8601 strings, ``published_at`` in the site's local offset
    (``2025-02-28T14:30:00+05:00``), the others in UTC (``+00:00``); ``tags`` is a list, ``lang_shares`` an
    object, ``translations`` a list of ``{"lang", "url"}``.
    """

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
    """RFC 4180 CSV (comma, ``"`` quoting where needed, CRLF records, header row), UTF-8.

    Newlines inside a text stay inside its quoted field; datetimes as in JSON Lines; ``tags``,
    ``lang_shares`` and ``translations`` are JSON strings; NULL is the empty field (so an empty string and
    NULL read back alike). Python's csv reader refuses fields over 128 KiB unless ``csv.field_size_limit``
    is raised: a very long text needs that.
    """

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
    """Parquet via pyarrow: typed columns (:func:`parquet_schema`), zstd-compressed.

    Datetimes are ``timestamp[us, tz=UTC]`` instants; the local publication time is ``published_at`` shifted
    by ``published_offset_minutes``. Row groups have ROW_GROUP_ROWS rows (fewer when texts are long). Each
    incoming batch becomes an Arrow record batch at once (compact, columnar), so at most one row group of
    Arrow data plus one batch of Python records is held in memory.
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
    """The Parquet schema of an export, in :data:`FIELDS` order (``pa`` is the pyarrow module).

    Each column's type follows from its SQL type (:func:`_arrow_type`), except the fields named here.
    """
    string = pa.string()
    special = {
        "id": pa.int64(),  # SQLite row ids are 64-bit
        "published_offset_minutes": pa.int16(),  # -720 .. +840
        # The shapes inside the JSON columns, and the translations read from their own table.
        "tags": pa.list_(string),
        "lang_shares": pa.map_(string, pa.float64()),
        TRANSLATIONS: pa.list_(pa.struct([("lang", string), ("url", string)])),
    }
    fields = []
    for name in FIELDS:
        arrow_type = special[name] if name in special else _arrow_type(pa, EXPORT_COLUMNS[name])
        fields.append(pa.field(name, arrow_type, nullable=name not in PARQUET_REQUIRED))
    return pa.schema(fields)


def _arrow_type(pa: Any, column: Column[Any]) -> Any:
    """The Arrow type a column's SQL type maps to; UTCDateTime holds instants, so they are UTC timestamps."""
    sql_type = column.type
    if isinstance(sql_type, UTCDateTime):
        return pa.timestamp("us", tz="UTC")
    if isinstance(sql_type, BigInteger):
        return pa.int64()
    if isinstance(sql_type, Integer):
        return pa.int32()
    if isinstance(sql_type, String):
        return pa.string()
    raise TypeError(f"no Parquet type for column {column.key!r} ({sql_type!r}): name one in parquet_schema")


def infer_format(output: str) -> str:
    """The format a file name asks for (``.parquet``, ``.csv[.gz]``), JSON Lines otherwise."""
    name = output.lower().removesuffix(".gz")
    return next((fmt for fmt in ("parquet", "csv") if name.endswith("." + fmt)), "jsonl")


@contextlib.contextmanager
def open_writer(fmt: str, output: str = "-") -> Iterator[Writer]:
    """A writer for ``fmt`` on ``output`` ("-" = stdout; a ``.gz`` file name gzips JSONL and CSV).

    A file is written as ``<output>.part`` and renamed when the export succeeds, so an interrupted export
    never leaves a file that looks complete. Parquet needs the ``kznews[parquet]`` extra (pyarrow).
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
