"""User-defined sites without Python: the TOML file named by KZNEWS_SITES_FILE, read into SiteProfiles.

Its schema is the profile schema (crawler/profiles/schema.py) without hooks: one ``[[sites]]`` table per
site with ``name``, ``title``, ``region``, ``editions.<key>`` (base_url, lang, script), ``sources``
(``sitemaps``, ``rss``, ``listings``), ``article_urls`` (hosts, include, exclude), ``rules`` (tz, junk,
agencies, layouts) and ``politeness``; every key is the field of the same name there. A thin site is a
name and its editions: the hosts default to the editions' hosts. The README shows a complete file.

Every fault is a SitesFileError of one line naming the file, the field and, for a syntax error, the line:
``sites.toml: sites[0].editions.ru.lang: 'xx' is not one of ru, kk, en``. Unknown keys are faults too.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import tomllib
import types
import typing
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cssselect import GenericTranslator, SelectorError

from crawler.profiles.schema import (
    KZ_REGIONS,
    LANGS,
    SCRIPTS,
    Edition,
    Listing,
    Politeness,
    Rss,
    Sitemap,
    SiteProfile,
    UrlRules,
)
from crawler.usererrors import SitesFileError
from pipelines.options import Layout, SiteRules

SITES_FILE_ENV = "KZNEWS_SITES_FILE"
"""Environment variable naming the TOML file of user-defined sites."""
SITE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")  # a spider name and a directory name alike
SOURCE_KINDS = {"sitemaps": Sitemap, "rss": Rss, "listings": Listing}
SITE_KEYS = ("name", "title", "region", "editions", "sources", "article_urls", "rules", "politeness")
RULES_KEYS = ("tz", "junk", "agencies", "layouts")  # name and hosts come from the site; hooks need Python
CHOICES: Mapping[str, Iterable[str]] = {"lang": LANGS, "script": SCRIPTS, "region": KZ_REGIONS}
URL_FIELDS = frozenset({"base_url", "url", "url_template"})
CSS_FIELDS = {
    Layout: ("title", "lead", "body", "published", "author", "tags", "section", "drop"),
    Listing: ("card", "card_date"),
}
REGEX_FIELDS = frozenset({"include", "exclude", "news_only_pattern"})
TYPE_NAMES = {str: "a string", int: "a whole number", float: "a number", bool: "true or false"}
_LINE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def load_user_sites(path: str | Path, built_in: Mapping[str, SiteProfile]) -> list[SiteProfile]:
    """The profiles the TOML file at ``path`` defines, checked against the ``built_in`` sites.

    Raises:
        SitesFileError: the file is unreadable, not TOML, or breaks the schema; or a site takes a built-in
            site's name or host, or another user site's.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeError) as exc:
        raise SitesFileError(f"{path}: cannot read the sites file ({SITES_FILE_ENV}): {exc}") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        if found := _LINE.search(message):
            message = f"line {found[1]}, column {found[2]}: {message[: found.start()]}"
        raise SitesFileError(f"{path}: {message}") from None
    try:
        return _read_sites(document, built_in)
    except _FieldError as exc:
        raise SitesFileError(f"{path}: {exc.where}: {exc.message}") from None


class _FieldError(Exception):
    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where, self.message = where, message


def _read_sites(document: dict[str, Any], built_in: Mapping[str, SiteProfile]) -> list[SiteProfile]:
    _known_keys(document, ("sites",), "the file")
    sites = document.get("sites", [])
    if not isinstance(sites, list) or not all(isinstance(site, dict) for site in sites):
        raise _FieldError("sites", "expected [[sites]] tables")
    host_owner = {host: name for name, p in built_in.items() for host in p.article_urls.hosts}
    names: dict[str, str] = {}
    profiles = []
    for index, table in enumerate(sites):
        where = f"sites[{index}]"
        profile = _site(table, where)
        if profile.name in built_in:
            raise _FieldError(f"{where}.name", f"{profile.name!r} is a built-in site; choose another name")
        if profile.name in names:
            raise _FieldError(
                f"{where}.name", f"{profile.name!r} is already defined by {names[profile.name]}"
            )
        names[profile.name] = where
        stated = "hosts" in table.get("article_urls", {})  # else the editions' hosts
        for host in profile.article_urls.hosts:
            if host in host_owner:
                field = f"{where}.article_urls.hosts" if stated else f"{where}.editions"
                raise _FieldError(field, f"host {host} belongs to site {host_owner[host]!r}")
            host_owner[host] = profile.name
        profiles.append(profile)
    return profiles


def _site(table: dict[str, Any], where: str) -> SiteProfile:
    _known_keys(table, SITE_KEYS, where)
    name = _typed(_required(table, "name", where), str, f"{where}.name")
    if not SITE_NAME.match(name):
        raise _FieldError(f"{where}.name", f"{name!r} is no spider name: use a-z, 0-9, _ and -")
    editions_table = _typed(_required(table, "editions", where), dict, f"{where}.editions")
    if not editions_table:
        raise _FieldError(f"{where}.editions", "a site needs at least one edition")
    editions = {
        key: _build(Edition, _typed(value, dict, f"{where}.editions.{key}"), f"{where}.editions.{key}")
        for key, value in editions_table.items()
    }
    sources = _sources(_typed(table.get("sources", {}), dict, f"{where}.sources"), editions, where)
    urls_table = _typed(table.get("article_urls", {}), dict, f"{where}.article_urls")
    default_hosts = list(dict.fromkeys(urlsplit(e.base_url).hostname for e in editions.values()))
    article_urls = _build(
        UrlRules, {"hosts": default_hosts, "include": [], **urls_table}, f"{where}.article_urls"
    )
    for key, edition in editions.items():
        if not article_urls.in_scope(edition.base_url):
            host = urlsplit(edition.base_url).hostname
            raise _FieldError(f"{where}.article_urls.hosts", f"lacks {host}, the host of edition {key}")
    rules_table = _typed(table.get("rules", {}), dict, f"{where}.rules")
    _known_keys(rules_table, RULES_KEYS, f"{where}.rules")
    rules = _build(SiteRules, {**rules_table, "name": name}, f"{where}.rules")
    politeness_table = _typed(table.get("politeness", {}), dict, f"{where}.politeness")
    politeness = _build(Politeness, politeness_table, f"{where}.politeness")
    fields = {"title": name, **{key: table[key] for key in ("title", "region") if key in table}}
    for key, value in fields.items():
        _checked(key, _typed(value, str, f"{where}.{key}"), f"{where}.{key}")
    try:
        return SiteProfile(
            name, fields["title"], editions, sources, article_urls, rules, politeness, fields.get("region")
        )
    except ValueError as exc:  # a check across fields the schema adds later still names the site
        raise _FieldError(where, str(exc)) from None


def _sources(table: dict[str, Any], editions: Mapping[str, Edition], where: str) -> tuple[Any, ...]:
    _known_keys(table, tuple(SOURCE_KINDS), f"{where}.sources")
    sources = []
    for kind, cls in SOURCE_KINDS.items():
        entries = _typed(table.get(kind, []), list, f"{where}.sources.{kind}")
        for index, entry in enumerate(entries):
            at = f"{where}.sources.{kind}[{index}]"
            source = _build(cls, _typed(entry, dict, at), at)
            if source.edition is not None and source.edition not in editions:
                raise _FieldError(f"{at}.edition", f"{source.edition!r} is not one of {', '.join(editions)}")
            sources.append(source)
    return tuple(sources)


def _build(cls: type, table: dict[str, Any], where: str) -> Any:
    """An instance of the dataclass ``cls`` from a TOML table: known keys, typed values, checked choices."""
    hints = typing.get_type_hints(cls)
    fields = [f.name for f in dataclasses.fields(cls) if f.init and not f.name.startswith("_")]
    _known_keys(table, fields, where)
    values = {key: _convert(value, hints[key], f"{where}.{key}") for key, value in table.items()}
    for key, value in values.items():
        _checked(key, value, f"{where}.{key}", css=key in CSS_FIELDS.get(cls, ()))
    try:
        return cls(**values)
    except ValueError as exc:  # the dataclass's own check; its message names the field it is about
        named = [key for key in values if key in str(exc)]
        raise _FieldError(f"{where}.{named[0]}" if len(named) == 1 else where, str(exc)) from None


def _convert(value: Any, hint: Any, where: str) -> Any:
    """``value`` as the type ``hint`` says (TOML arrays become tuples, tables dataclasses)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):  # "X | None": TOML has no null, a key is just left out
        return _convert(value, next(arg for arg in args if arg is not type(None)), where)
    if origin is tuple:
        items = _typed(value, list, where)
        return tuple(_convert(item, args[0], f"{where}[{index}]") for index, item in enumerate(items))
    if dataclasses.is_dataclass(hint):
        return _build(hint, _typed(value, dict, where), where)
    if hint is date:
        if not isinstance(value, date) or isinstance(value, datetime):
            raise _FieldError(where, f"expected a date such as 2025-12-31, got {value!r}")
        return value
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return _typed(value, hint, where)


def _typed(value: Any, expected: type, where: str) -> Any:
    if isinstance(value, expected) and not (isinstance(value, bool) and expected is not bool):
        return value
    names = {dict: "a table", list: "an array", **TYPE_NAMES}
    raise _FieldError(where, f"expected {names.get(expected, expected.__name__)}, got {value!r}")


def _checked(key: str, value: Any, where: str, *, css: bool = False) -> None:
    """Choices, URLs, regexes, time zones and CSS selectors checked where they are written."""
    if key in CHOICES and value not in CHOICES[key]:
        raise _FieldError(where, f"{value!r} is not one of {', '.join(CHOICES[key])}")
    if key in URL_FIELDS and (
        urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).hostname
    ):
        raise _FieldError(where, f"{value!r} is not an http(s) URL")
    if key == "tz":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise _FieldError(where, f"{value!r} is not a time zone such as Asia/Almaty") from None
    for index, item in enumerate(value if isinstance(value, tuple) else (value,)):
        at = f"{where}[{index}]" if isinstance(value, tuple) else where
        if key in REGEX_FIELDS and item is not None:
            try:
                re.compile(item)
            except re.error as exc:
                raise _FieldError(at, f"{item!r} is not a regular expression: {exc}") from None
        if css and isinstance(item, str):
            try:
                GenericTranslator().css_to_xpath(item)
            except SelectorError as exc:
                raise _FieldError(at, f"{item!r} is not a CSS selector: {exc}") from None


def _required(table: dict[str, Any], key: str, where: str) -> Any:
    if key not in table:
        raise _FieldError(f"{where}.{key}", "missing")
    return table[key]


def _known_keys(table: dict[str, Any], known: Iterable[str], where: str) -> None:
    known = list(known)
    for key in table:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"
            if key == "hooks":
                hint = f"hooks are Python: write a profile module (crawler/profiles/) instead ({hint})"
            raise _FieldError(f"{where}.{key}", f"unknown key; {hint}")
