"""Knobs of the cleaning core: global thresholds (CleanOptions) and per-site hints (SiteRules, Layout)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class Layout:
    """CSS selectors for one dated version of a site's article markup; None means "let trafilatura decide".

    A layout is valid for pages fetched on or before ``valid_until`` (None = current layout), so
    re-processing an old archive uses that day's markup.
    """

    valid_until: date | None = None
    title: str | None = None
    lead: str | None = None
    body: str | None = None
    published: str | None = None
    author: str | None = None
    tags: str | None = None
    section: str | None = None
    drop: tuple[str, ...] = ()


HOOK_FIELDS = ("title", "body", "published_at", "author", "translations")
"""Article fields a site hook may override (see pipelines/hooks.py for what each hook is given)."""


@dataclass(frozen=True, slots=True)
class FieldHook:
    """A site's own function for one article field, named "package.module:function".

    Named, not held: SiteRules travel pickled to the cleaning workers, which import the function by name.
    """

    field: str
    function: str

    def __post_init__(self) -> None:
        if self.field not in HOOK_FIELDS:
            raise ValueError(f"hook field {self.field!r} is not one of {', '.join(HOOK_FIELDS)}")
        module, _, name = self.function.partition(":")
        if not module or not name.isidentifier():
            raise ValueError(f"hook function {self.function!r} is not 'package.module:function'")


@dataclass(frozen=True, slots=True)
class SiteRules:
    """What one site adds to the shared cleaning: layouts, extra junk, date formats, local tz, field hooks."""

    name: str | None = None
    layouts: tuple[Layout, ...] = ()
    junk: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    tz: str = "Asia/Almaty"
    # The site's own hosts (filled from its profile): a canonical link elsewhere never names the article.
    hosts: tuple[str, ...] = ()
    region: str | None = None  # ISO 3166-2:KZ home region (filled from its profile), copied to its articles
    hooks: tuple[FieldHook, ...] = ()  # what selectors cannot say, one field each (pipelines/hooks.py)

    def layout_for(self, fetched: date | None) -> Layout | None:
        """The layout valid on ``fetched`` (the newest when unknown)."""
        if not self.layouts:
            return None
        if fetched is not None:
            for layout in sorted(self.layouts, key=lambda lay: lay.valid_until or date.max):
                if layout.valid_until is None or fetched <= layout.valid_until:
                    return layout
        return next((lay for lay in self.layouts if lay.valid_until is None), self.layouts[-1])


@dataclass(frozen=True, slots=True)
class CleanOptions:
    """Global thresholds of the cleaning and validation steps."""

    min_words: int = 40  # below this a body is "too_short": AEB's shortest real article has ~60 words
    min_paragraph_chars: int = 2
    tz: str = "Asia/Almaty"
    languages: tuple[str, ...] = field(default=("kk", "ru", "en"))


DEFAULT_RULES = SiteRules()
DEFAULT_OPTIONS = CleanOptions()
