"""The registry of site profiles: PROFILES by name, lookup by URL host, and the README site table."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from urllib.parse import urlsplit

from crawler.profiles.schema import Listing, Rss, Sitemap, SiteProfile
from pipelines.options import DEFAULT_RULES, SiteRules

NOT_SITE_MODULES = frozenset({"schema", "shared"})
"""Modules of this package that hold no PROFILE."""


def build_registry(profiles: Iterable[SiteProfile]) -> Mapping[str, SiteProfile]:
    """Index profiles by name; a repeated name or a host claimed by two sites is an error."""
    by_name: dict[str, SiteProfile] = {}
    host_owner: dict[str, str] = {}
    for profile in profiles:
        if profile.name in by_name:
            raise ValueError(f"duplicate site profile name {profile.name!r}")
        for host in profile.article_urls.hosts:
            if host in host_owner:
                raise ValueError(f"host {host} is claimed by {host_owner[host]!r} and {profile.name!r}")
            host_owner[host] = profile.name
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


PROFILES: Mapping[str, SiteProfile] = build_registry(_load_site_profiles())
"""Every site profile by name, sorted."""


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


def render_sites_table(profiles: Mapping[str, SiteProfile] = PROFILES) -> str:
    """The Markdown table of supported sites for the README: one row per edition."""
    lines = [
        "| Site | Spider | Edition | Language | Base URL | Discovery |",
        "|---|---|---|---|---|---|",
    ]
    for profile in profiles.values():
        for key, edition in profile.editions.items():
            sources = [s for s in profile.sources if key in profile.editions_of(s)]
            kinds = [
                f"{label} ×{count}" if count > 1 else label
                for cls, label in _SOURCE_NAMES
                if (count := sum(isinstance(s, cls) for s in sources))
            ]
            lines.append(
                f"| {profile.title} | `{profile.name}` | {key} | {edition.lang}-{edition.script} "
                f"| {edition.base_url} | {', '.join(kinds) or '—'} |"
            )
    return "\n".join(lines) + "\n"
