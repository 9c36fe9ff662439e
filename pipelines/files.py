"""Read a page from a file (.txt, .html, .htm, .html.gz, or "-" for stdin) and extract its article."""

from __future__ import annotations

import gzip
import sys
from datetime import datetime
from pathlib import Path

from pipelines.article import Article
from pipelines.core import extract_html, extract_text
from pipelines.options import DEFAULT_RULES, SiteRules

HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
TEXT_SUFFIXES = (".txt", ".txt.gz")


class UnreadableInput(Exception):
    """A path that cannot be read or whose kind is unknown; the message names it."""


def extract_file(
    path: str,
    *,
    url: str | None = None,
    site: str | None = None,
    now: datetime | None = None,
    rules: SiteRules = DEFAULT_RULES,
) -> Article:
    """Extract the article of one file: ``.txt`` takes the text path, HTML suffixes the HTML path.

    "-" reads standard input and sniffs HTML by a leading "<".

    Raises:
        UnreadableInput: the file is missing, unreadable, not UTF-8 text (.txt), or of an unknown kind.
    """
    name = path.lower()
    try:
        if path == "-":
            data = sys.stdin.buffer.read()
            is_html = data.lstrip()[:1] == b"<"
        elif name.endswith(HTML_SUFFIXES) or name.endswith(TEXT_SUFFIXES):
            raw = Path(path).read_bytes()
            data = gzip.decompress(raw) if name.endswith(".gz") else raw
            is_html = name.endswith(HTML_SUFFIXES)
        else:
            raise UnreadableInput(f"{path}: unknown file kind (expected .txt, .html, .htm, .html.gz or -)")
        if is_html:
            return extract_html(data, url, site, now, rules=rules, source=path)
        return extract_text(data.decode("utf-8"), url, site, now, rules=rules, source=path)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise UnreadableInput(f"{path}: {getattr(exc, 'strerror', None) or exc}") from exc
    except UnicodeDecodeError as exc:
        raise UnreadableInput(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
