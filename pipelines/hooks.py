"""Per-site field hooks: a profile's own function overrides one article field, as fundus's ``@attribute``.

A hook is named in SiteRules.hooks ("package.module:function") and imported here by name on first use, in
whichever process cleans the page (the worker processes get the name in the pickled rules, never the
function); nothing of the crawler is imported by this module itself.

Each hook is called as ``function(page, found)``: ``page`` is the HookPage, ``found`` the field's value as
the shared extraction found it. It returns the field's value, or None to keep ``found``:

- ``title``: str, before the body cleaning (which drops body lines repeating the title);
- ``body``: the body paragraphs (tuple of str) before the shared cleaning, which they still go through;
- ``published_at``: an aware datetime;
- ``author``: str;
- ``translations``: tuple of pipelines.article.Translation.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, TypeVar

import lxml.html

from pipelines.options import SiteRules

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class HookPage:
    """What a hook is given besides the found value: the page's URL, parsed tree and fetch time."""

    url: str | None
    tree: lxml.html.HtmlElement
    fetched_at: datetime | None


class HookError(ValueError):
    """A hook cannot be imported, or returned a value its field cannot hold."""


@cache
def resolve_hook(function: str) -> Callable[[HookPage, Any], Any]:
    """The function named "package.module:function", imported once per process.

    Raises:
        HookError: the module or the function does not exist, or is not callable.
    """
    module_name, _, name = function.partition(":")
    try:
        found = getattr(importlib.import_module(module_name), name)
    except (ImportError, AttributeError) as exc:
        raise HookError(f"hook {function!r} cannot be imported: {exc}") from exc
    if not callable(found):
        raise HookError(f"hook {function!r} is not a function")
    return found


def apply_hook(rules: SiteRules, field: str, page: HookPage, found: T) -> T:
    """``found`` as the site's hook for ``field`` overrides it; ``found`` itself without such a hook.

    Raises:
        HookError: the hook cannot be imported, or gave a naive datetime for ``published_at``.
    """
    for hook in rules.hooks:
        if hook.field == field:
            value = resolve_hook(hook.function)(page, found)
            if value is None:
                return found
            if field == "published_at" and value.utcoffset() is None:
                raise HookError(f"hook {hook.function!r} returned a datetime without a UTC offset")
            return value
    return found
