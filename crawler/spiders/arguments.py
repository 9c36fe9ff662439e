"""The spider's ``-a NAME=VALUE`` arguments: parsed and checked, with a message naming the argument."""

from __future__ import annotations

from datetime import UTC, date, datetime


def parse_editions(value: str | None, site: str, editions: tuple[str, ...]) -> tuple[str, ...]:
    """``-a lang=ru,kk``: editions of the site (all when not given)."""
    if not value:
        return editions
    wanted = tuple(part.strip() for part in value.split(",") if part.strip())
    unknown = [e for e in wanted if e not in editions]
    if unknown:
        raise ValueError(f"{site} has no edition {', '.join(unknown)}; editions: {', '.join(editions)}")
    return wanted


def parse_day(value: str | None, name: str) -> date | None:
    """``-a since=YYYY-MM-DD`` (None when not given)."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"-a {name}={value!r}: expected YYYY-MM-DD") from None


def parse_positive(value: str | int | None, name: str) -> int | None:
    """A positive whole number (None when not given)."""
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise ValueError(f"-a {name}={value!r}: expected a positive integer")
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
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"-a now={value!r}: needs an offset, e.g. {value}+05:00")
    return parsed
