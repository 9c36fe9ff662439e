"""Goldens of the fixture site's article pages: clean a page as the tests do; build, render, diff goldens."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from copy import copy
from pathlib import Path
from typing import Any

from crawler.fixturesite import DEFAULT_MANIFEST, FixturePage
from crawler.profiles import profile_for_url
from pipelines.article import Article, RawPage, Rejection
from pipelines.core import clean_page

GOLDENS_DIR = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "goldens"
"""One golden per fixture article page, ``<site>/<page file name without .html>.json``; a checkout only."""

LEFT_OUT = frozenset(
    {"text", "word_count", "source", "warc_file", "warc_offset", "extractor_version", "body_source", "region"}
)
"""Fields of Article.to_json() a golden leaves out: text and word_count are derived from the paragraphs, which
the golden holds in full; source, warc_file and warc_offset name where a run read the page, not what the page
says (always None here); extractor_version is a constant of the code, and a bump must not touch every golden
when no text changed (the goldens' own diffs show what a bump changes); body_source is "page" for every page
clean_page reads, and region is the profile's, not the page's (tests/test_fulltext_feeds.py checks both)."""

HUMAN_KEYS: Mapping[str, Any] = {"crawled": True, "without": []}
"""Keys a person writes, kept from the old golden on rerun, with their value in a new golden: ``crawled``
false keeps a page no crawl discovers out of the crawl tests; ``without`` lists junk that must not appear."""

SHARE_DIGITS = 3
"""lang_shares are rounded: a reviewer reads three decimals, and the detector's last digits are noise."""


class NotAnArticlePage(ValueError):
    """The page named is not an article page of the fixture site (or its cleaning rejects it)."""


def golden_path(page_file: str, root: Path = GOLDENS_DIR) -> Path:
    """The golden of the page stored at ``page_file`` (a manifest ``file``, such as "tengrinews/x.html")."""
    relative = Path(page_file)
    return root / relative.parent / f"{relative.name.removesuffix('.html')}.json"


def load_goldens(pages: Mapping[str, FixturePage], root: Path = GOLDENS_DIR) -> dict[str, dict[str, Any]]:
    """The golden of every page that has one, by page URL."""
    return {
        url: json.loads(path.read_text(encoding="utf-8"))
        for url, page in pages.items()
        if page.file and (path := golden_path(page.file, root)).is_file()
    }


def find_page(target: str, pages: Mapping[str, FixturePage]) -> FixturePage:
    """The manifest page named by its URL or by its file's path (from the cwd or the fixture site directory).

    Raises:
        NotAnArticlePage: no page of the manifest has that URL or file.
    """
    if "://" in target:
        if target in pages:
            return pages[target]
    else:
        site_dir = DEFAULT_MANIFEST.parent
        wanted = {Path(target).resolve(), (site_dir / target).resolve()}
        for page in pages.values():
            if page.file and (site_dir / page.file).resolve() in wanted:
                return page
    raise NotAnArticlePage(f"{target} is not a page of the fixture site")


def clean_fixture_page(page: FixturePage) -> Article:
    """The page through clean_page, as fetched at its manifest fetched_at, site and edition from its profile.

    Raises:
        NotAnArticlePage: the page is not an article page (no profile calls its URL an article, not a 200
            with a body) or clean_page rejects it.
    """
    profile = profile_for_url(page.url)
    if profile is None or not profile.article_urls.is_article(page.url):
        raise NotAnArticlePage(f"{page.url} is not an article URL of a site profile")
    if page.status != 200 or not page.file:
        raise NotAnArticlePage(f"{page.url} is served as HTTP {page.status}, not as a saved article page")
    raw = RawPage(
        url=page.url,
        body=page.body,
        headers=page.response_headers(),
        fetched_at=page.fetched_at,
        site=profile.name,
        edition=profile.edition_for_url(page.url),
    )
    result = clean_page(raw, profile.rules)
    if isinstance(result, Rejection):
        raise NotAnArticlePage(f"{page.url} is rejected by clean_page: {result.reason} ({result.detail})")
    return result


def golden_fields(article: Article) -> dict[str, Any]:
    """What a golden records of an article: Article.to_json() minus LEFT_OUT, lang_shares rounded."""
    fields = {key: value for key, value in article.to_json().items() if key not in LEFT_OUT}
    shares = fields["lang_shares"].items()
    fields["lang_shares"] = {lang: round(share, SHARE_DIGITS) for lang, share in shares}
    return fields


def build_golden(article: Article, old: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The golden of an article, the human-written keys taken from ``old`` (defaults for a new golden)."""
    human = {key: (old or {}).get(key, copy(default)) for key, default in HUMAN_KEYS.items()}
    return {**golden_fields(article), **human}


def render_golden(golden: Mapping[str, Any]) -> str:
    """A golden as stored: keys sorted, UTF-8 text as is, indent 1, a final newline."""
    return json.dumps(golden, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def diff_goldens(old_text: str, new_text: str, name: str) -> str:
    """A unified diff of two renderings of the golden ``name`` (empty when they are equal)."""
    lines = difflib.unified_diff(
        old_text.splitlines(keepends=True), new_text.splitlines(keepends=True), f"a/{name}", f"b/{name}"
    )
    return "".join(lines)


def rerun_golden(page: FixturePage, root: Path = GOLDENS_DIR, *, write: bool = True) -> tuple[Path, str]:
    """Regenerate the golden of one page from today's clean_page output, keeping its human-written keys.

    Args:
        page: a fixture article page (see clean_fixture_page).
        root: the goldens directory.
        write: write the new golden when it differs; False only computes the diff.

    Returns:
        The golden's path and the unified diff of its old and new text (empty when unchanged).

    Raises:
        NotAnArticlePage: as clean_fixture_page.
    """
    article = clean_fixture_page(page)
    assert page.file is not None  # clean_fixture_page refuses a page without a saved file
    path = golden_path(page.file, root)
    old_text = path.read_text(encoding="utf-8") if path.is_file() else ""
    new_text = render_golden(build_golden(article, json.loads(old_text) if old_text else None))
    diff = diff_goldens(old_text, new_text, path.relative_to(root).as_posix())
    if diff and write:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(new_text, encoding="utf-8")
    return path, diff
