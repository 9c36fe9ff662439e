"""Quality and speed of kznews' extract_html against bare trafilatura.extract on the AEB pages, in one run.

Run from the repo root: ``.venv/bin/python -m bench.extract [--repeats N] [--write-readme]``. Every page's
HTML is a string in memory; one process; per page, the extractors run interleaved and the fastest of
``--repeats`` runs counts, so background load hits all of them alike. Quality is the benchmark's own metric
(F1 over 4-word shingles, bench/aeb.py). Times are compared with trafilatura without comments, the setting
closest to ours; the last lines check kznews against its targets.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time
from collections.abc import Callable

import trafilatura

from bench.aeb import corpus_scores, load_pages, shingle_match
from bench.quality_gate import extract_article_text
from bench.readme import write_block

Extractor = Callable[[str, str | None], str]

BASELINE = "trafilatura.extract (include_comments=False)"
OURS = "kznews extract_html (all fields)"
TARGET_F1 = 0.975  # above every published AEB figure (rs_trafilatura, Zyte AutoExtract: 0.970)
TARGET_TIME_RATIO = 1.2  # of BASELINE's time per page

EXTRACTORS: dict[str, Extractor] = {
    "trafilatura.extract (defaults)": lambda html, url: trafilatura.extract(html) or "",
    BASELINE: lambda html, url: trafilatura.extract(html, include_comments=False) or "",
    "trafilatura.extract (favor_precision=True)": lambda html, url: (
        trafilatura.extract(html, favor_precision=True) or ""
    ),
    OURS: extract_article_text,
}


def measure(repeats: int) -> list[tuple[str, float, float, float, float]]:
    """(name, F1, precision, recall, seconds per page) for every extractor."""
    pages = load_pages()
    for extractor in EXTRACTORS.values():  # warm caches and lazy models out of the timing
        extractor(pages[0].html, pages[0].url)
    seconds = dict.fromkeys(EXTRACTORS, 0.0)
    matches: dict[str, list[tuple[float, float, float]]] = {name: [] for name in EXTRACTORS}
    for page in pages:
        best = dict.fromkeys(EXTRACTORS, math.inf)
        for _ in range(repeats):
            for name, extractor in EXTRACTORS.items():
                start = time.perf_counter()
                extractor(page.html, page.url)
                best[name] = min(best[name], time.perf_counter() - start)
        for name, extractor in EXTRACTORS.items():
            seconds[name] += best[name]
            matches[name].append(shingle_match(page.truth, extractor(page.html, page.url)))
    rows = []
    for name in EXTRACTORS:
        scores = corpus_scores(matches[name])
        rows.append((name, scores.f1, scores.precision, scores.recall, seconds[name] / len(pages)))
    return rows


def render(rows: list[tuple[str, float, float, float, float]], repeats: int) -> str:
    """A Markdown table with the run's conditions."""
    base = next(r[4] for r in rows if r[0] == BASELINE)
    lines = [
        "| extractor (AEB, 181 pages) | F1 | precision | recall | pages/s | ms/page | time vs no comments |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, f1, p, r, sec in rows:
        lines.append(f"| {name} | {f1:.4f} | {p:.4f} | {r:.4f} | {1 / sec:.1f} | {sec * 1000:.1f} | "
                     f"{sec / base:.2f}× |")  # fmt: skip
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    _, f1, _, _, sec = next(r for r in rows if r[0] == OURS)
    ratio = sec / base
    lines.append("")
    lines.append(f"- kznews F1 {f1:.4f} (target >= {TARGET_F1}): {_verdict(f1 >= TARGET_F1)}")
    lines.append(
        f"- kznews time {ratio:.2f}× (target <= {TARGET_TIME_RATIO}×): {_verdict(ratio <= TARGET_TIME_RATIO)}"
    )
    lines.append("")
    lines.append(
        f"`python -m bench.extract --repeats {repeats}`: one process, HTML in memory, fastest of {repeats} "
        f"interleaved runs per page; Python {platform.python_version()}, "
        f"trafilatura {trafilatura.__version__}, {os.cpu_count()} cores, load average {load}."
    )
    return "\n".join(lines)


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "MISS"


def main(argv: list[str] | None = None) -> int:
    """Print the table; with --write-readme also put it into README.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per page and extractor (fastest counts)")
    parser.add_argument("--write-readme", action="store_true", help="replace the bench:extract block")
    args = parser.parse_args(argv)
    table = render(measure(args.repeats), args.repeats)
    print(table)
    if args.write_readme:
        write_block("extract", table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
