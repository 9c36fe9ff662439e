"""Paths and fixtures shared by the test suite; service checks live in tests/services.py."""

from pathlib import Path

import pytest

from tests.services import require_shared

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture
def shared() -> Path:
    """../shared (benchmarks, research pages): a test using it skips without it, or fails under
    KZNEWS_REQUIRE_SERVICES=1."""
    return require_shared(SHARED)
