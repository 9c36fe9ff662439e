"""The spider's ``-a NAME=VALUE`` arguments: parsed and checked; a bad one is a line naming it and the fix.

One parser for the ``scrapy crawl`` command (which checks them before the crawl starts), the spider's
``__init__`` and ``kznews harvest --since``. No Scrapy import.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
ARGUMENTS = ("lang", "since", "until", "max_pages", "now", "refresh")
"""The spider's own arguments; others starting with "_" (scrapyd's ``_job``) pass through unchecked."""


@dataclass(frozen=True, slots=True)
class SpiderArguments:
    """A crawl's spider arguments, parsed (see NewsSpider for what each one does)."""

    editions: tuple[str, ...]
    since: date | None
    until: date | None
    max_pages: int | None
    now: datetime
    refresh: bool


def parse_arguments(
    given: Mapping[str, Any], site: str, editions: tuple[str, ...], tz: str
) -> SpiderArguments:
    """Parse a spider's ``-a`` arguments.

    Args:
        given: argument name -> value as given on the command line (absent or None: the default).
        site: the profile's name, for messages.
        editions: the profile's editions.
        tz: the site's time zone (a ``since`` duration counts back to a local day).

    Raises:
        ValueError: one line naming the argument and what it expects.
    """
    unknown = sorted(name for name in given if name not in ARGUMENTS and not name.startswith("_"))
    if unknown:
        raise ValueError(f"-a {unknown[0]}: no such spider argument; arguments: {', '.join(ARGUMENTS)}")
    now = parse_now(given.get("now"))
    since_day = resolve_since(given.get("since"), now, tz, "-a since")
    since = date.fromisoformat(since_day) if since_day else None
    until = parse_day(given.get("until"), "until")
    if since and until and since > until:
        raise ValueError(f"-a since={since} is after until={until}: give an earlier since or a later until")
    return SpiderArguments(
        editions=parse_editions(given.get("lang"), site, editions),
        since=since,
        until=until,
        max_pages=parse_positive(given.get("max_pages"), "max_pages"),
        now=now,
        refresh=parse_flag(given.get("refresh"), "refresh"),
    )


def parse_editions(value: str | None, site: str, editions: tuple[str, ...]) -> tuple[str, ...]:
    """``-a lang=ru,kk``: editions of the site (all when not given)."""
    if not value:
        return editions
    wanted = tuple(part.strip() for part in value.split(",") if part.strip())
    unknown = [e for e in wanted if e not in editions]
    if unknown:
        raise ValueError(
            f"-a lang={value!r}: {site} has no edition {', '.join(unknown)}; editions: {', '.join(editions)}"
        )
    return wanted


def parse_day(value: str | None, name: str) -> date | None:
    """``-a until=YYYY-MM-DD`` (None when not given)."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"-a {name}={value!r}: expected YYYY-MM-DD, e.g. -a {name}=2026-04-01") from None


def parse_duration(text: str) -> timedelta:
    """``90s``, ``30m``, ``2h``, ``1d`` or a sum such as ``1h30m``; ValueError for anything else or zero."""
    cleaned = text.strip().lower()
    parts = re.findall(r"(\d+(?:\.\d+)?)([smhd])", cleaned)
    if not parts or "".join(n + u for n, u in parts) != cleaned:
        raise ValueError(f"not a duration: {text!r} (use e.g. 90s, 30m, 2h, 1d, 1h30m)")
    seconds = sum(float(n) * DURATION_UNITS[u] for n, u in parts)
    if seconds <= 0:
        raise ValueError(f"duration must be positive: {text!r}")
    return timedelta(seconds=seconds)


def resolve_since(value: str | None, now: datetime, tz: str, option: str = "--since") -> str | None:
    """The ``since`` day: a YYYY-MM-DD as given, or the local day a duration (``2d``) before now.

    ``option`` names the input in the message (``--since`` of kznews harvest, ``-a since`` of a crawl).
    """
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    try:
        delta = parse_duration(value)
    except ValueError:
        raise ValueError(f"{option}: expected YYYY-MM-DD or a duration such as 2d, got {value!r}") from None
    return (now - delta).astimezone(ZoneInfo(tz)).date().isoformat()


def parse_positive(value: str | int | None, name: str) -> int | None:
    """A positive whole number (None when not given)."""
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise ValueError(f"-a {name}={value!r}: expected a positive integer, e.g. -a {name}=5")
    return number


def parse_flag(value: str | bool | None, name: str) -> bool:
    """1/0, true/false, yes/no, on/off."""
    if isinstance(value, bool) or value is None:
        return bool(value)
    if value.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if value.strip().lower() in ("", "0", "false", "no", "off"):
        return False
    raise ValueError(f"-a {name}={value!r}: expected 1 or 0")


def parse_now(value: str | None) -> datetime:
    """``-a now=ISO`` with an offset; the current time when not given."""
    if not value:
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"-a now={value!r}: expected an ISO time, e.g. 2026-04-28T12:00+05:00") from None
    if parsed.tzinfo is None:
        raise ValueError(f"-a now={value!r}: needs an offset, e.g. {value}+05:00")
    return parsed
