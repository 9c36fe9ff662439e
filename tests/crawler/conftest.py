"""Crawler test fixtures: the fixture site served by tests/mockserver.py in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest

from crawler.fixturesite import DEFAULT_MANIFEST, load_manifest

ROOT = Path(__file__).resolve().parents[2]


class MockServer:
    """Handle on the running fixture server."""

    def __init__(self, base_url: str):
        self.base_url = base_url

    def host_map(self) -> dict[str, str]:
        """KZNEWS_HOST_MAP sending every host of the fixture site to this server."""
        origins = {f"{urlsplit(u).scheme}://{urlsplit(u).hostname}" for u in load_manifest(DEFAULT_MANIFEST)}
        return {origin: f"{self.base_url}/{urlsplit(origin).hostname}" for origin in sorted(origins)}

    def log(self) -> list[str]:
        """Paths requested so far, in order."""
        with urlopen(f"{self.base_url}/__log__", timeout=5) as response:  # loopback only
            return json.loads(response.read())


@contextmanager
def serve_fixture_site() -> Iterator[MockServer]:
    """Run tests/mockserver.py in a subprocess for the duration of the block."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.mockserver"], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        if not base_url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"mock server did not start: {base_url!r}")
        yield MockServer(base_url)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def mockserver():
    """The fixture site on 127.0.0.1:<free port> for the whole session."""
    with serve_fixture_site() as server:
        yield server


@pytest.fixture
def fresh_mockserver():
    """The fixture site on its own server: an empty request log, every retry_once_429 page not yet served."""
    with serve_fixture_site() as server:
        yield server
