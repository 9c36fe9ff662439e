"""Expected results for the fixture site (crawler/fixture_site): what crawls and goldens are compared to."""

import json
from pathlib import Path

EXPECTED_PATH = Path(__file__).resolve().parent / "fixtures" / "expected.json"
EXPECTED: dict[str, dict] = json.loads(EXPECTED_PATH.read_text(encoding="utf-8"))
"""Per fixture article URL: its expected fields."""
