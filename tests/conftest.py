"""Paths shared by the test suite; service checks live in tests/services.py."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
