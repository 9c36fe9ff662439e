"""Pure cleaning core: any page (HTML or page text) -> one clean, dated, language-tagged Article.

``from pipelines import extract_html`` works without Scrapy; the extraction functions are loaded on first
use (PEP 562), so importing the vocabulary alone (as ``db`` does) does not load trafilatura.
"""

from typing import Any

from pipelines.article import Article, RawPage, Rejection, Removal, Translation

__all__ = [
    "Article",
    "RawPage",
    "Rejection",
    "Removal",
    "Translation",
    "clean_page",
    "extract_html",
    "extract_text",
]


def __getattr__(name: str) -> Any:
    if name in ("clean_page", "extract_html", "extract_text"):
        from pipelines import core

        return getattr(core, name)
    raise AttributeError(f"module 'pipelines' has no attribute {name!r}")
