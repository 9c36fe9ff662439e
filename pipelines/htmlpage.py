"""Decode page bytes and parse them once into the lxml tree every later step reads."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from functools import lru_cache
from itertools import islice
from typing import Any

import lxml.html
from charset_normalizer import from_bytes
from lxml import etree
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, to_unicode

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
# The same characters written as character references ("&#11;", "&#x0B;", "&#65535;"): libxml2 puts them in
# the tree as such (it turns only &#0;, surrogates and values past U+10FFFF into U+FFFD). Matched as libxml2
# reads them: leading zeros, all the digits that follow, the ";" optional.
XML_INVALID_REFERENCE = re.compile(
    rb"&#(?:0*(?:[1-8]|1[1-24-9]|2\d|3[01]|6553[45])(?!\d)"
    rb"|[xX]0*(?:[1-8bBcCeEfF]|1[\da-fA-F]|[fF]{3}[eEfF])(?![\da-fA-F]));?"
)
# libxml2 checks each attribute of a tag against the ones before it: parsing 20,000 attributes on one
# element took 1 s, 100,000 took 25 s (and trafilatura parses the page again). No real element has 1,000;
# those past it are dropped. Only a tag longer than 2 characters per attribute (" a") can have that many, and
# finding one costs ~0.2 ms on an AEB page.
MAX_ATTRIBUTES = 1000
LONG_TAG = re.compile(rb"<[a-zA-Z][^\s/<>]*+([^<>]{%d,})" % (2 * MAX_ATTRIBUTES))  # group 1: the attributes
# Starts only where a whitespace run starts: each start in a run would rescan it (quadratic on "<a    ...").
ATTRIBUTE = re.compile(rb"""(?<!\s)\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>=`]+))?""")
# html.unescape turns a numeric reference into an int, and past 4,300 digits Python refuses (ValueError): a
# reference that long names no character (past U+10FFFF, or zeros), as html.unescape reads it: U+FFFD.
HUGE_REFERENCE = re.compile(r"&#(?:[xX][\da-fA-F]{32,}|\d{32,});?")
# Python codecs that decode bytes to text but are no page encoding; a label naming one counts as absent
# (bytes-to-bytes codecs such as base64, hex, zlib, rot13, uu and codecs that fail on any byte, such as
# idna, punycode and undefined, are caught by a trial decoding).
NOT_CHARSETS = frozenset({"unicode-escape", "raw-unicode-escape"})
CHARSET_PROBE = "<p>Қазақ тілі</p>".encode()
UTF16_32 = ("utf-16", "utf-32")
# Bytes that are not valid UTF-8 but hold this many valid multi-byte characters per invalid sequence are
# damaged UTF-8 (a flipped or truncated byte), not another encoding: charset_normalizer guessed cp1250,
# iso8859_2 or mac_iceland for fixture pages with one flipped byte, garbling the whole text. A cp1251 or
# latin-1 page read as UTF-8 gives almost no valid sequences.
UTF8_EVIDENCE = 10


def decode_html(body: bytes, headers: Mapping[str, Any] | None = None) -> str:
    """Decode page bytes as Scrapy does (w3lib): BOM, Content-Type charset, <meta>/XML declaration, detection.

    A declared name that is no text encoding (charset=base64, hex, idna, ...) counts as undeclared, and so
    does a header's UTF-8 over bytes that are not UTF-8 when the page's <meta> names another encoding (a
    server default over a cp1251 page). Detection keeps valid or barely damaged UTF-8 as UTF-8, else asks
    charset_normalizer.
    """
    bom_encoding, bom = read_bom(body)
    if bom_encoding is not None and bom is not None:
        return to_unicode(body[len(bom) :], bom_encoding)
    header, meta = http_content_type_encoding(_content_type(headers)), html_body_declared_encoding(body)
    if meta is not None and meta.startswith(UTF16_32):
        meta = "utf-8"  # a <meta> read as ASCII is no UTF-16/32 page: WHATWG's prescan says UTF-8
    if header == "utf-8" and meta not in (None, "utf-8") and not _utf8_like(body):
        header = None
    declared = (name for name in (header, meta) if name is not None and _usable_charset(name))
    encoding = next(declared, None) or _detect_encoding(body) or "utf-8"
    # declared without a BOM (only a header can, see above): w3lib reads them big-endian
    return to_unicode(body, encoding + "-be" if encoding in UTF16_32 else encoding)


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
    if XML_INVALID_REFERENCE.search(data):  # searching first: the common case costs half a sub
        data = XML_INVALID_REFERENCE.sub(b"", data)
    data = LONG_TAG.sub(_cap_attributes, data)
    try:
        return lxml.html.document_fromstring(data, parser=HTML_PARSER)
    except etree.ParserError:
        return lxml.html.document_fromstring(b"<html></html>", parser=HTML_PARSER)


def unescape(text: str) -> str:
    """html.unescape that never raises: a numeric reference of 32 digits or more is U+FFFD."""
    return html.unescape(HUGE_REFERENCE.sub("\ufffd", text) if "&#" in text else text)


def _cap_attributes(tag: re.Match[bytes]) -> bytes:
    """A long start tag (without its ">") cut after its MAX_ATTRIBUTES-th attribute."""
    attributes = list(islice(ATTRIBUTE.finditer(tag.group(), tag.start(1) - tag.start()), MAX_ATTRIBUTES))
    return tag.group()[: attributes[-1].end()] if len(attributes) == MAX_ATTRIBUTES else tag.group()


def _content_type(headers: Mapping[str, Any] | None) -> str | None:
    """Content-Type from a plain dict (any key case) or Scrapy-style Headers (lists of bytes)."""
    for key, value in (headers or {}).items():
        if (key.decode("latin-1") if isinstance(key, bytes) else str(key)).lower() == "content-type":
            value = value[-1] if isinstance(value, list | tuple) and value else value
            return value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return None


@lru_cache(maxsize=64)
def _usable_charset(name: str) -> bool:
    """True for an encoding (as w3lib resolved its label) that decodes page bytes to text."""
    try:
        CHARSET_PROBE.decode(name, "replace")
    except (LookupError, UnicodeError):  # "'base64' is not a text encoding", idna's refusal of "replace"
        return False
    return name not in NOT_CHARSETS


def _utf8_like(body: bytes) -> bool:
    """True for UTF-8, and for UTF-8 with a few broken sequences (UTF8_EVIDENCE)."""
    try:
        body.decode("utf-8")
        return True
    except UnicodeDecodeError:
        text = body.decode("utf-8", "replace")
    damaged = text.count("\ufffd") - body.count("\ufffd".encode())
    return len(text) - len(text.encode("ascii", "ignore")) - damaged >= UTF8_EVIDENCE * damaged


def _detect_encoding(body: bytes) -> str | None:
    if _utf8_like(body):
        return "utf-8"
    best = from_bytes(body).best()
    return best.encoding if best else None
