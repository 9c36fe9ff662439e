"""argparse value types shared by the kznews subcommands."""

from __future__ import annotations

import argparse
from datetime import datetime


def aware_datetime(value: str) -> datetime:
    """An ISO 8601 date-time that carries its UTC offset ("2026-04-28T12:00:00+05:00")."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date-time: {value!r}") from exc
    if parsed.tzinfo is None:
        raise argparse.ArgumentTypeError(f"needs an offset, e.g. {value}+05:00")
    return parsed
