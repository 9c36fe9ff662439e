"""Time detect_language per page on real article texts and labelled-paragraph pages; check the AEB languages.

Run: ``.venv/bin/python -m bench.language_speed [repeats]``. Each page is timed as the best of ``repeats``
runs with the paragraph cache cleared, so the figures show the detector's cost on unseen text rather than
the noise of a shared machine (the mean over all runs is printed too).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from pipelines import language
from pipelines.language import detect_language

AEB_TRUTH = Path("/work/shared/bench/aeb/ground-truth.json")
RU_SAMPLES = Path("/work/shared/research/html/_text_samples/ainews_extracted_articles_2025-08_sample.jsonl")
LABELLED = Path(__file__).resolve().parents[1] / "tests/pipelines/data/lang_paragraphs.jsonl"


def _time_pages(pages: list[list[str]], repeats: int) -> tuple[list[float], list[float]]:
    """(best-of-repeats ms, every run's ms) per page, with the paragraph cache cleared before each run."""
    best, every = [], []
    for paragraphs in pages:
        runs = []
        for _ in range(repeats):
            language._analyse.cache_clear()
            start = time.perf_counter()
            detect_language(paragraphs)
            runs.append((time.perf_counter() - start) * 1000)
        best.append(min(runs))
        every.extend(runs)
    return best, every


def _report(name: str, pages: list[list[str]], repeats: int) -> None:
    best, every = _time_pages(pages, repeats)
    paragraphs = statistics.median(len(page) for page in pages)
    chars = statistics.median(sum(map(len, page)) for page in pages)
    p90 = statistics.quantiles(best, n=10)[-1] if len(best) > 1 else best[0]
    print(
        f"{name:<28} {len(pages):>4} pages  median {paragraphs:>4.0f} paragraphs {chars:>6.0f} chars  "
        f"best-of-{repeats} ms: median {statistics.median(best):.3f} mean {statistics.mean(best):.3f} "
        f"p90 {p90:.3f} max {max(best):.3f}  | all runs mean {statistics.mean(every):.3f}"
    )


def _labelled_page(rows: list[dict], lang: str, script: str, size: int = 30) -> list[str]:
    texts = [row["text"] for row in rows if row["lang"] == lang and row["script"] == script]
    return (texts * (size // len(texts) + 1))[:size]


def main(repeats: int = 5) -> None:
    """Print per-page milliseconds for each corpus and the AEB document-language agreement."""
    detect_language(["Warm-up: the Lingua detector is built on first use, outside the timings."])
    truth = json.loads(AEB_TRUTH.read_text())
    aeb_pages = [entry["articleBody"].split("\n") for entry in truth.values()]
    ru_pages = [json.loads(line)["content"].split("\n") for line in RU_SAMPLES.read_text().splitlines()]
    rows = [json.loads(line) for line in LABELLED.read_text().splitlines()]
    kk = _labelled_page(rows, "kk", "Cyrl")
    mixed = kk[:20] + _labelled_page(rows, "ru", "Cyrl", 10)
    _report("AEB articles (real, mostly en)", aeb_pages, repeats)
    _report("KZ ru articles (real)", ru_pages, repeats)
    for lang, script in (("kk", "Cyrl"), ("kk", "Latn"), ("ru", "Cyrl"), ("en", "Latn"), ("ky", "Cyrl")):
        _report(f"30 labelled {lang}-{script}", [_labelled_page(rows, lang, script)], repeats * 20)
    _report("30 labelled kk + ru mixed", [mixed], repeats * 20)
    pairs = zip(truth.values(), aeb_pages, strict=True)
    agreement = Counter((entry["lang"], detect_language(page).lang) for entry, page in pairs)
    wrong = {pair: n for pair, n in agreement.items() if pair[0] != pair[1]}
    print(
        f"AEB document language = ground truth on {sum(agreement.values()) - sum(wrong.values())}"
        f"/{sum(agreement.values())}; (truth, detected) misses: {wrong}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
