"""Prints what replay start-up costs with a CDXJ index against the legacy JSON Lines index, in one run.

Usage: python -m bench.replay [--urls 100000] [--lookups 5000] [--repeats 5] [--write-readme]

Writes one .warc.gz of URLS small responses (crawler.warcwriter.write_archive, which leaves its CDXJ index),
beside it the legacy ``.idx.jsonl`` index kznews wrote before CDXJ, and times, interleaved and REPEATS times
each (the best run counts): ``WarcReplayStore.open()`` from either index (read, key every URL, merge into
the URL index) and LOOKUPS ``retrieve()`` calls. It also times writing the CDXJ index when a WARC file is
closed, from the records the writer kept, against cdxj-indexer reading the file back (``-s -p``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawler.warcindex import cdxj_path, load_cdxj
from crawler.warcstore import WarcReplayStore
from crawler.warcwriter import write_archive

HOSTS = ("www.inform.kz", "qz.inform.kz", "tengrinews.kz", "kaz.tengrinews.kz")
FIRST_FETCH = datetime(2026, 4, 28, 7, tzinfo=UTC)


def url_of(n: int) -> str:
    """A news-site-like URL: host, section, slug, id (ASCII, as the Kazakh sites' article URLs are)."""
    return (
        f"https://{HOSTS[n % len(HOSTS)]}/ru/section-{n % 37}/story-number-{n}-{n * 2654435761 % 2**32:08x}"
    )


def build(directory: Path, urls: int) -> Path:
    """The archive with its CDXJ index, and beside it (hard-linked) the same archive with a legacy index."""
    cdxj_dir, legacy_dir = directory / "cdxj", directory / "legacy"
    cdxj_dir.mkdir()
    legacy_dir.mkdir()
    warc = cdxj_dir / "bench.warc.gz"
    body = b"<html><body><p>" + b"news " * 40 + b"</p></body></html>"
    entries = [
        (
            url_of(n),
            200,
            {"Content-Type": "text/html; charset=utf-8"},
            body,
            FIRST_FETCH + timedelta(seconds=n),
        )
        for n in range(urls)
    ]
    write_archive(warc, entries)
    os.link(warc, legacy_dir / warc.name)
    write_legacy_index(legacy_dir / warc.name)
    return warc


def write_legacy_index(warc: Path) -> None:
    """The JSON Lines index kznews wrote before CDXJ (header, then one line per response)."""
    with open(warc, "rb") as fh:
        size = fh.seek(0, os.SEEK_END)
        fh.seek(max(size - 65_536, 0))
        tail = hashlib.sha1(fh.read()).hexdigest()
    lines = [json.dumps({"kznews_replay_index": 1, "size": size, "tail_sha1": tail})]
    for entry in load_cdxj(warc.parent.parent / "cdxj" / warc.name) or []:
        date = datetime.strptime(entry.timestamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        lines.append(
            json.dumps({"key": entry.key, "offset": entry.offset, "date": date.isoformat(), "status": 200})
        )
    warc.with_name(warc.name + ".idx.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def time_open(warc: Path) -> float:
    started = time.perf_counter()
    WarcReplayStore(warc).open()
    return time.perf_counter() - started


def time_lookups(warc: Path, urls: list[str]) -> float:
    store = WarcReplayStore(warc)
    store.open()
    started = time.perf_counter()
    for url in urls:
        assert store.retrieve(url) is not None
    elapsed = time.perf_counter() - started
    store.close()
    return elapsed / len(urls)


def time_index_writing(warc: Path, scratch: Path) -> tuple[float, float]:
    """Seconds to write the CDXJ index at file close: from kept records, and by cdxj-indexer from the file."""
    from cdxj_indexer.main import write_cdx_index

    from crawler.warcindex import write_cdxj

    records, _ = WarcReplayStore._scan(warc)  # what the writer keeps while it writes the file
    copy = scratch / warc.name
    os.link(warc, copy)
    started = time.perf_counter()
    write_cdxj(copy, records)
    ours = time.perf_counter() - started
    started = time.perf_counter()
    write_cdx_index(str(scratch / "reference.cdxj"), [str(warc)], {"sort": True, "post_append": True})
    reference = time.perf_counter() - started
    assert cdxj_path(copy).read_text() == (scratch / "reference.cdxj").read_text()
    return ours, reference


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(prog="python -m bench.replay", description=__doc__.split("\n")[0])
    parser.add_argument("--urls", type=int, default=100_000)
    parser.add_argument("--lookups", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--write-readme", action="store_true", help="write the table into README.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kznews-bench-replay-") as scratch:
        root = Path(scratch)
        started = time.perf_counter()
        warc = build(root, args.urls)
        took = time.perf_counter() - started
        print(f"wrote {args.urls:,} responses ({warc.stat().st_size:,} bytes) in {took:.0f}s")
        legacy = root / "legacy" / warc.name
        (root / "cdxj" / (warc.name + ".idx.jsonl")).unlink(missing_ok=True)
        cdxj_path(legacy).unlink(missing_ok=True)
        opens: dict[str, list[float]] = {"legacy": [], "cdxj": []}
        for _ in range(args.repeats):  # interleaved: a load change on the machine hits both alike
            opens["legacy"].append(time_open(legacy))
            opens["cdxj"].append(time_open(warc))
        assert not cdxj_path(legacy).exists(), "the legacy index was not used"
        picks = random.Random(20260428).sample(range(args.urls), min(args.lookups, args.urls))
        lookups = [url_of(n) for n in picks]
        per_lookup = {"legacy": time_lookups(legacy, lookups), "cdxj": time_lookups(warc, lookups)}
        (root / "write").mkdir()
        ours, reference = time_index_writing(warc, root / "write")
    # best of N, as timeit advises: start-up work is fixed, and what varies is other load on the machine
    legacy_s, cdxj_s = min(opens["legacy"]), min(opens["cdxj"])
    table = "\n".join(
        [
            f"Replay start-up over one WARC of {args.urls:,} responses (`python -m bench.replay "
            f"--urls {args.urls}`, best of {args.repeats} interleaved runs, 2 CPUs):",
            "",
            "| index | `WarcReplayStore.open()` | per URL | `retrieve()` per lookup |",
            "| --- | --- | --- | --- |",
            f"| legacy `.idx.jsonl` | {legacy_s * 1e3:.0f} ms | {legacy_s / args.urls * 1e6:.2f} us | "
            f"{per_lookup['legacy'] * 1e6:.0f} us |",
            f"| CDXJ `.cdxj` | {cdxj_s * 1e3:.0f} ms | {cdxj_s / args.urls * 1e6:.2f} us | "
            f"{per_lookup['cdxj'] * 1e6:.0f} us |",
            "",
            f"CDXJ / legacy start-up: **{cdxj_s / legacy_s:.2f}x**. Writing the CDXJ index when a WARC file "
            f"is closed: {ours * 1e3:.0f} ms from the records the writer kept, {reference:.1f} s for "
            f"cdxj-indexer reading the file back (same bytes), {reference / ours:.0f}x longer, in the "
            "crawl's process.",
        ]
    )
    print(table)
    if args.write_readme:
        from bench.readme import write_block

        write_block("replay", table)
    return table


if __name__ == "__main__":
    main()
