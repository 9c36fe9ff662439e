"""Print F1/P/R and speed on AEB for trafilatura settings and for each check pipelines.extract adds.

Run from the repo root: ``.venv/bin/python -m bench.aeb_variants [--no-timing]``. Time is per page with the
HTML string in memory, paired with bare ``trafilatura.extract(html, include_comments=False)`` on the same
page (fastest of 3 runs).
The extract_body rows switch its checks on one at a time, in the order they run.
"""

from __future__ import annotations

import argparse
import math
from contextlib import AbstractContextManager, ExitStack
from unittest import mock

import trafilatura

import pipelines.bodychecks as bodychecks_module
import pipelines.extract as extract_module
from bench.aeb import corpus_scores, load_pages, shingle_match
from bench.quality_gate import TextExtractor, timing
from pipelines.extract import extract_body
from pipelines.htmlpage import parse_html
from pipelines.structured import read_metadata

# each check switched off by patching what makes it never fire: {module: {name: value}}
NO_COMPARE = {extract_module: {"_comparison_may_change": lambda *args: False}}
NO_FALLBACK = {extract_module: {"FALLBACK_COVERAGE": 0}}  # an empty result still falls back
NO_SPLIT = {extract_module: {"merged_chunks": lambda *args: None}}
NO_TITLE = {extract_module: {"TITLE_LOOKAHEAD": 0}}
NO_LINKS = {bodychecks_module: {"LINK_TEXT_SHARE": math.inf}}
NO_JSON_LD = {bodychecks_module: {"JSON_LD_MIN_CHARS": math.inf}}


def extract_body_text(html: str, url: str | None = None) -> str:
    """The body extractor alone (no shared cleaning stage), given what core.py reads from the page."""
    tree = parse_html(html)
    meta = read_metadata(tree, url)
    return "\n".join(
        extract_body(tree, url, json_ld_body=meta.json_ld_body, description=meta.description).paragraphs
    )


def _traf(**kwargs) -> TextExtractor:
    return lambda html, url=None: trafilatura.extract(html, **kwargs) or ""


def _switched_off(*offs: dict) -> AbstractContextManager:
    stack = ExitStack()
    for off in offs:
        for module, names in off.items():
            stack.enter_context(mock.patch.multiple(module, **names))
    return stack


CHECKS = [NO_COMPARE, NO_FALLBACK, NO_SPLIT, NO_TITLE, NO_LINKS, NO_JSON_LD]
VARIANTS: list[tuple[str, TextExtractor, list[dict]]] = [
    ("trafilatura.extract(html) defaults", _traf(), []),
    ("extract include_comments=False", _traf(include_comments=False), []),
    ("extract favor_precision=True", _traf(favor_precision=True), []),
    ("extract precision, no comments", _traf(favor_precision=True, include_comments=False), []),
    ("extract precision, no comments, fast", _traf(favor_precision=True, include_comments=False,
                                                    fast=True), []),
    ("extract favor_recall, no comments", _traf(favor_recall=True, include_comments=False), []),
    ("extract_body: fast precision only", extract_body_text, CHECKS),
    ("  + full cascade where it could differ", extract_body_text, CHECKS[1:]),
    ("  + balanced fallback on low coverage", extract_body_text, CHECKS[2:]),
    ("  + split-body merge", extract_body_text, CHECKS[3:]),
    ("  + headline drop", extract_body_text, CHECKS[4:]),
    ("  + link-text drop", extract_body_text, CHECKS[5:]),
    ("  + JSON-LD checks (= extract_body)", extract_body_text, []),
]  # fmt: skip


def main() -> None:
    """Print one row per variant."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-timing", action="store_true")
    args = parser.parse_args()
    pages = load_pages()
    print(f"{'variant':<46} {'F1':>7} {'P':>7} {'R':>7} {'pages/s':>8} {'time/bare':>9}")
    for name, extractor, offs in VARIANTS:
        with _switched_off(*offs):
            s = corpus_scores(shingle_match(p.truth, extractor(p.html, p.url)) for p in pages)
            speed = ""
            if not args.no_timing:
                ours, bare = timing(pages, extractor)
                speed = f"{1 / ours:8.1f} {ours / bare:9.3f}"
        print(f"{name:<46} {s.f1:7.4f} {s.precision:7.4f} {s.recall:7.4f} {speed}", flush=True)


if __name__ == "__main__":
    main()
