from __future__ import annotations

import argparse
import csv
import dataclasses
import gzip
import json
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone

import pyarrow.parquet as pq
import pytest
from sqlalchemy import event, select

from crawler.cli import main
from crawler.cli.export import FORMATS as CLI_FORMATS
from crawler.cli.export import add_arguments as add_export_arguments
from crawler.cli.export import run as run_export
from db import exportformats
from db.convert import record_to_dict
from db.export import export_articles, export_query
from db.exportformats import FIELDS, FORMATS, ExportError, infer_format, open_writer
from db.models import ArticleRecord, Site, TranslationLink
from db.repository import upsert_articles
from pipelines.article import Article, Translation

ALMATY = timezone(timedelta(hours=5))
ALMATY_2023 = timezone(timedelta(hours=6))  # Kazakhstan was UTC+6 until 2024-03-01
FETCHED = datetime(2025, 3, 2, 6, 0, tzinfo=UTC)
TRICKY_TITLE = 'Бағасы "қымбат", бірақ; сапалы — 100%'
TRICKY_PARAGRAPHS = (
    'Бірінші абзац: "тырнақша", үтір, нүкте; әғқңөұүһі ӘҒҚҢӨҰҮҺІ.',
    "Екінші жол\tтаб, emoji 🇰🇿😀, Windows жол соңы\r\nжәне \\ кері қиғаш.",
    "Үшінші, ,, \"\" ''",
)


def make_article(n: int = 0, **changes) -> Article:
    article = Article(
        url=f"https://kaz.tengrinews.kz/news/story-{n}/",
        site="tengrinews",
        edition="kk",
        lang="kk",
        script="Cyrl",
        lang_shares={"kk": 0.9, "ru": 0.1},
        title=f"{TRICKY_TITLE} {n}",
        lead='Лид, "тырнақшамен"\nжәне жаңа жолмен.',
        paragraphs=TRICKY_PARAGRAPHS,
        published_at=datetime(2025, 2, 28, 14, 30, tzinfo=ALMATY) + timedelta(days=n),
        modified_at=datetime(2025, 3, 1, 1, 0, tzinfo=UTC),
        date_source="jsonld",
        author="Әлия Нұрланқызы",
        tags=("экономика", 'тег, "қиын"'),
        section="Қоғам",
        dateline="АСТАНА",
        source_credit="Kazinform",
        damaged_chars=2,
        fetched_at=FETCHED,
        warc_file="crawl-00001.warc.gz",
        warc_offset=12_345_678_901,
        translations=(Translation(lang="ru", url=f"https://tengrinews.kz/news/story-{n}/"),),
    )
    return dataclasses.replace(article, **changes)


def store(session, *articles: Article) -> None:
    upsert_articles(session, list(articles), fetched_at=FETCHED)
    session.commit()


def expected(session) -> list[dict]:
    """Every stored article as the JSON export should show it, built from the ORM rows."""
    session.expire_all()
    rows = []
    for record in session.scalars(select(ArticleRecord).order_by(ArticleRecord.id)):
        data = record_to_dict(record, site=session.get_one(Site, record.site_id).name)
        for internal in ("site_id", "updated_at"):
            del data[internal]
        links = session.execute(
            select(TranslationLink.lang, TranslationLink.url).where(TranslationLink.article_id == record.id)
        )
        data["translations"] = [{"lang": lang, "url": url} for lang, url in links]
        rows.append(data)
    return rows


def write(session, tmp_path, fmt: str, name: str | None = None, **filters):
    path = tmp_path / (name or f"out.{fmt}")
    with open_writer(fmt, str(path)) as writer:
        export_articles(session, writer, **filters)
    return path


def read_jsonl(path) -> list[dict]:
    with open(path, encoding="utf-8") as stream:
        return [json.loads(line) for line in stream]


def read_csv(path) -> list[dict]:
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream)
        assert tuple(next(reader)) == FIELDS
        return [dict(zip(FIELDS, row, strict=True)) for row in reader]


def exported_urls(session, tmp_path, **filters) -> list[str]:
    return [row["url"] for row in read_jsonl(write(session, tmp_path, "jsonl", **filters))]


class TestRoundTrip:
    def test_jsonl_gives_back_every_field(self, session, tmp_path):
        store(session, make_article(0), make_article(1, published_at=None, title=None, tags=()))
        rows = read_jsonl(write(session, tmp_path, "jsonl"))
        assert rows == expected(session)
        assert list(rows[0]) == list(FIELDS)
        assert rows[0]["text"] == "\n".join(TRICKY_PARAGRAPHS)
        assert rows[0]["published_at"] == "2025-02-28T14:30:00+05:00"
        assert rows[0]["translations"] == [{"lang": "ru", "url": "https://tengrinews.kz/news/story-0/"}]
        assert rows[1]["published_at"] is None and rows[1]["tags"] == []

    def test_jsonl_keeps_non_ascii_as_utf8_one_article_a_line(self, session, tmp_path):
        store(session, make_article(0), make_article(1))
        raw = write(session, tmp_path, "jsonl").read_bytes()
        assert raw.count(b"\n") == 2
        assert "🇰🇿😀".encode() in raw and b"\\u" not in raw

    def test_csv_gives_back_every_field_as_text(self, session, tmp_path):
        store(session, make_article(0), make_article(1, published_at=None, author=None))
        rows = read_csv(write(session, tmp_path, "csv"))
        for row, want in zip(rows, expected(session), strict=True):
            for name in ("tags", "lang_shares", "translations"):
                assert json.loads(row.pop(name)) == want.pop(name)
            assert row == {k: "" if v is None else str(v) for k, v in want.items()}
        assert rows[0]["text"] == "\n".join(TRICKY_PARAGRAPHS)  # \r\n and \n inside a quoted field survive
        assert rows[1]["published_at"] == "" and rows[1]["author"] == ""

    def test_csv_is_rfc4180(self, session, tmp_path):
        store(session, make_article(0))
        raw = write(session, tmp_path, "csv").read_bytes()
        header, _, _ = raw.partition(b"\r\n")
        assert header == ",".join(FIELDS).encode()
        assert b'"' + TRICKY_TITLE.replace('"', '""').encode() in raw

    def test_gzipped_csv_is_written_when_the_name_ends_in_gz(self, session, tmp_path):
        store(session, make_article(0))
        path = write(session, tmp_path, "csv", name="out.csv.gz")
        assert path.read_bytes()[:2] == b"\x1f\x8b"
        assert read_csv(path)[0]["title"] == f"{TRICKY_TITLE} 0"

    def test_parquet_gives_back_every_field_typed(self, session, tmp_path):
        store(session, make_article(0), make_article(1, published_at=None, lang_shares={}))
        table = pq.read_table(write(session, tmp_path, "parquet"))
        assert tuple(table.column_names) == FIELDS
        rows = table.to_pylist()
        session.expire_all()
        records = session.scalars(select(ArticleRecord).order_by(ArticleRecord.id)).all()
        for row, record in zip(rows, records, strict=True):
            assert row.pop("site") == "tengrinews"
            assert dict(row.pop("lang_shares")) == record.lang_shares
            assert row.pop("translations") == [{"lang": "ru", "url": record.url.replace("kaz.", "")}]
            assert row == {name: getattr(record, name) for name in row}
        assert rows[0]["published_at"] == datetime(2025, 2, 28, 9, 30, tzinfo=UTC)
        assert rows[0]["published_offset_minutes"] == 300
        assert str(table.schema.field("published_at").type) == "timestamp[us, tz=UTC]"

    def test_parquet_rows_are_grouped(self, session, tmp_path, monkeypatch):
        monkeypatch.setattr(exportformats, "ROW_GROUP_ROWS", 2)
        store(session, *(make_article(n) for n in range(5)))
        path = write(session, tmp_path, "parquet", batch=3)
        meta = pq.ParquetFile(path).metadata
        assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [2, 2, 1]

    def test_local_offset_of_the_publication_is_kept(self, session, tmp_path):
        store(session, make_article(0, published_at=datetime(2023, 6, 1, 23, 30, tzinfo=ALMATY_2023)))
        assert read_jsonl(write(session, tmp_path, "jsonl"))[0]["published_at"] == "2023-06-01T23:30:00+06:00"


class TestFilters:
    def test_sites_are_repeatable_and_lang_filters(self, session, tmp_path):
        store(
            session,
            make_article(0),
            make_article(1, site="kazinform", url="https://www.inform.kz/ru/a1", lang="ru"),
            make_article(2, site="other", url="https://other.kz/a2"),
        )
        assert exported_urls(session, tmp_path, sites=["tengrinews", "kazinform"]) == [
            "https://kaz.tengrinews.kz/news/story-0/",
            "https://www.inform.kz/ru/a1",
        ]
        assert exported_urls(session, tmp_path, langs=["ru"]) == ["https://www.inform.kz/ru/a1"]
        assert exported_urls(session, tmp_path, sites=["other"], langs=["ru"]) == []

    def test_days_are_local_and_both_inclusive(self, session, tmp_path):
        # 00:30 on 1 March in Almaty is still 28 February in UTC: the local day decides.
        early = datetime(2025, 3, 1, 0, 30, tzinfo=ALMATY)
        late = datetime(2025, 3, 2, 23, 50, tzinfo=ALMATY)
        store(
            session,
            make_article(0, published_at=early),
            make_article(1, published_at=late),
            make_article(2, published_at=late + timedelta(minutes=20)),
            make_article(3, published_at=None),
        )
        urls = [f"https://kaz.tengrinews.kz/news/story-{n}/" for n in range(4)]
        assert exported_urls(session, tmp_path, since=date(2025, 3, 1), until=date(2025, 3, 2)) == urls[:2]
        assert exported_urls(session, tmp_path, until=date(2025, 2, 28)) == []
        assert exported_urls(session, tmp_path, since=date(2025, 3, 3)) == urls[2:3]
        assert exported_urls(session, tmp_path) == urls  # undated articles only without a day filter

    @pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
    def test_empty_result_is_a_valid_empty_file(self, session, tmp_path, fmt):
        store(session, make_article(0))
        path = write(session, tmp_path, fmt, sites=["nobody"])
        if fmt == "jsonl":
            assert path.read_bytes() == b""
        elif fmt == "csv":
            assert read_csv(path) == []
        else:
            table = pq.read_table(path)
            assert table.num_rows == 0 and tuple(table.column_names) == FIELDS


class TestStreaming:
    def test_query_streams_with_yield_per(self):
        options = export_query(batch=250).get_execution_options()
        assert options["yield_per"] == 250 and options["stream_results"] is True

    def test_writer_gets_batch_after_batch_and_translations_one_query_each(self, session, engine):
        store(session, *(make_article(n) for n in range(5)))
        statements: list[tuple[str, object]] = []

        def listener(_conn, cursor, statement, *_args):
            statements.append((statement, cursor))

        class Recorder:
            def __init__(self):
                self.sizes: list[int] = []

            def write(self, records):
                self.sizes.append(len(records))

            def close(self):
                pass

        recorder = Recorder()
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert export_articles(session, recorder, batch=2) == 5
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        assert recorder.sizes == [2, 2, 1]
        link_queries = [s for s, _ in statements if "FROM translations" in s]
        assert len(link_queries) == 3
        if engine.dialect.name == "postgresql":
            import psycopg

            main = next(cursor for s, cursor in statements if "FROM articles" in s)
            assert isinstance(main, psycopg.ServerCursor)  # rows come from a server-side cursor


class TestOutput:
    def test_missing_pyarrow_names_the_extra(self, tmp_path, monkeypatch):
        monkeypatch.setitem(sys.modules, "pyarrow", None)
        monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
        with (
            pytest.raises(ExportError, match=r"kznews\[parquet\]"),
            open_writer("parquet", str(tmp_path / "x")),
        ):
            pass
        assert list(tmp_path.iterdir()) == []

    def test_parquet_needs_a_file(self):
        with pytest.raises(ExportError, match="-o"), open_writer("parquet", "-"):
            pass

    def test_failed_export_leaves_no_file(self, tmp_path):
        target = tmp_path / "out.jsonl"
        with pytest.raises(RuntimeError), open_writer("jsonl", str(target)) as writer:
            writer.write([])
            raise RuntimeError("database went away")
        assert list(tmp_path.iterdir()) == []

    @pytest.mark.parametrize(
        ("name", "fmt"),
        [
            ("a.parquet", "parquet"),
            ("a.csv", "csv"),
            ("a.CSV.gz", "csv"),
            ("a.jsonl.gz", "jsonl"),
            ("-", "jsonl"),
        ],
    )
    def test_format_follows_the_file_name(self, name, fmt):
        assert infer_format(name) == fmt


class TestCommand:
    def parse(self, *argv: str) -> argparse.Namespace:
        parser = argparse.ArgumentParser()
        add_export_arguments(parser)
        return parser.parse_args(argv)

    def url(self, engine) -> str:
        return engine.url.render_as_string(hide_password=False)

    def test_exports_to_stdout_as_jsonl(self, session, engine, capfd):
        store(session, make_article(0), make_article(1, site="kazinform", url="https://www.inform.kz/a"))
        args = self.parse("--site", "kazinform", "--database-url", self.url(engine))
        assert run_export(args) == 0
        out, err = capfd.readouterr()
        assert [json.loads(line)["url"] for line in out.splitlines()] == ["https://www.inform.kz/a"]
        assert "1 articles as jsonl" in err

    def test_exports_csv_to_a_file_named_by_o(self, session, engine, tmp_path):
        store(session, make_article(0))
        out = tmp_path / "corpus.csv"
        assert run_export(self.parse("-o", str(out), "--database-url", self.url(engine))) == 0
        assert [row["id"] for row in read_csv(out)] == ["1"]

    def test_bad_requests_exit_2_with_a_reason(self, tmp_path, capsys):
        missing = f"sqlite:///{tmp_path}/missing.sqlite3"
        assert main(["export", "--database-url", missing]) == 2
        assert "no database at" in capsys.readouterr().err
        assert not (tmp_path / "missing.sqlite3").exists()
        assert (
            main(["export", "--since", "2025-03-02", "--until", "2025-03-01", "--database-url", missing]) == 2
        )
        assert "after --until" in capsys.readouterr().err
        with pytest.raises(SystemExit):
            self.parse("--since", "yesterday")

    def test_format_choices_are_the_writers_formats(self):
        assert CLI_FORMATS == FORMATS

    def test_options_import_no_database_code(self):  # `kznews export --help` stays instant
        heavy = "sorted(m for m in sys.modules if m.split('.')[0] in ('db', 'sqlalchemy', 'pyarrow'))"
        code = f"import sys; from crawler.cli import build_parser; build_parser('export'); print({heavy})"
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert done.stdout.strip() == "[]"
