"""A loopback HTTP server for the fixture site: GET /<host>/<path>?<query> serves https://<host>/<path>?<query>.

Run as ``python -m tests.mockserver [--manifest PATH]``: it binds 127.0.0.1 on a free port and prints its
base URL on the first stdout line (as Scrapy's own test mock servers do). It honours each entry's status,
headers, redirect ``location`` and ``retry_once_429`` (first request: 429 with Retry-After: 1), and logs
every request path; ``GET /__log__`` returns that log as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import BaseServer
from typing import TypeVar
from urllib.parse import urlsplit

from crawler.fixturesite import DEFAULT_MANIFEST, FixturePage, load_manifest


def index_by_path(pages: dict[str, FixturePage]) -> dict[str, FixturePage]:
    """The pages keyed by the server path that serves them: ``/<host><path>[?query]``."""
    index = {}
    for url, page in pages.items():
        parts = urlsplit(url)
        index[f"/{parts.hostname}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")] = page
    return index


class FixtureHandler(BaseHTTPRequestHandler):
    """Serve one request from the server's page index."""

    server: FixtureServer

    def do_GET(self) -> None:
        """Answer from the manifest (404 when absent); /__log__ returns the request log."""
        if self.path == "/__log__":
            self._send(200, {"Content-Type": "application/json"}, json.dumps(self.server.requests).encode())
            return
        with self.server.lock:
            self.server.requests.append(self.path)
            seen_before = self.path in self.server.served
            self.server.served.add(self.path)
        page = self.server.pages.get(self.path)
        if page is None:
            self._send(404, {"Content-Type": "text/plain; charset=utf-8"}, b"not in the fixture manifest\n")
        elif page.retry_once_429 and not seen_before:
            self._send(429, {"Content-Type": "text/plain; charset=utf-8", "Retry-After": "1"}, b"slow down\n")
        else:
            self._send(page.status, page.response_headers(), page.body)

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Silence the per-request stderr line; the log is kept in memory."""


S = TypeVar("S", bound=BaseServer)


class FixtureServer(ThreadingHTTPServer):
    """ThreadingHTTPServer holding the page index and the request log."""

    daemon_threads = True

    def __init__(self, pages: dict[str, FixturePage]):
        super().__init__(("127.0.0.1", 0), FixtureHandler)
        self.pages = index_by_path(pages)
        self.requests: list[str] = []
        self.served: set[str] = set()
        self.lock = threading.Lock()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.server_address[1]}"


@contextmanager
def serving(server: S) -> Iterator[S]:
    """``server`` answering from a daemon thread of this process until the block ends, then closed."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def main(argv: list[str] | None = None) -> int:
    """Serve until killed; the first stdout line is the base URL."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--manifest", default=str(DEFAULT_MANIFEST))
    args = parser.parse_args(argv)
    server = FixtureServer(load_manifest(args.manifest))
    print(server.base_url, flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
