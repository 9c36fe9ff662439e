"""Prints peak memory and throughput of ``kznews export`` per format at 100,000 and 1,000,000 articles.

Usage: python -m bench.export [--rows 1000000] [--small 100000] [--words 60] [--database-url URL]
                              [--formats jsonl,csv,parquet] [--workdir DIR] [--write-readme]

Articles are generated straight into a temporary SQLite file (or a private schema of the PostgreSQL database
given by --database-url, dropped afterwards) with Core executemany. The small set is exported first, then
the same database is grown to --rows and exported again; every export runs in a fresh subprocess that
reports its own peak RSS, so equal peaks at both sizes show that memory does not grow with the row count.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import Engine, insert, make_url, text

from bench.readme import write_block
from db.convert import article_values
from db.engine import make_engine
from db.migrate import ensure_schema
from db.models import ArticleRecord, Site, TranslationLink
from pipelines.article import Article

INSERT_CHUNK = 10_000
# Words drawn for the generated texts (kk and ru news vocabulary): realistic UTF-8 widths for the writers.
VOCABULARY = (
    "Қазақстан Астана Алматы үкімет министрлік жаңа жоба бойынша хабарлады тұрғындар аудан облыс жыл "
    "мемлекеттік бағдарлама экономика құрылыс жол мектеп аурухана Президент Токаев заң депутаттар "
    "Казахстан правительство министерство сообщили жители области года государственной программы "
    "экономики строительства дороги школы больницы закон депутаты проект рамках развития"
).split()
VARIANTS = 997  # distinct texts (a prime, so neighbouring rows differ)
ALMATY = timezone(timedelta(hours=5))  # the sites' offset, stored with each publication time


def texts(words: int) -> list[str]:
    """VARIANTS texts of ``words`` words in paragraphs of 20, each different."""
    out = []
    for v in range(VARIANTS):
        chosen = [VOCABULARY[(v * 7 + w * 13 + w * w) % len(VOCABULARY)] for w in range(words)]
        paragraphs = [" ".join(chosen[i : i + 20]).capitalize() + "." for i in range(0, words, 20)]
        out.append("\n".join(paragraphs))
    return out


def generate(engine: Engine, first: int, last: int, words: int) -> float:
    """Insert articles ``first`` .. ``last - 1`` (a third of them with a translation); return seconds.

    Rows come from :func:`db.convert.article_values`, so they carry every column the crawler stores.
    """
    began = time.perf_counter()
    bodies = texts(words)
    base = datetime(2020, 1, 1, 3, 0, tzinfo=UTC)
    with engine.begin() as conn:
        if first == 0:
            now = datetime(2025, 1, 1, tzinfo=UTC)
            conn.execute(insert(Site.__table__), [{"name": "tengrinews", "created_at": now}])
        site_id = conn.execute(text("SELECT id FROM sites WHERE name = 'tengrinews'")).scalar_one()
    for start in range(first, last, INSERT_CHUNK):
        rows, links = [], []
        for i in range(start, min(start + INSERT_CHUNK, last)):
            url = f"https://tengrinews.kz/news/bench-{i}/"
            body = bodies[i % VARIANTS]
            seen = base + timedelta(minutes=3 * i, seconds=20)
            lang = "ru" if i % 2 else "kk"
            article = Article(
                url=url,
                site="tengrinews",
                edition=lang,
                lang=lang,
                script="Cyrl",
                lang_shares={"kk": 0.8, "ru": 0.2},
                title=f"Жаңалық №{i}: «{body[:40]}»",
                lead=body[:160],
                paragraphs=tuple(body.split("\n")),
                published_at=(base + timedelta(minutes=3 * i)).astimezone(ALMATY),
                date_source="jsonld",
                author="Әлия Нұрланқызы",
                tags=("экономика", "Астана"),
                section="Экономика",
                fetched_at=seen,
                warc_file="crawl-00001.warc.gz",
                warc_offset=i * 4096,
                extractor_version="bench",
            )
            # The row the repository would write for a first sighting: the schema stays owned by db.convert.
            rows.append({**article_values(article, site_id=site_id, seen_at=seen), "id": i + 1, "version": 1})
            if i % 3 == 0:
                links.append({"article_id": i + 1, "lang": "kk", "url": f"https://kaz.tengrinews.kz/b-{i}/"})
        with engine.begin() as conn:
            conn.execute(insert(ArticleRecord.__table__), rows)
            if links:
                conn.execute(insert(TranslationLink.__table__), links)
    return time.perf_counter() - began


def child(args: argparse.Namespace) -> None:
    """Run one export in this process and print its figures as JSON (stdout is free: output goes to -o)."""
    import resource

    import psutil

    import db.export  # noqa: F401 - the command imports it lazily: count it in the baseline, not the export
    from crawler.cli.export import add_arguments, run

    if args.format == "parquet":
        import pyarrow.parquet  # noqa: F401 - count the library in the baseline, not in the export

    baseline = psutil.Process().memory_info().rss
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    export_args = parser.parse_args(["--format", args.format, "-o", args.output, "--database-url", args.url])
    began = time.perf_counter()
    status = run(export_args)
    elapsed = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux
    print(json.dumps({"status": status, "seconds": elapsed, "baseline": baseline, "peak": peak}))


def measure(url: str, fmt: str, rows: int, workdir: Path) -> dict:
    """Export in a subprocess; return its figures plus the output size (the output is then deleted)."""
    out = workdir / f"export.{fmt}"
    command = [
        sys.executable,
        "-m",
        "bench.export",
        "--child",
        "--format",
        fmt,
        "--output",
        str(out),
        "--url",
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"export {fmt} failed:\n{done.stderr}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    if figures["status"] != 0:
        raise SystemExit(f"export {fmt} failed:\n{done.stderr}")
    figures.update(format=fmt, rows=rows, size=out.stat().st_size)
    out.unlink()
    return figures


def table(results: list[dict], dialect: str, words: int) -> str:
    """The results as a Markdown table, then peak RSS at the largest size over peak at the smallest."""
    results = sorted(results, key=lambda r: (r["format"], r["rows"]))
    lines = [
        "| format | rows | peak RSS | RSS after imports | rows/s | output |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['format']} | {r['rows']:,} | {r['peak'] / 2**20:.0f} MB | {r['baseline'] / 2**20:.0f} MB "
            f"| {r['rows'] / r['seconds']:,.0f} | {r['size'] / 2**20:,.0f} MB |"
        )
    by_format: dict[str, list[dict]] = {}
    for r in results:
        by_format.setdefault(r["format"], []).append(r)
    ratios = ", ".join(f"{fmt} {rs[-1]['peak'] / rs[0]['peak']:.2f}x" for fmt, rs in by_format.items())
    sizes = f"{results[-1]['rows']:,} / {results[0]['rows']:,} rows"
    return "\n".join(lines) + (
        f"\n\nPeak RSS {sizes}: {ratios}. Database: {dialect}; generated articles of {words} words"
        f" ({os.cpu_count()} CPUs, shared). Output sizes reflect the repetitive generated text"
        " (997 distinct bodies), not real news."
    )


def main() -> None:
    """Generate, export at two sizes, print (and optionally record) the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--words", type=int, default=60, help="words per generated text (default 60)")
    parser.add_argument("--formats", default="jsonl,csv,parquet")
    parser.add_argument("--database-url", help="PostgreSQL URL (a private schema is used); default SQLite")
    parser.add_argument("--workdir", help="where the SQLite file and outputs go (default: a temp dir)")
    parser.add_argument("--write-readme", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--format", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    workdir = Path(tempfile.mkdtemp(prefix="kznews-bench-export-", dir=args.workdir))
    schema = f"kznews_bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(args.database_url) if args.database_url else None
    try:
        if admin is not None:
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            url = make_url(args.database_url).update_query_dict({"options": f"-csearch_path={schema}"})
        else:
            url = make_url(f"sqlite:///{workdir}/bench.sqlite3")
        url_text = url.render_as_string(hide_password=False)
        engine = make_engine(url)
        ensure_schema(engine)
        results = []
        done = 0
        for size in (args.small, args.rows):
            seconds = generate(engine, done, size, args.words)
            print(f"generated {size - done:,} articles in {seconds:.0f}s", file=sys.stderr)
            done = size
            if engine.dialect.name == "postgresql":
                with engine.begin() as conn:
                    conn.execute(text("ANALYZE"))
            for fmt in args.formats.split(","):
                results.append(measure(url_text, fmt, size, workdir))
                print(json.dumps(results[-1]), file=sys.stderr)
        engine.dispose()
        block = table(
            sorted(results, key=lambda r: (r["format"], r["rows"])), engine.dialect.name, args.words
        )
        command = "python -m bench.export" + (" --database-url URL" if admin else "")
        block = f"`{command}` (each export in its own process; peak RSS = ru_maxrss):\n\n{block}"
        print(block)
        if args.write_readme:
            write_block("export", block)
    finally:
        if admin is not None:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
