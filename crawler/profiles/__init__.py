"""The registry of site profiles: PROFILES by name (built-in and user-defined), lookup by URL host, the sites
table (``kznews sites`` and the README)."""

from __future__ import annotations

import importlib
import os
import pkgutil
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from urllib.parse import urlsplit

from crawler.profiles.schema import Listing, Rss, Sitemap, SiteProfile
from crawler.profiles.userfile import SITES_FILE_ENV, load_user_sites
from pipelines.hooks import resolve_hook
from pipelines.options import DEFAULT_RULES, SiteRules

NOT_SITE_MODULES = frozenset({"schema", "shared", "userfile"})
"""Modules of this package that hold no PROFILE."""


def build_registry(profiles: Iterable[SiteProfile]) -> Mapping[str, SiteProfile]:
    """Index profiles by name; a repeated name, a host claimed by two sites, or a hook that cannot be imported
    or repeats a field is an error."""
    by_name: dict[str, SiteProfile] = {}
    host_owner: dict[str, str] = {}
    for profile in profiles:
        if profile.name in by_name:
            raise ValueError(f"duplicate site profile name {profile.name!r}")
        for host in profile.article_urls.hosts:
            if host in host_owner:
                raise ValueError(f"host {host} is claimed by {host_owner[host]!r} and {profile.name!r}")
            host_owner[host] = profile.name
        hooked = [hook.field for hook in profile.rules.hooks]
        if len(hooked) != len(set(hooked)):
            raise ValueError(f"{profile.name}: two hooks for one field ({', '.join(hooked)})")
        for hook in profile.rules.hooks:
            resolve_hook(hook.function)  # fails here, at import, rather than on every page in the workers
        by_name[profile.name] = profile
    return MappingProxyType(dict(sorted(by_name.items())))


def _load_site_profiles() -> list[SiteProfile]:
    found = []
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name in NOT_SITE_MODULES:
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        found.append(module.PROFILE)
    return found


BUILT_IN: Mapping[str, SiteProfile] = build_registry(_load_site_profiles())
"""The profiles of this package's site modules by name."""
PROFILES: Mapping[str, SiteProfile] = build_registry(
    [*BUILT_IN.values(), *load_user_sites(os.environ[SITES_FILE_ENV], BUILT_IN)]
    if os.environ.get(SITES_FILE_ENV)
    else BUILT_IN.values()
)
"""Every site profile by name, sorted: the built-in ones and those of the KZNEWS_SITES_FILE file (read here,
when the spiders are loaded; a bad file raises crawler.usererrors.SitesFileError)."""


def profile_for_url(url: str) -> SiteProfile | None:
    """The profile whose hosts include the URL's host, or None."""
    host = (urlsplit(url).hostname or "").lower()
    return next((p for p in PROFILES.values() if host in p.article_urls.hosts), None)


def rules_for(site: str | None = None, url: str | None = None) -> SiteRules:
    """The cleaning rules of a site named by ``site`` or found from ``url``; generic rules otherwise.

    Raises:
        KeyError: ``site`` names no profile.
    """
    if site is not None:
        if site not in PROFILES:
            raise KeyError(f"unknown site {site!r}; known: {', '.join(PROFILES)}")
        return PROFILES[site].rules
    profile = profile_for_url(url) if url else None
    return profile.rules if profile else DEFAULT_RULES


class UnknownSiteError(ValueError):
    """Site names with no profile; the message lists the known ones."""


def check_site_names(names: Iterable[str]) -> None:
    """The one known-site check of every command that takes site names.

    Raises:
        UnknownSiteError: a name in ``names`` has no profile.
    """
    unknown = sorted(set(names) - set(PROFILES))
    if unknown:
        raise UnknownSiteError(f"unknown site(s) {', '.join(unknown)}; known sites: {', '.join(PROFILES)}")


_SOURCE_NAMES = ((Sitemap, "sitemap"), (Rss, "RSS"), (Listing, "listing"))
SITES_COLUMNS = ("Site", "Spider", "Region", "Edition", "Language", "Base URL", "Discovery")
NO_VALUE = "—"


def sites_rows(profiles: Mapping[str, SiteProfile] = PROFILES) -> list[tuple[str, ...]]:
    """One row per edition (SITES_COLUMNS): discovery is the sources the profile states for the edition,
    then "auto" when it states no sitemap or feed of it (the crawl then searches for them)."""
    rows = []
    for profile in profiles.values():
        for key, edition in profile.editions.items():
            sources = [s for s in profile.sources if key in profile.editions_of(s)]
            kinds = [
                f"{label} ×{count}" if count > 1 else label
                for cls, label in _SOURCE_NAMES
                if (count := sum(isinstance(s, cls) for s in sources))
            ]
            if not profile.states_feeds((key,)):
                kinds.append("auto")
            language, discovery = f"{edition.lang}-{edition.script}", ", ".join(kinds)
            region = profile.region or NO_VALUE
            rows.append((profile.title, profile.name, region, key, language, edition.base_url, discovery))
    return rows


def render_sites_table(profiles: Mapping[str, SiteProfile] = PROFILES, *, markdown: bool = True) -> str:
    """The sites table: Markdown (the README's, spider names as code) or aligned plain text."""
    rows = sites_rows(profiles)
    if markdown:
        lines = [f"| {' | '.join(SITES_COLUMNS)} |", "|" + "---|" * len(SITES_COLUMNS)]
        lines += [f"| {title} | `{name}` | {' | '.join(rest)} |" for title, name, *rest in rows]
        return "\n".join(lines) + "\n"
    widths = [max(map(len, column)) for column in zip(SITES_COLUMNS, *rows, strict=True)]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() + "\n"
        for row in [SITES_COLUMNS, *rows]
    )
