"""Extraction quality gate: score our extractor per corpus and fail below the pinned F1 floors.

Run from the repo root: ``.venv/bin/python -m bench.quality_gate`` (``--timing`` adds time per page against
bare ``trafilatura.extract`` without comments; ``--update`` raises the floors to today's scores). Modelled on
trafilatura's ``tests/eval_gate.py``: one F1 floor per corpus in ``bench/quality_baseline.json`` with a sha256
of the corpus (annotations + HTML) so an edited benchmark is noticed, a 0.0005 noise margin, and no lowering
of a floor without ``--allow-regression``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from bench.aeb import AEB_DIR, Page, Scores, corpus_scores, load_pages, shingle_match
from pipelines.article import Article
from pipelines.core import extract_html

BASELINE_PATH = Path(__file__).with_name("quality_baseline.json")
EPSILON = 0.0005  # run-to-run noise allowed below a floor (trafilatura's eval_gate uses the same)
TIMING_REPEATS = 3  # per page, the fastest of this many runs, ours and bare trafilatura interleaved

TextExtractor = Callable[[str, str | None], str]  # (html, url) -> article text, paragraphs joined by "\n"


def extract_article_text(html: str, url: str | None = None) -> str:
    """The full pipeline (extraction + shared cleaning stage): what kznews stores as the article text.

    A page the pipeline rejects as no article stores nothing: its text is empty.
    """
    result = extract_html(html, url)
    return result.text if isinstance(result, Article) else ""


EXTRACTOR: TextExtractor = extract_article_text


@dataclass(frozen=True, slots=True)
class Corpus:
    """Pages with annotated bodies, and the files whose bytes define the corpus (for the sha256)."""

    name: str
    pages: list[Page]
    files: list[Path]


def aeb_corpus() -> Corpus:
    """The Article Extraction Benchmark (181 pages, shingle F1 as in its evaluate.py)."""
    files = [AEB_DIR / "ground-truth.json", *sorted((AEB_DIR / "html").glob("*.html.gz"))]
    return Corpus("aeb", load_pages(), files)


# The seeds and the KZ fixture pages are checked paragraph by paragraph against their goldens instead
# (tests/test_seeds.py, tests/test_fixture_articles.py): exact expectations, not a score with a floor.
CORPORA: dict[str, Callable[[], Corpus]] = {"aeb": aeb_corpus}


@dataclass(frozen=True, slots=True)
class GateResult:
    """One corpus: today's scores against its pinned floor and fingerprint."""

    name: str
    scores: Scores
    pages: int
    sha256: str
    floor: float | None
    pinned_sha256: str | None

    @property
    def changed(self) -> bool:
        """The corpus differs from the one the floor was pinned on."""
        return self.pinned_sha256 is not None and self.pinned_sha256 != self.sha256

    @property
    def passed(self) -> bool:
        """At or above the floor (minus noise) on the pinned corpus."""
        return self.floor is not None and not self.changed and self.scores.f1 >= self.floor - EPSILON


def fingerprint(files: Iterable[Path]) -> str:
    """sha256 over the files' names and bytes, in the given order."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes())
    return digest.hexdigest()


def score(corpus: Corpus, extractor: TextExtractor = EXTRACTOR) -> Scores:
    """The benchmark metric of ``extractor`` over a corpus."""
    return corpus_scores(shingle_match(page.truth, extractor(page.html, page.url)) for page in corpus.pages)


def load_baseline(path: Path = BASELINE_PATH) -> dict[str, dict]:
    """The pinned floors, {} when none are pinned yet."""
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def check(
    extractor: TextExtractor = EXTRACTOR,
    names: Iterable[str] | None = None,
    baseline_path: Path = BASELINE_PATH,
) -> list[GateResult]:
    """Score every corpus (or the named ones) against the baseline file."""
    baseline = load_baseline(baseline_path)
    results = []
    for name in names or CORPORA:
        corpus = CORPORA[name]()
        pinned = baseline.get(name, {})
        results.append(
            GateResult(
                name,
                score(corpus, extractor),
                len(corpus.pages),
                fingerprint(corpus.files),
                pinned.get("f1"),
                pinned.get("sha256"),
            )
        )
    return results


def update_baseline(
    results: list[GateResult], allow_regression: bool, path: Path = BASELINE_PATH
) -> list[str]:
    """Pin today's scores as floors; returns the corpora refused (lower score or changed corpus)."""
    baseline = load_baseline(path)
    refused = []
    for result in results:
        lower = result.floor is not None and result.scores.f1 < result.floor - EPSILON
        if (lower or result.changed) and not allow_regression:
            refused.append(result.name)
            continue
        baseline[result.name] = {
            "f1": math.floor(result.scores.f1 * 10_000) / 10_000,  # rounded down: the same run passes
            "precision": round(result.scores.precision, 4),
            "recall": round(result.scores.recall, 4),
            "pages": result.pages,
            "sha256": result.sha256,
        }
    path.write_text(json.dumps(baseline, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return refused


def timing(pages: list[Page], extractor: TextExtractor = EXTRACTOR) -> tuple[float, float]:
    """Seconds per page of ``extractor`` and of bare ``trafilatura.extract(html, include_comments=False)``.

    The two run paired per page; comments off is the setting closest to ours, and the one our time target
    (1.2x) is set against.
    """
    ours = bare = 0.0
    for page in pages:
        best_ours = best_bare = math.inf
        for _ in range(TIMING_REPEATS):
            start = time.perf_counter()
            trafilatura.extract(page.html, include_comments=False)
            middle = time.perf_counter()
            extractor(page.html, page.url)
            end = time.perf_counter()
            best_bare, best_ours = min(best_bare, middle - start), min(best_ours, end - middle)
        ours, bare = ours + best_ours, bare + best_bare
    return ours / len(pages), bare / len(pages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="append", choices=sorted(CORPORA), help="default: all")
    parser.add_argument("--update", action="store_true", help="pin today's scores as the floors")
    parser.add_argument("--allow-regression", action="store_true", help="let --update lower a floor")
    parser.add_argument("--timing", action="store_true", help="also time ours against bare trafilatura")
    args = parser.parse_args(argv)

    results = check(names=args.corpus)
    print(f"{'corpus':<8} {'pages':>5} {'F1':>7} {'P':>7} {'R':>7} {'floor':>7}  status")
    for r in results:
        status = (
            "ok" if r.passed else "CHANGED CORPUS" if r.changed else "no floor" if r.floor is None else "FAIL"
        )
        floor = f"{r.floor:.4f}" if r.floor is not None else "-"
        s = r.scores
        print(f"{r.name:<8} {r.pages:>5} {s.f1:7.4f} {s.precision:7.4f} {s.recall:7.4f} {floor:>7}  {status}")
    if args.timing:
        for name in args.corpus or CORPORA:
            ours, bare = timing(CORPORA[name]().pages)
            print(
                f"{name}: {ours * 1000:.1f} ms/page ({1 / ours:.1f} pages/s), bare trafilatura.extract "
                f"(include_comments=False) {bare * 1000:.1f} ms/page: x{ours / bare:.3f}"
            )
    if args.update:
        refused = update_baseline(results, args.allow_regression)
        if refused:
            print(f"refused to lower or re-pin {', '.join(refused)}: rerun with --allow-regression")
            return 1
        print(f"floors written to {BASELINE_PATH}")
        return 0
    return int(not all(r.passed for r in results))


if __name__ == "__main__":
    sys.exit(main())
