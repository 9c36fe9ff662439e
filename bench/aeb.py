"""Article Extraction Benchmark: its pages and ground truth, and its shingle metric, reproduced exactly.

The data is scrapinghub/article-extraction-benchmark (MIT) copied to /work/shared/bench/aeb (see SOURCE.md
there). The metric copies the benchmark's own ``evaluate.py`` (``string_shingle_matching``, ``_ngrams``,
``metrics_from_tp_fp_fns``): texts are tokenised with ``\\w+``, cut into 4-token shingles (a text shorter
than 4 tokens is one shorter shingle), TP/FP/FN are counted on the shingle multisets and normalised per page
so long pages weigh no more than short ones; precision is averaged over pages with a prediction
(TP+FP > 0), recall over pages with a truth (TP+FN > 0), and F1 is the harmonic mean of the two averages.
So an empty prediction on a non-empty truth scores recall 0 and drops out of the precision average; two
empty texts drop out of both.
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

AEB_DIR = Path(__file__).resolve().parents[2] / "shared" / "bench" / "aeb"  # ../shared beside the repo
NGRAM_N = 4  # evaluate.py string_shingle_matching(ngram_n=4)

_TOKEN_RE = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)  # evaluate.py _TOKEN_RE


@dataclass(frozen=True, slots=True)
class Page:
    """One benchmark page: the HTML as a decoded string (all 181 pages are UTF-8) and the annotated body."""

    id: str
    html: str
    truth: str
    url: str


@dataclass(frozen=True, slots=True)
class Scores:
    """Corpus-level precision, recall and F1 as evaluate.py reports them."""

    precision: float
    recall: float
    f1: float


def load_pages(root: Path = AEB_DIR) -> list[Page]:
    """All pages of the benchmark, sorted by id.

    Raises:
        FileNotFoundError: when a ground-truth id has no ``html/<id>.html.gz``.
    """
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        html = gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes()).decode("utf-8")
        item = truth[page_id]
        pages.append(Page(page_id, html, item.get("articleBody", ""), item.get("url", "")))
    return pages


def tokenize(text: str | None) -> list[str]:
    """Words as evaluate.py's ``_tokenize`` sees them."""
    return _TOKEN_RE.findall(text or "")


def shingles(text: str | None, n: int = NGRAM_N) -> Counter[tuple[str, ...]]:
    """Multiset of n-token shingles (evaluate.py ``_all_shingles``)."""
    tokens = tokenize(text)
    grams = (tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))
    return Counter(gram for gram in grams if gram)


def shingle_match(true: str | None, pred: str | None, n: int = NGRAM_N) -> tuple[float, float, float]:
    """Per-page (TP, FP, FN) normalised to sum 1 (evaluate.py ``string_shingle_matching``)."""
    true_sh, pred_sh = shingles(true, n), shingles(pred, n)
    tp = fp = fn = 0.0
    for key in true_sh.keys() | pred_sh.keys():
        t, p = true_sh.get(key, 0), pred_sh.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    total = tp + fp + fn
    if total > 0:
        return tp / total, fp / total, fn / total
    return tp, fp, fn


def precision_score(tp: float, fp: float, fn: float) -> float:
    """evaluate.py ``precision_score``."""
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def recall_score(tp: float, fp: float, fn: float) -> float:
    """evaluate.py ``recall_score``."""
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def _mean(values: list[float]) -> float:
    return statistics.mean(values) if values else 0.0


def corpus_scores(tp_fp_fns: Iterable[tuple[float, float, float]]) -> Scores:
    """Mean precision and recall over pages, F1 of the means (evaluate.py ``metrics_from_tp_fp_fns``).

    Where evaluate.py would raise on an empty average (no page predicted anything), the mean is 0.
    """
    rows = list(tp_fp_fns)
    precision = _mean([precision_score(*row) for row in rows if row[0] + row[1] > 0])
    recall = _mean([recall_score(*row) for row in rows if row[0] + row[2] > 0])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1)
