"""A hostile news site on loopback: a feed of story URLs that hang, reset, inflate, flood, challenge, lie
about their canonical URL or redirect off the site, beside a few good stories.

``HostileSite`` serves ``https://www.inform.kz/...`` as ``/www.inform.kz/...`` (the fixture server's layout,
so KZNEWS_HOST_MAP reaches it). ``HOSTILE`` names the drop reason each hostile story URL must end in.
"""

from __future__ import annotations

import gzip
import json
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from crawler.fixturesite import DEFAULT_MANIFEST, FIXTURE_NOW, load_manifest

HOST = "www.inform.kz"
BLOCK_PAGES = Path(__file__).parent / "pipelines" / "data" / "blockpages"
GOOD = (
    "https://www.inform.kz/ru/agrarii-kostanayskoy-oblasti-nachali-vesenniy-sev-5be27d3a",
    "https://www.inform.kz/ru/v-astane-izmenyat-shemu-dvizheniya-na-prospekte-kabanbay-batyra-a1f3c94e",
)
# Stories of their own whose canonical link names another page: stored under the URL they were fetched from.
CLAIMS = {
    # (its URL, the fixture story it serves, the canonical it claims)
    "https://www.inform.kz/ru/hostile-same-host-canonical-0000aa06": (
        "https://www.inform.kz/ru/iz-astany-za-nedelyu-vyvezli-bolee-120-tysyach-tonn-snega-4b7e12",
        GOOD[0],
    ),
    "https://www.inform.kz/ru/hostile-foreign-canonical-0000aa07": (
        "https://www.inform.kz/ru/v-kazahstane-vyroslo-chislo-individualnyh-predprinimateley-0c4e81f7",
        "https://evil.example/ru/agrarii-kostanayskoy-oblasti-nachali-vesenniy-sev-5be27d3a",
    ),
}
SLOW_S = 4.0  # the slow story's delay; the crawl under test sets DOWNLOAD_TIMEOUT below it
HUGE_BYTES = 70 * 1024 * 1024
BOMB_INFLATED_BYTES = 64 * 1024 * 1024  # ~64 kB on the wire


@dataclass
class HostileSite:
    """The routes, and the paths requested so far (``requests``)."""

    requests: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    base_url: str = ""

    def story_urls(self) -> list[str]:
        """Every story the feed lists, good ones first."""
        return [*GOOD, *CLAIMS, *HOSTILE, *block_page_urls()]

    def host_map(self) -> dict[str, str]:
        """KZNEWS_HOST_MAP sending the site to this server."""
        return {f"https://{HOST}": f"{self.base_url}/{HOST}"}


def block_page_urls() -> dict[str, Path]:
    """One story URL per saved block page (captcha, WAF, access denied; several vendors), served with the
    status and headers its vendor sends (tests/pipelines/data/blockpages/cases.json)."""
    pages = sorted(BLOCK_PAGES.glob("*.html"))
    return {
        f"https://{HOST}/ru/hostile-block-{p.stem.replace('_', '-')}-{i:08x}": p for i, p in enumerate(pages)
    }


def _fixture(url: str) -> tuple[dict[str, str], bytes]:
    page = load_manifest(DEFAULT_MANIFEST)[url]
    return page.response_headers(), page.body


def _feed(site: HostileSite) -> bytes:
    stamp = format_datetime(FIXTURE_NOW)
    items = "".join(
        f"<item><title>story {i}</title><link>{url}</link><pubDate>{stamp}</pubDate></item>"
        for i, url in enumerate(site.story_urls())
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>hostile</title>'
        f"<link>https://{HOST}/ru/</link>{items}</channel></rss>"
    ).encode()


class HostileHandler(BaseHTTPRequestHandler):
    """Each story URL misbehaves in its own way; anything else not routed is a 404."""

    server: HostileServer

    def do_GET(self) -> None:
        """Route by path."""
        with self.server.site.lock:
            self.server.site.requests.append(self.path)
        url = f"https://{self.path.removeprefix('/')}"
        if self.path == f"/{HOST}/ru/rss/":
            return self._send(200, {"Content-Type": "application/rss+xml"}, _feed(self.server.site))
        if url in GOOD:
            return self._send(200, *_fixture(url))
        if url in CLAIMS:
            served, claimed = CLAIMS[url]
            headers, body = _fixture(served)
            return self._send(200, headers, body.replace(served.encode(), claimed.encode()))
        if url in (blocks := block_page_urls()):
            case = json.loads((BLOCK_PAGES / "cases.json").read_text(encoding="utf-8"))[blocks[url].name]
            headers = {"Content-Type": "text/html; charset=utf-8", **case["headers"]}
            return self._send(case["status"], headers, blocks[url].read_bytes())
        if url in HOSTILE:
            return ROUTES[HOSTILE[url]](self)
        return self._send(404, {"Content-Type": "text/plain"}, b"not here\n")

    # --- the hostile stories ----------------------------------------------------------------------------

    def slow(self) -> None:
        time.sleep(SLOW_S)
        self._send(200, *_fixture(GOOD[0]))

    def reset(self) -> None:
        """Close with a TCP reset before any response."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def bomb(self) -> None:
        body = gzip.compress(b"<p>" + b"0" * BOMB_INFLATED_BYTES, compresslevel=9)
        self._send(200, {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"}, body)

    def huge(self) -> None:
        """A 70 MB page that says so in its Content-Length."""
        self._stream({"Content-Length": str(HUGE_BYTES)})

    def huge_unannounced(self) -> None:
        """A 70 MB page without a Content-Length (ends when the connection closes)."""
        self._stream({})

    def offsite_redirect(self) -> None:
        self._send(302, {"Location": f"{self.server.site.base_url}/internal/admin"}, b"")

    def redirect_loop(self) -> None:
        self._send(
            302, {"Location": f"https://{HOST}{urlsplit(self.path).path.removeprefix('/' + HOST)}"}, b""
        )

    def server_error(self) -> None:
        self._send(500, {"Content-Type": "text/plain"}, b"upstream failed\n")

    # --- plumbing ---------------------------------------------------------------------------------------

    def _stream(self, headers: dict[str, str]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        chunk = b"<p>" + "слово ".encode() * 100_000 + b"</p>\n"
        try:
            for _ in range(HUGE_BYTES // len(chunk) + 1):
                self.wfile.write(chunk)
        except OSError:  # the crawler hung up once over its size limit
            pass
        self.close_connection = True

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass

    def log_message(self, format: str, *args: object) -> None:
        """Silent: the request log is kept in memory."""


ROUTES: dict[str, Callable[[HostileHandler], None]] = {
    "timeout": HostileHandler.slow,
    "connection_lost": HostileHandler.reset,
    "too_large": HostileHandler.bomb,
    "too_large/announced": HostileHandler.huge,
    "too_large/streamed": HostileHandler.huge_unannounced,
    "offsite": HostileHandler.offsite_redirect,
    "redirect_loop": HostileHandler.redirect_loop,
    "http_500": HostileHandler.server_error,
}
HOSTILE = {
    f"https://{HOST}/ru/hostile-{reason.replace('/', '-').replace('_', '-')}-{0xAA10 + i:08x}": reason
    for i, reason in enumerate(ROUTES)
}
"""Hostile story URL -> the route serving it (the drop reason it must be counted under, before any '/')."""


class HostileServer(ThreadingHTTPServer):
    """The server; ``site`` holds its request log."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), HostileHandler)
        self.site = HostileSite(base_url=f"http://127.0.0.1:{self.server_address[1]}")
