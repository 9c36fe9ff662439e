"""Decode page bytes and parse them once into the lxml tree every later step reads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import lxml.html
from charset_normalizer import from_bytes
from lxml import etree
from w3lib.encoding import html_to_unicode

# trafilatura's own parser settings, so the tree handed to it is the one it would have built itself.
HTML_PARSER = lxml.html.HTMLParser(
    collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
)
# Characters XML forbids, which trafilatura's loader deletes before parsing (trafilatura.utils
# INVALID_XML_CHARS, applied in repair_faulty_html): C0 controls but tab, LF and CR, and U+FFFE / U+FFFF.
# lxml keeps them in the tree, and trafilatura then drops the page or fails to set them as element text
# (ValueError "All strings must be XML compatible"). Speed on the AEB pages: trafilatura's regex over the
# text costs 0.5 ms; deleting the C0 bytes from the UTF-8 bytes 0.08 ms (a C0 byte never occurs inside a
# multi-byte sequence), and looking for the two noncharacters in the text 0.01 ms (in the bytes: 0.2 ms).
XML_INVALID_BYTES = bytes(code for code in range(0x20) if code not in (0x09, 0x0A, 0x0D))
XML_NONCHARACTERS = ("\ufffe", "\uffff")


def decode_html(body: bytes, headers: Mapping[str, Any] | None = None) -> str:
    """Decode page bytes as Scrapy does (w3lib): BOM, Content-Type charset, <meta>/XML declaration, detection.

    Detection (nothing declared) keeps valid UTF-8 as UTF-8, else asks charset_normalizer.
    """
    _, text = html_to_unicode(_content_type(headers), body, auto_detect_fun=_detect_encoding)
    return text


def parse_html(html_input: str | bytes, headers: Mapping[str, Any] | None = None) -> lxml.html.HtmlElement:
    """Parse a page once into the tree every later step reads (trafilatura accepts it as is).

    Bytes are decoded with :func:`decode_html`; characters XML forbids are deleted, as trafilatura's own
    loader does. An empty document gives an empty ``<html>`` element (the extractor then rejects it for
    having no body) instead of lxml's ParserError.
    """
    text = decode_html(html_input, headers) if isinstance(html_input, bytes) else html_input
    for character in XML_NONCHARACTERS:
        if character in text:
            text = text.replace(character, "")
    data = text.encode("utf-8", "replace").translate(None, XML_INVALID_BYTES)
    try:
        return lxml.html.document_fromstring(data, parser=HTML_PARSER)
    except etree.ParserError:
        return lxml.html.document_fromstring(b"<html></html>", parser=HTML_PARSER)


def _content_type(headers: Mapping[str, Any] | None) -> str | None:
    """Content-Type from a plain dict (any key case) or Scrapy-style Headers (lists of bytes)."""
    for key, value in (headers or {}).items():
        if (key.decode("latin-1") if isinstance(key, bytes) else str(key)).lower() == "content-type":
            value = value[-1] if isinstance(value, list | tuple) and value else value
            return value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return None


def _detect_encoding(body: bytes) -> str | None:
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        best = from_bytes(body).best()
        return best.encoding if best else None
