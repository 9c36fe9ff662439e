"""Expected results for the fixture site (crawler/fixture_site), read from tests/fixtures/goldens."""

from typing import Any

from crawler.fixturesite import FixturePage, load_manifest
from crawler.goldens import load_goldens

COPIED = ("site", "edition", "title", "lang", "script", "author", "section", "tags", "dateline",
          "source_credit", "lead", "published_at", "without")  # fmt: skip
"""Golden keys the crawl tests compare as they are; the body is summarised by expected_fields."""


def expected_fields(
    golden: dict[str, Any], page: FixturePage, redirected_from: str | None = None
) -> dict[str, Any]:
    """What the crawl tests check of a page: metadata, and the body after the lead by its ends and length.

    Args:
        golden: the page's golden.
        page: the page in the manifest.
        redirected_from: the manifest URL that redirects (301) to the page, if one does.
    """
    body = golden["paragraphs"][1:] if golden["lead"] else golden["paragraphs"]
    return {
        **{key: golden[key] for key in COPIED},
        "file": page.file,
        "first_paragraph": body[0],
        "last_paragraph": body[-1],
        "paragraph_count": len(body),
        **({"redirected_from": redirected_from} if redirected_from else {}),
    }


_PAGES = load_manifest()
_REDIRECTS = {page.location: url for url, page in _PAGES.items() if page.location}
GOLDENS: dict[str, dict[str, Any]] = load_goldens(_PAGES)
"""Per fixture article URL, crawled or not: its full golden (every layout of every profile has one)."""
EXPECTED: dict[str, dict[str, Any]] = {
    url: expected_fields(golden, _PAGES[url], _REDIRECTS.get(url))
    for url, golden in GOLDENS.items()
    if golden["crawled"]
}
"""Per fixture article URL that the crawls discover and store: its expected fields."""
