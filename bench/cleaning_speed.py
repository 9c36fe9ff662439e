"""Time the shared cleaning stage (clean_paragraphs) and show what it does to AEB scores.

Run from the repo root: ``.venv/bin/python -m bench.cleaning_speed``. Prints ms per page for the seed 002
page text, 40 real story paragraphs (research samples) and the AEB pages as extracted by pipelines.extract,
plus AEB precision/recall/F1 of the extracted text before and after cleaning (the cleaning must not cost
recall on non-Kazakh pages).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from bench.aeb import corpus_scores, load_pages, shingle_match
from pipelines.boilerplate import clean_paragraphs
from pipelines.extract import extract_body
from pipelines.htmlpage import parse_html

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = Path("/work/shared/research/html/_text_samples/ainews_extracted_articles_2025-08_sample.jsonl")
REPEATS = 5  # best of, to leave out scheduler noise


def best_ms(run: Callable[[], object], number: int) -> float:
    """Fastest of REPEATS timings of ``number`` calls, in ms per call."""
    timings = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(number):
            run()
        timings.append((time.perf_counter() - start) / number * 1e3)
    return min(timings)


def main() -> None:
    seed = next((ROOT / "seeds").glob("002_*.txt")).read_text(encoding="utf-8").split("\n\n")
    title = "Аким Астаны встретился с губернатором Челябинской области"
    print(f"seed 002 page text ({sum(len(p.splitlines()) for p in seed)} lines): "
          f"{best_ms(lambda: clean_paragraphs(seed, title=title), 200):.3f} ms")  # fmt: skip
    if SAMPLES.exists():
        rows = [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines()]
        paragraphs = [p for row in rows for p in row["content"].split("\n") if p.strip()][:40]
        story_ms = best_ms(lambda: clean_paragraphs(paragraphs, title="x"), 200)
        print(f"40 real story paragraphs: {story_ms:.3f} ms")

    pages = load_pages()
    bodies = [extract_body(parse_html(page.html), page.url) for page in pages]
    rules: Counter[str] = Counter()
    before, after = [], []
    for page, body in zip(pages, bodies, strict=True):
        cleaned = clean_paragraphs(body.paragraphs, title=body.title, lead=body.lead)
        rules.update(r.rule for r in cleaned.removed)
        before.append(shingle_match(page.truth, "\n".join(body.paragraphs)))
        after.append(shingle_match(page.truth, "\n".join(cleaned.paragraphs)))

    def run_all() -> None:
        for body in bodies:
            clean_paragraphs(body.paragraphs, title=body.title, lead=body.lead)

    lines = sum(len(b.paragraphs) for b in bodies) / len(bodies)
    page_ms = best_ms(run_all, 1) / len(bodies)
    print(f"AEB ({len(pages)} pages, {lines:.1f} paragraphs/page): {page_ms:.3f} ms/page")
    print(f"AEB removed: {dict(rules)}")
    print(f"AEB before cleaning: {corpus_scores(before)}")
    print(f"AEB after cleaning:  {corpus_scores(after)}")


if __name__ == "__main__":
    main()
