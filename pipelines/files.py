"""Read a page from a file (.txt, .html, .htm, .html.gz, or "-" for stdin) and extract its article."""

from __future__ import annotations

import gzip
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipelines.article import Article, Rejection
from pipelines.core import extract_html, extract_text
from pipelines.options import DEFAULT_RULES, SiteRules

HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
TEXT_SUFFIXES = (".txt", ".txt.gz")
BINARY_SNIFF_BYTES = 8000  # git's rule for binary files: a NUL byte among the first 8000
# Pages whose text has NUL bytes by design (UTF-32 LE starts like UTF-16 LE).
UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


class UnreadableInput(Exception):
    """A path that cannot be read or whose kind is unknown; the message names it."""


@dataclass(frozen=True, slots=True)
class PageInput:
    """One saved page: where it came from, its bytes, and which path it takes (HTML or page text)."""

    source: str
    data: bytes
    is_html: bool


def read_input(path: str) -> PageInput:
    """Read a saved page: ``.txt`` takes the text path, HTML suffixes the HTML path; "-" reads standard
    input and sniffs HTML by a leading "<".

    Raises:
        UnreadableInput: the file is missing, unreadable, a directory, of an unknown kind, or binary data
            under an HTML name.
    """
    name = path.lower()
    try:
        if path == "-":
            data = sys.stdin.buffer.read()
            return PageInput(path, data, data.lstrip()[:1] == b"<")
        if Path(path).is_dir():
            raise UnreadableInput(f"{path}: is a directory (give its page files, e.g. {path}/*.html)")
        if not name.endswith(HTML_SUFFIXES + TEXT_SUFFIXES):
            raise UnreadableInput(f"{path}: unknown file kind (expected .txt, .html, .htm, .html.gz or -)")
        raw = Path(path).read_bytes()
        data = gzip.decompress(raw) if name.endswith(".gz") else raw
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise UnreadableInput(f"{path}: {getattr(exc, 'strerror', None) or exc}") from exc
    is_html = name.endswith(HTML_SUFFIXES)
    if is_html and not data.startswith(UTF16_32_BOMS) and b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise UnreadableInput(
            f"{path}: binary data, not an HTML page (NUL bytes; is it an image or an archive?)"
        )
    return PageInput(path, data, is_html)


def own_url(page: PageInput) -> str | None:
    """The URL an HTML page names for itself (<link rel=canonical>, else og:url): a standalone page's
    only clue to its site when no URL is given."""
    from pipelines.htmlpage import parse_html
    from pipelines.structured import read_metadata

    return read_metadata(parse_html(page.data)).canonical_url if page.is_html else None


def extract_input(
    page: PageInput,
    *,
    url: str | None = None,
    site: str | None = None,
    now: datetime | None = None,
    rules: SiteRules = DEFAULT_RULES,
) -> Article | Rejection:
    """The page's article, or the verdict that it is not one.

    Raises:
        UnreadableInput: a .txt file that is not UTF-8 text.
    """
    if page.is_html:
        return extract_html(page.data, url, site, now, rules=rules, source=page.source)
    try:
        text = page.data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableInput(f"{page.source}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    return extract_text(text, url, site, now, rules=rules, source=page.source)
