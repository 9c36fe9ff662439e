"""Pure cleaning core: any page (HTML or page text) -> one clean, dated, language-tagged Article."""

from pipelines.article import Article, RawPage, Rejection, Removal, Translation

__all__ = ["Article", "RawPage", "Rejection", "Removal", "Translation"]
