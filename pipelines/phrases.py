"""Compile the phrase tables of pipelines/rules.py into case-insensitive regex alternations."""

from __future__ import annotations

import re

Table = dict[str, tuple[str, ...]] | tuple[str, ...]


def phrases(table: Table) -> tuple[str, ...]:
    """All phrases of a per-language table (or the tuple itself)."""
    return tuple(p for group in table.values() for p in group) if isinstance(table, dict) else table


def alternation(*tables: Table) -> str:
    """Alternation of literal phrases, longest first; one ending in a letter must end on a word boundary."""
    ordered = sorted({p for t in tables for p in phrases(t)}, key=len, reverse=True)
    return "|".join(re.escape(p) + (r"(?!\w)" if p[-1].isalnum() else "") for p in ordered)


def whole_pattern(*tables: Table) -> re.Pattern[str]:
    """For fullmatch: the line is one of the phrases, trailing punctuation/emoji allowed ("Поделиться!")."""
    return re.compile(rf"(?:{alternation(*tables)})[\W_]*", re.I)


def prefix_pattern(*tables: Table) -> re.Pattern[str]:
    """For match: the line starts with one of the phrases."""
    return re.compile(rf"(?:{alternation(*tables)})", re.I)
