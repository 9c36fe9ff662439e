"""Time decode_html, parse_html and read_metadata on the AEB pages, and count which fields were found.

Run: ``.venv/bin/python -m bench.metadata_speed [repeats]``. read_metadata is timed as the best of
``repeats`` runs per page, so the figures show its cost rather than the noise of a shared machine.
"""

from __future__ import annotations

import gzip
import statistics
import sys
import time
from pathlib import Path

from pipelines.htmlpage import decode_html, parse_html
from pipelines.structured import read_metadata

AEB_HTML = Path("/work/shared/bench/aeb/html")
FIELDS = ("title", "published", "author", "canonical_url", "lang_hint", "tags", "site_name", "json_ld_body")


def main(repeats: int = 5) -> None:
    """Print per-page milliseconds (median / mean / p90 / max) and field coverage."""
    bodies = [gzip.decompress(path.read_bytes()) for path in sorted(AEB_HTML.glob("*.html.gz"))]
    start = time.perf_counter()
    texts = [decode_html(body) for body in bodies]
    decoded = time.perf_counter()
    trees = [parse_html(text) for text in texts]
    parsed = time.perf_counter()
    best = []
    for tree in trees:
        runs = []
        for _ in range(repeats):
            tick = time.perf_counter()
            read_metadata(tree, "https://example.com/news/article-1/")
            runs.append(time.perf_counter() - tick)
        best.append(min(runs) * 1000)
    best.sort()
    pages = len(bodies)
    decode_ms, parse_ms = (decoded - start) * 1000 / pages, (parsed - decoded) * 1000 / pages
    print(f"pages {pages}: decode {decode_ms:.2f} ms/page, parse {parse_ms:.2f} ms/page")
    p90 = best[int(0.9 * pages)]
    print(f"read_metadata (best of {repeats}): median {statistics.median(best):.3f} ms, ", end="")
    print(f"mean {statistics.mean(best):.3f}, p90 {p90:.3f}, max {best[-1]:.3f}")
    metas = [read_metadata(tree) for tree in trees]
    print("found:", ", ".join(f"{name} {sum(bool(getattr(m, name)) for m in metas)}" for name in FIELDS))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
