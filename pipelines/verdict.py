"""Judge whether a parsed page is an article, not a homepage, listing, stub, error or challenge page."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

import lxml.html
from lxml import etree

from pipelines.article import Rejection
from pipelines.blockpage import INTERSTITIAL_MAX_LINKS, detect_block_page
from pipelines.jsonld import load_json_ld, types, walk

if TYPE_CHECKING:
    from pipelines.extract import ExtractedBody
    from pipelines.structured import PageMetadata

# Margins: on the 181 AEB pages and the fixture site's articles (none gets a verdict); "declared": is_article.

# --- cards: headline links; body paragraphs that are a headline's text or a teaser beside one -------------
HEADLINE_WORDS = (3, 60)  # shorter is "Read more"; longer, an <a> wrapping a whole block (or left unclosed)
TEXT_BLOCKS = ("p", "div", "li")  # a teaser's element (tengrinews announces are <div>s)
CARD_MAX_CHARS = 600  # a card: teaser + headline, date, rubric (tengrinews homepage: 240 characters)
CARD_RAW_FACTOR = 8  # the same bound before whitespace is collapsed (tengrinews' indented cards: 3.6x)
CARD_MIN_PARAGRAPHS = 3  # AEB: up to 6 (bgr.com deals, 4% of its body); tengrinews homepage 3, listings 8+
CARD_MIN_SHARE = 0.35  # ...and their share of the body: AEB max 22% (one paragraph); tengrinews homepage 71%
THIN_BODY_WORDS = 30  # words outside cards, none to keep: AEB undeclared pages have 97+ (jaraguadosul.com.br)
THIN_MIN_HEADLINES = 5  # ...on a page linking stories (the fixture press release: 13 words, no links)
TYPED_MAX_WORDS = 150  # ...or declaring a listing type (nur.kz /politics/: 40 words of cookie notice)
HOME_MIN_HEADLINES = 15  # a front page links dozens of stories (tengrinews: 94); no AEB page is at a root
LISTING_TYPES = frozenset({"CollectionPage", "SearchResultsPage"})  # declared by no AEB page

# --- URLs: supporting evidence only, never a verdict alone -------------------------------------------------
LISTING_SEGMENTS = frozenset(
    {"tag", "tags", "category", "categories", "rubric", "rubrika", "section", "topic", "topics", "theme",
     "search", "poisk", "archive", "author", "lenta", "page", "teg", "tegi"}
)  # fmt: skip
SECTION_FRONTS = frozenset({"news", "novosti", "zhanalyqtar", "latest"})  # as the last segment: /ru/news/
LISTING_QUERY_KEYS = frozenset(
    {"page", "q", "s", "query", "text", "search", "tag", "category"}
)  # ?page=1: 2 AEB
PAGINATION_PREFIX = "pagen_"  # Bitrix: ?PAGEN_1=2
HOME_SEGMENTS = frozenset({"ru", "kz", "kk", "qz", "en", "rus", "kaz", "eng", "index.php", "index.html"})
HOME_QUERY_KEYS = frozenset({"lang", "language", "hl"})  # "/?p=123" is a WordPress post, not the front page

# --- redirect stubs, error pages served as 200 -------------------------------------------------------------
REDIRECT_MAX_LINKS = 3  # "The document has moved <a>here</a>"; AEB pages have 4+ links (and then 350+ words)
REDIRECT_MAX_WORDS = 40  # Apache/IIS/nginx stubs: 2-10 words; the fixture press release: 21, no stub marker
REFRESH_MAX_SECONDS = 10  # news pages reload themselves after 300-2700 s (AEB: 2700); a stub moves on at once
REDIRECT_HEADINGS = re.compile(  # <title>/<h1> of Apache, nginx, IIS, Express stubs
    r"^(?:30[12378] \w|moved permanently|moved temporarily|object moved|document moved|redirect"
    r"|перенаправлен|переадресац)"
)
REDIRECT_PHRASES = re.compile(
    r"the document has moved|object moved to|has moved permanently|you are being redirected|if you are not "
    r"redirected|redirecting to|вы будете перенаправлены|перенаправление на|қайта бағытта"
)
# Spaces taken once: three "\s*" around optional parts split a content="   …" every way (1 kB: 1.3 s).
REFRESH = re.compile(r"^\s*+(\d+(?:\.\d+)?)?\s*+[;,]?+\s*+url\s*=", re.IGNORECASE)
ERROR_MAX_WORDS = 120  # words outside cards on an undeclared error page (tengrinews 404: 12); no AEB title/h1
# matches ERROR_CODE or ERROR_PHRASES
DECLARED_KEPT_WORDS = 40  # CleanOptions.min_words: below it a declared page may be a stub/error/challenge
ERROR_CODE = re.compile(
    r"^(?:(?:http )?(?:error|ошибка|қате) ?)?(?:40[034]|410|50[0234])(?: ?(?:error|ошибка|қате|not found"
    r"|forbidden|gone|internal server error|bad gateway|service unavailable))?$"
)  # a whole title part: "404", "Ошибка 404", "410 Gone"; never "404 человека заболели гриппом"
ERROR_PHRASES = re.compile(  # ru (tengrinews 404), kk, kk-Latn, en
    r"страница не найдена|страница не существует|такой страницы не существует|внутренняя ошибка сервера"
    r"|бет табылмады|парақ табылмады|парақша табылмады|бет табылған жоқ|мұндай бет жоқ|bet tabylmady"
    r"|paraq tabylmady|page not found|page (?:does not|doesn't) exist|page (?:could|can) ?not be found"
    r"|page you (?:requested|are looking for)|file not found|internal server error"
)
TITLE_PARTS = re.compile(r"\s+[|:·—–-]\s+|\s*::\s*")  # "404 - Tengrinews.kz" is two parts

# 3-word slug (two "-"/"_" with no "/" between: each run read once), id, page file
_STORY_SEGMENT = re.compile(r"\d{4,}|[-_][^/\-_]*+[-_]|\.(?:s?html?|php|aspx?)$")
_PAGE_TEXT = etree.XPath("//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]")


@dataclass(slots=True)
class _Page:
    """What the rules read: the tree gathered in one pass, and the body measured against it."""

    links: int = 0
    headlines: set[str] = field(default_factory=set)  # distinct on-site story URLs linked by a headline
    heads: list[str] = field(default_factory=lambda: ["", ""])  # the first <title> and <h1>, casefolded
    refresh: str = ""
    json_ld: list[str] = field(default_factory=list)
    running: int = 0  # body words outside card paragraphs
    cards: int = 0  # body paragraphs that are a headline link's text, or a teaser in a card
    card_share: float = 0.0  # the cards' share of the body's characters


def page_verdict(
    tree: lxml.html.HtmlElement, meta: PageMetadata, body: ExtractedBody, *, url: str | None = None
) -> Rejection | None:
    """Say why a page is not an article: a homepage, a listing, a redirect stub, an error or challenge page.

    Conservative: the URL and ``og:type=website`` never decide alone. A declared article (``meta.is_article``)
    is a stub, error or challenge page only with fewer words than cleaning keeps, and a homepage or listing
    only when its body is made of cards on such a URL.

    Args:
        tree: the page as parsed by ``pipelines.htmlpage.parse_html``; only read.
        meta: ``read_metadata(tree, url)`` of the page; is_article and canonical_url are read.
        body: ``extract_body(...)`` of the page, paragraphs as extracted (before the cleaning stage).
        url: the page's final URL; when None, the canonical URL alone serves the URL checks.

    Returns:
        None for an article, else a Rejection with reason ``homepage``, ``listing``, ``redirect_stub``,
        ``error_page`` or ``challenge_page`` and the evidence as detail.
    """
    (at_root, url_hint), (canonical_root, canonical_hint) = map(_url_evidence, (url, meta.canonical_url))
    home = at_root or canonical_root
    hint = url_hint or canonical_hint or ("site root" if home else None)
    short = sum(len(p.split()) for p in body.paragraphs) < DECLARED_KEPT_WORDS
    if meta.is_article and not short and not hint:
        return None  # most article pages: decided without reading the tree
    page = _scan(tree, url or meta.canonical_url, body.paragraphs)
    found = (
        (_challenge(tree, meta, page) or _stub(tree, page) if short or not meta.is_article else None)
        or _error_page(meta, page)
        or _listing(meta, page, hint, home, at_root=at_root)
    )
    return Rejection(*found, url) if found else None


def _scan(tree: lxml.html.HtmlElement, page_url: str | None, paragraphs: tuple[str, ...]) -> _Page:
    page, link_texts, anchors = _Page(), [], []
    site = _site(urlsplit(page_url).hostname or "") if page_url else ""
    own = _link_key(page_url, site)
    for element in tree.iter("a", "title", "h1", "script", "meta"):
        tag = element.tag
        if tag == "a":
            page.links += 1
            words = (element.text_content() if len(element) else element.text or "").split()
            if HEADLINE_WORDS[0] <= len(words) <= HEADLINE_WORDS[1]:
                link_texts.append(" ".join(words))
                if story := _story_key(element.get("href"), site, own):
                    anchors.append(element)  # any site's: tengrinews' cards link tengrisport.kz stories
                    if not site or story[0] == site:
                        page.headlines.add(story[1])
        elif tag == "script":
            if "ld+json" in (element.get("type") or "").lower():
                page.json_ld.append(element.text or "")
        elif tag == "meta":
            if (element.get("http-equiv") or "").strip().lower() == "refresh":
                page.refresh = element.get("content") or ""
        elif not page.heads[tag == "h1"]:
            page.heads[tag == "h1"] = _text(element).casefold()
    texts = [(" ".join(words), len(words)) for words in (p.split() for p in paragraphs)]
    cardlike = {text for text, count in texts if HEADLINE_WORDS[0] <= count <= HEADLINE_WORDS[1]}
    teasers, link_text = _teasers(anchors, cardlike), "\n".join(link_texts).casefold()
    card_chars = total = 0
    for text, count in texts:  # measure the body against the cards
        total += len(text)
        if text in cardlike and (text in teasers or text.casefold() in link_text):
            page.cards += 1
            card_chars += len(text)
        else:
            page.running += count
    page.card_share = card_chars / total if total else 0.0
    return page


def _teasers(anchors: list[lxml.html.HtmlElement], wanted: set[str]) -> set[str]:
    """Body paragraphs alone in a card: the nearest ancestor with 2+ children of a headline link, if short."""
    found, seen = set(), set()
    for anchor in anchors:
        card = anchor.getparent()
        while card is not None and len(card) < 2:  # climb single-child wrappers (<h3><a>, <span><a>)
            card = card.getparent()
        if card is None or card in seen:
            continue
        seen.add(card)
        text = card.text_content()
        if len(text) > CARD_RAW_FACTOR * CARD_MAX_CHARS or len(" ".join(text.split())) > CARD_MAX_CHARS:
            continue
        inside = {block for block in card.iter(*TEXT_BLOCKS) if anchor not in block.iterdescendants("a")}
        texts = {text for block in inside if (text := _text(block)) in wanted}  # a wrapper repeats its <p>
        if len(texts) == 1:  # a card has one teaser; an article's container, several paragraphs
            found |= texts
    return found


# --- the reasons -------------------------------------------------------------------------------------------
def _challenge(tree: lxml.html.HtmlElement, meta: PageMetadata, page: _Page) -> tuple[str, str] | None:
    """blockpage.py's markers, every vendor's; on a declared article only those that fire on any page."""
    if page.links > INTERSTITIAL_MAX_LINKS:
        return None
    marker = detect_block_page(200, None, lxml.html.tostring(tree, encoding="utf-8"))  # rare: almost no links
    if meta.is_article and marker and not marker.startswith(("header:", "markup:")):
        return None
    return ("challenge_page", marker) if marker else None


def _stub(tree: lxml.html.HtmlElement, page: _Page) -> tuple[str, str] | None:
    if page.links > REDIRECT_MAX_LINKS:
        return None
    text = " ".join(" ".join(_PAGE_TEXT(tree)).split()).casefold()
    if (words := len(text.split())) > REDIRECT_MAX_WORDS:
        return None
    found = next((head for head in page.heads if REDIRECT_HEADINGS.search(head)), None)
    if found or (found := next(iter(REDIRECT_PHRASES.findall(text)), None)):
        return "redirect_stub", f"{found!r}, {words} words"
    if (refresh := REFRESH.match(page.refresh)) and float(refresh.group(1) or 0) <= REFRESH_MAX_SECONDS:
        return "redirect_stub", f"meta refresh {page.refresh!r}, {words} words"
    return None


def _error_page(meta: PageMetadata, page: _Page) -> tuple[str, str] | None:
    if page.running >= (DECLARED_KEPT_WORDS if meta.is_article else ERROR_MAX_WORDS):
        return None
    for head in page.heads:
        if ERROR_PHRASES.search(head) or any(map(ERROR_CODE.match, TITLE_PARTS.split(head.strip(" .!")))):
            return "error_page", f"{head!r}, words outside cards: {page.running}"
    return None


def _listing(
    meta: PageMetadata, page: _Page, hint: str | None, home: bool, *, at_root: bool
) -> tuple[str, str] | None:
    headlines, running, cards, share = len(page.headlines), page.running, page.cards, page.card_share
    reason = "homepage" if home else "listing"
    made_of_cards = cards >= CARD_MIN_PARAGRAPHS and share >= CARD_MIN_SHARE
    seen = f"{headlines} headline links, {cards} card paragraphs ({share:.0%}), other words: {running}"
    if meta.is_article:
        return (reason, f"{seen}; {hint}") if made_of_cards and hint else None
    if at_root and headlines >= HOME_MIN_HEADLINES:
        return reason, f"site root; {seen}"
    if made_of_cards:
        return reason, seen
    types_seen = {
        kind for script in page.json_ld for node in walk(load_json_ld(script)) for kind in types(node)
    }
    typed = min(types_seen & LISTING_TYPES, default=None)  # JSON-LD is parsed only when it can decide
    linked = headlines >= THIN_MIN_HEADLINES or hint or typed
    if linked and running < (TYPED_MAX_WORDS if typed else THIN_BODY_WORDS):
        return reason, f"{seen}; {hint or typed or 'no running text'}"
    return None


# --- helpers -----------------------------------------------------------------------------------------------
def _text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _url_evidence(url: str | None) -> tuple[bool, str | None]:
    """(whether the URL is a site's front page, what in it names a listing: a segment, a section, a key)."""
    if not url:
        return False, None
    parts = urlsplit(url)
    segments = [segment.casefold() for segment in parts.path.split("/") if segment]
    keys = [key.casefold() for key, _ in parse_qsl(parts.query, keep_blank_values=True)]
    home = not segments or (len(segments) == 1 and segments[0] in HOME_SEGMENTS)
    home = home and all(key in HOME_QUERY_KEYS or key.startswith("utm_") for key in keys)
    if found := next((segment for segment in segments if segment in LISTING_SEGMENTS), None):
        return home, f"URL segment /{found}/"
    if segments and segments[-1] in SECTION_FRONTS:
        return home, f"section URL /{segments[-1]}/"
    found = next((key for key in keys if key in LISTING_QUERY_KEYS or key.startswith(PAGINATION_PREFIX)), "")
    return home, f"URL query ?{found}=" if found else None


def _site(host: str) -> str:
    """A host's last two labels: "kaz.tengrinews.kz" and "tengrinews.kz" are one site."""
    return ".".join(host.lower().removeprefix("www.").split(".")[-2:])


def _story_key(href: str | None, site: str, own: tuple[str, str] | None) -> tuple[str, str] | None:
    """_link_key of a link to another story (last segment a slug, an id or a page file), else None."""
    found = _link_key(href, site)
    last = found[1].partition("?")[0].rpartition("/")[2] if found and found != own else ""
    return found if _STORY_SEGMENT.search(last) else None


def _link_key(href: str | None, site: str) -> tuple[str, str] | None:
    """(site, path?query) of an absolute or root-relative link, a relative one on ``site``; else None."""
    href = (href or "").strip()
    if href.startswith(("http://", "https://", "//")):
        netloc, _, rest = href.split("//", 1)[1].partition("/")
        site, href = _site(netloc.rpartition("@")[2].partition(":")[0]), "/" + rest
    elif not href.startswith("/"):
        return None  # fragments, mailto:, javascript:, and the rare bare relative link
    path, _, query = href.partition("#")[0].partition("?")
    return site, f"{path.rstrip('/')}?{query}" if query else path.rstrip("/")
