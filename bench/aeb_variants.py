"""Print F1/P/R and speed on AEB for trafilatura settings and for each check pipelines.extract adds.

Run from the repo root: ``.venv/bin/python -m bench.aeb_variants [--repeats N]``. Time is per page with the
HTML string in memory, paired with bare ``trafilatura.extract(html)`` on the same page (fastest of N runs).
"""

from __future__ import annotations

import argparse
import math
from contextlib import AbstractContextManager, nullcontext
from unittest import mock

import trafilatura

import pipelines.extract as extract_module
from bench.aeb import corpus_scores, load_pages, shingle_match
from bench.quality_gate import TextExtractor, timing
from pipelines.extract import extract_body
from pipelines.htmlpage import parse_html
from pipelines.structured import read_metadata

# each check of extract_body switched off by a module constant that makes it never fire
NO_FALLBACK = {"FALLBACK_MAX_CHARS": 0}
NO_TITLE = {"TITLE_LOOKAHEAD": 0}
NO_JSON_LD = {"JSON_LD_MIN_CHARS": math.inf}


def extract_body_text(html: str, url: str | None = None) -> str:
    """The body extractor alone (no shared cleaning stage): parse once, JSON-LD cross-check."""
    tree = parse_html(html)
    return "\n".join(extract_body(tree, url, json_ld_body=read_metadata(tree, url).json_ld_body).paragraphs)


def _traf(**kwargs) -> TextExtractor:
    return lambda html, url=None: trafilatura.extract(html, **kwargs) or ""


def _switched_off(off: dict[str, object]) -> AbstractContextManager:
    return mock.patch.multiple(extract_module, **off) if off else nullcontext()


VARIANTS: list[tuple[str, TextExtractor, dict[str, object]]] = [
    ("trafilatura.extract(html) defaults", _traf(), {}),
    ("extract include_comments=False", _traf(include_comments=False), {}),
    ("extract favor_precision=True", _traf(favor_precision=True), {}),
    ("extract precision, no comments", _traf(favor_precision=True, include_comments=False), {}),
    ("extract precision, no comments, no tables", _traf(favor_precision=True, include_comments=False,
                                                         include_tables=False), {}),
    ("extract precision, no comments, dedup", _traf(favor_precision=True, include_comments=False,
                                                     deduplicate=True), {}),
    ("extract favor_recall, no comments", _traf(favor_recall=True, include_comments=False), {}),
    ("extract_body: precision paragraphs only", extract_body_text, NO_FALLBACK | NO_TITLE | NO_JSON_LD),
    ("  + recall fallback", extract_body_text, NO_TITLE | NO_JSON_LD),
    ("  + recall fallback + headline drop", extract_body_text, NO_JSON_LD),
    ("  + JSON-LD cross-check (= extract_body)", extract_body_text, {}),
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-timing", action="store_true")
    args = parser.parse_args()
    pages = load_pages()
    print(f"{'variant':<46} {'F1':>7} {'P':>7} {'R':>7} {'pages/s':>8} {'time/bare':>9}")
    for name, extractor, off in VARIANTS:
        with _switched_off(off):
            s = corpus_scores(shingle_match(p.truth, extractor(p.html, p.url)) for p in pages)
            speed = ""
            if not args.no_timing:
                ours, bare = timing(pages, extractor)
                speed = f"{1 / ours:8.1f} {ours / bare:9.3f}"
        print(f"{name:<46} {s.f1:7.4f} {s.precision:7.4f} {s.recall:7.4f} {speed}", flush=True)


if __name__ == "__main__":
    main()
