"""Hostile pages from a seed: real article pages with faults outside their body, and garbage (used by
tests/pipelines/test_fuzz.py; each page carries URL, headers and bytes, so an HTTP test can serve it).

The real bodies: the fixture site's article pages with their goldens (site rules), and the same bodies in
plain markup (generic rules)."""

from __future__ import annotations

import html
import json
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache

from crawler.fixturesite import FIXTURE_NOW, load_manifest
from crawler.goldens import load_goldens
from crawler.profiles import profile_for_url
from pipelines.article import RawPage
from pipelines.options import DEFAULT_RULES, SiteRules

PLAIN_HOST = "news.example.kz"
FUTURE = "2099-11-19T10:00:00+05:00"
HUGE_BODY_CHARS = 320_000  # past pipelines.core.MAX_TEXT_CHARS
BAD_URLS = (
    *("http://[::1", "https://[::1/a", "http://a b/c", "javascript:alert(1)", "data:text/html,x", "//"),
    *("mailto:a@b.kz", "http://", "http://a:port/", "http://a:99999999/", "https://%zz/", "http://\x01a/"),
    *("ftp://x.kz/a", "http://" + "a" * 5000 + ".kz/", " ", "", "\\\\server\\share", "http://[::1]:80/x"),
    *("https://user@:80", "http://a<b>.kz/"),
)
BAD_CHARSETS = (  # no text encoding, or no encoding at all
    *("base64", "hex", "zlib", "rot13", "uu", "bz2", "quopri", "idna", "punycode", "undefined", "mbcs"),
    *("unicode_escape", "raw_unicode_escape", "utf-7", "x-bogus", "utf-8-not", "", "a" * 300, "utf-8;q=0"),
)
WRONG_CHARSETS = ("utf-16", "utf-32", "iso-8859-5", "cp037", "koi8-r", "shift_jis", "utf-16-le")  # real ones
CONTROLS = (
    *("\x0b", "\x00", "\x01", "\x1b", "\x7f", "\x85", "\ufffe", "\uffff", "\u2028", "\u202e", "\ufeff"),
    *("&#11;", "&#0;", "&#x0B;", "&#1;", "&#xFFFE;", "&#65535;", "&#x1F;", "&#xD800;"),
)
JSON_LD_FIELDS = tuple(
    "headline name alternativeHeadline datePublished dateModified author creator publisher keywords image url"
    " articleSection description inLanguage mainEntityOfPage @type @id mainEntity @graph".split()
)
NESTING_TAGS = ("div", "span", "b", "table", "ul", "li", "p", "a", "font", "section")
SOUP = "<p> </p> <div> </div> <h1> </h1> <title> <script> </script> <!-- --> <![CDATA[ <table> <td>".split()
SOUP += ["<br>", "&amp;", "&#11;", "&#xdfff;", "&", "<", ">", '"', "\x00", "Қазақстан", "Вчера, 11:22"]
SOUP += ["<a href='http://[::1'>", "<meta charset=base64>", "<time datetime='2099-01-01'>", "<base href=x:>"]


@dataclass(frozen=True, slots=True)
class HostilePage:
    """One generated page and what its cleaning must give (empty/None: no promise beyond not failing)."""

    kind: str
    url: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    rules: SiteRules = DEFAULT_RULES
    site: str | None = None
    fetched_at: datetime = FIXTURE_NOW
    aliases: tuple[str, ...] = ()
    paragraphs: tuple[str, ...] = ()  # an intact article body: the page is an Article with exactly these
    key: str | None = None  # the URL the article is stored under
    reason: str | None = None  # the Rejection reason the page gets

    def raw_page(self) -> RawPage:
        """The page as the spider hands it to the core."""
        return RawPage(self.url, self.body, self.headers, self.fetched_at, self.site, aliases=self.aliases)


@dataclass(frozen=True, slots=True)
class _Base:
    """A real article page as text, with what cleaning it gives."""

    url: str
    text: str
    encoding: str
    rules: SiteRules
    site: str | None
    fetched_at: datetime
    paragraphs: tuple[str, ...]
    ends: tuple[str, ...]  # the body's last line and the junk lines cleaning takes out of it

    def encoded(self, text: str | None = None) -> bytes:
        return (self.text if text is None else text).encode(self.encoding, "xmlcharrefreplace")

    def page(self, kind: str, text: str | None = None, **fields: object) -> HostilePage:
        """A page of this base's URL, site and body promise (``fields`` override), from ``text``."""
        body, headers = self.encoded(text), {"Content-Type": f"text/html; charset={self.encoding}"}
        promise = {"paragraphs": self.paragraphs, "key": self.url}
        page = HostilePage(kind, self.url, body, headers, self.rules, self.site, self.fetched_at, **promise)
        return replace(page, **fields)  # type: ignore[arg-type]

    def garbage(self, kind: str, text: str | None = None, **fields: object) -> HostilePage:
        """A page promised nothing but an Article or a Rejection, in time."""
        return self.page(kind, text, paragraphs=(), key=None, **fields)


@cache
def real_bases() -> tuple[_Base, ...]:
    """The fixture site's article pages (site rules), then their bodies in plain markup (generic rules)."""
    pages = load_manifest()
    sites, plain = [], []
    for number, (url, golden) in enumerate(sorted(load_goldens(pages).items())):
        page, profile, paragraphs = pages[url], profile_for_url(url), tuple(golden["paragraphs"])
        encoding = "cp1251" if "1251" in page.headers.get("Content-Type", "") else "utf-8"
        text, ends = page.body.decode(encoding), (paragraphs[-1], *(r["text"] for r in golden["removed"]))
        sites.append(
            _Base(url, text, encoding, profile.rules, profile.name, page.fetched_at, paragraphs, ends)
        )
        title, body = html.escape(golden["title"]), "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
        text = (
            f'<!DOCTYPE html><html lang="{golden["lang"]}"><head><meta charset="utf-8"><title>{title}</title>'
            f"</head><body><header><nav><a href='/'>Home</a></nav></header><main><article><h1>{title}</h1>"
            f"{body}</article></main><footer><p>© 2026</p></footer></body></html>"
        )
        url = f"https://{PLAIN_HOST}/story/news-{number}/"
        ends = paragraphs[-1:]
        plain.append(_Base(url, text, "utf-8", DEFAULT_RULES, None, page.fetched_at, paragraphs, ends))
    return (*sites, *plain)


# --- pieces of hostile markup ----------------------------------------------------------------------------
def _in_head(text: str, markup: str) -> str:
    return text.replace("<head>", "<head>" + markup, 1)


def _after_body(text: str, markup: str) -> str:
    at = text.rfind("</body>")
    return text[:at] + markup + text[at:]


def _json_junk(rng: random.Random, depth: int = 0) -> object:
    """A JSON-LD value of a wrong type or shape, nested a little."""
    leaves = [None, 0, -1, 1e308, True, "", " ", "\udfff", "a\x00b", [], {}, FUTURE, "0000-00-00"]
    leaves += [{"@id": "#self"}, {"@value": "v"}, "http://[::1", "\ud800 head", "x" * 20000]
    if depth > 2 or rng.random() < 0.5:
        return rng.choice(leaves)
    if rng.random() < 0.5:
        return [_json_junk(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(("name", "@type", "@id", "creditText", "@graph")): _json_junk(rng, depth + 1)}


def _json_ld(rng: random.Random) -> str:
    node: dict[str, object] = {"@type": "NewsArticle"}
    for key in rng.sample(JSON_LD_FIELDS, rng.randint(1, len(JSON_LD_FIELDS))):
        node[key] = _json_junk(rng)
    wrapped: object = node
    for _ in range(rng.choice((0, 0, 1, 3, 50))):
        wrapped = {"@graph": [wrapped, _json_junk(rng)]}
    text = json.dumps(wrapped)  # ensure_ascii: lone surrogates become "\udfff" escapes
    cut = rng.random()
    text = text[: int(len(text) * cut)] if cut < 0.2 else text  # broken JSON too
    return _script(text)


def _script(json_text: str) -> str:
    return '<script type="application/ld+json">' + json_text.replace("</", "<\\/") + "</script>"


# --- faults that leave the article body intact ---------------------------------------------------------
def _broken_json_ld(rng: random.Random, base: _Base) -> HostilePage:
    scripts = "".join(_json_ld(rng) for _ in range(rng.randint(1, 3)))
    nested = rng.choice(("", "[" * 990 + "]" * 990, "[" * 100000, '{"@graph":' * 400 + "1" + "}" * 400))
    return base.page("broken_json_ld", _in_head(base.text, scripts + _script(nested)))


def _bad_charset(rng: random.Random, base: _Base) -> HostilePage:
    label = rng.choice(BAD_CHARSETS)
    meta = f'charset="{html.escape(rng.choice(BAD_CHARSETS))}"'
    text = re.sub(r'(?i)charset="?[\w-]+"?', meta, base.text, count=1) if rng.random() < 0.5 else base.text
    text = base.text if base.encoding != "utf-8" else text  # a cp1251 page keeps the <meta> naming it
    return base.page("bad_charset", text, headers={"Content-Type": f"text/html; charset={label}"})


def _bad_links(rng: random.Random, base: _Base) -> HostilePage:
    bad = [html.escape(rng.choice(BAD_URLS)) for _ in range(6)]
    links = [f'<link rel="canonical" href="{bad[0]}">', f'<meta property="og:url" content="{bad[1]}">']
    links += [f'<base href="{bad[2]}">', f'<link rel="alternate" hreflang="kk" href="{bad[3]}">']
    links += [f'<link rel="alternate" hreflang="{bad[4]}" href="/x">']
    switcher = f'<div><a href="{bad[5]}">Қазақша</a><a href="/ru">Русский</a></div>'
    return base.page("bad_links", _after_body(_in_head(base.text, "".join(rng.sample(links, 3))), switcher))


def _control_chars(rng: random.Random, base: _Base) -> HostilePage:
    def spoil(match: re.Match[str]) -> str:
        inner = list(match.group(2))
        for _ in range(rng.randint(1, 4)):
            inner.insert(rng.randint(0, len(inner)), rng.choice(CONTROLS))
        return match.group(1) + "".join(inner) + match.group(3)

    text = re.sub(r"(<(?:title|h1)[^>]*>)([^<]*)(<)", spoil, base.text)
    metas = r'(<meta [^>]*content=")([^"]*)(")'
    text = re.sub(metas, lambda match: spoil(match) if rng.random() < 0.3 else match.group(), text)
    return base.page("control_chars", text)


def _surrogates(rng: random.Random, base: _Base) -> HostilePage:
    keys = ("author", "keywords", "headline", "articleSection", "description", "publisher")
    values = ("\udfff", "A\udfffB", ["k\ud800", "ok"], {"name": "\udc00 \u0000"})
    fields: dict[str, object] = {key: rng.choice(values) for key in keys}
    fields["image"] = {"creditText": "Фото \udfff"}  # always stored (photo_credits): always counted
    text = re.sub(r'<script type="application/ld\+json">.*?</script>', "", base.text, flags=re.DOTALL)
    return base.page("surrogates", _in_head(text, _script(json.dumps({"@type": "NewsArticle", **fields}))))


def _huge_title(rng: random.Random, base: _Base) -> HostilePage:
    huge = ("Заголовок " * rng.choice((60, 20000, 150000)))[: rng.randint(600, 1500000)]
    headline = _script(json.dumps({"@type": "NewsArticle", "headline": huge}))
    markup = rng.choice((f"<title>{huge}</title>", f'<meta property="og:title" content="{huge}">', headline))
    return base.page("huge_title", _in_head(base.text, markup))


def _future_dates(rng: random.Random, base: _Base) -> HostilePage:
    markup = f'<meta property="article:published_time" content="{FUTURE}">'
    markup += _script(json.dumps({"@type": "NewsArticle", "datePublished": FUTURE, "dateModified": FUTURE}))
    shown = f'<time datetime="{FUTURE}">19 ноября 2099, 10:00</time>'
    text = _in_head(base.text, markup).replace("<h1", shown + "<h1", 1)
    if base.site is None:  # a generic page may have any URL: one with a date in it too
        url = base.url.replace("/story/", "/2099/11/19/")
        return base.page("future_dates", text, url=url, key=url)
    return base.page("future_dates", text)


def _head_flips(rng: random.Random, base: _Base) -> HostilePage:
    """Letters, digits and URL punctuation of the head changed into any byte but <, >, quotes and &."""
    data = bytearray(base.encoded())
    end = data.find(b"</head>")
    spots = [m.start() for m in re.finditer(rb'[\w.:/-](?=[^<>]*(?:<|"[^"<>]*>))', bytes(data[:end]))]
    for spot in rng.sample(spots, min(len(spots), rng.randint(1, 12))):
        data[spot] = rng.choice([b for b in range(256) if b not in b"<>\"'&"])
    return base.page("head_flips", body=bytes(data))


def _truncated_after_body(rng: random.Random, base: _Base) -> HostilePage:
    """Cut anywhere past the closing tags of the body's last line or junk (60 bytes past its last letters)."""
    body, tails = base.encoded(), [line[-12:] for line in base.ends]
    forms = [form for tail in tails for form in (tail, html.escape(tail), html.escape(tail, quote=False))]
    end = max(body.rfind(base.encoded(form)) for form in forms)
    return base.page("truncated_after_body", body=body[: rng.randint(min(end + 72, len(body)), len(body))])


def _heavy_markup(rng: random.Random, base: _Base) -> HostilePage:
    """Nesting up to 20,000 deep after the body, or an element of up to 100,000 attributes (or in <head>)."""
    if rng.random() < 0.6:
        tag, depth = rng.choice(NESTING_TAGS), rng.choice((300, 2000, 20000))
        return base.page("deep_nesting", _after_body(base.text, f"<{tag}>x" * depth))
    count = rng.choice((1000, 20000, 100000))
    attributes = " ".join(f'a{i}="{i}"' if rng.random() < 0.9 else 'class="x"' for i in range(count))
    head = rng.random() < 0.5
    markup = f"<meta {attributes}>" if head else f"<div {attributes}>x</div>"
    return base.page("many_attributes", (_in_head if head else _after_body)(base.text, markup))


def _foreign_canonical(rng: random.Random, base: _Base) -> HostilePage:
    """A canonical link naming another story or host: the fetched URL stays the key."""
    others = (base.url.rstrip("/") + "-other/", "https://elsewhere.example.com/story/1/")
    other = rng.choice((*others, base.url.replace("https://", "https://evil.")))
    text = re.sub(r'<link[^>]*rel="canonical"[^>]*>|<meta property="og:url"[^>]*>', "", base.text)
    return base.page("foreign_canonical", _in_head(text, f'<link rel="canonical" href="{other}">'))


def _fetched_elsewhere(rng: random.Random, base: _Base) -> HostilePage:
    """Fetched at the canonical page's AMP twin or redirected from it (stored under the canonical URL), or at
    another URL of the site with no redirect known (stored under that URL)."""
    text = _in_head(base.text, f'<link rel="canonical" href="{base.url}">')
    scheme, _, rest = base.url.partition("://")
    host, _, path = rest.partition("/")
    twins = (f"{scheme}://{host}/amp/{path}", base.url.rstrip("/") + "/amp", base.url + "?amp=1")
    twins += (f"{scheme}://amp.{host.removeprefix('www.')}/{path}",)
    elsewhere, case = base.url + "?utm_source=rss", rng.randrange(3)
    if case == 0:
        return base.page("amp_twin", text, url=rng.choice(twins))
    if case == 1:
        return base.page("redirected", text, url=elsewhere, aliases=(base.url,))
    return base.page("unknown_redirect", text, url=elsewhere, key=elsewhere)


def _huge_body(rng: random.Random, base: _Base) -> HostilePage:
    """A plain page's paragraphs made distinct and repeated past MAX_TEXT_CHARS: no article."""
    times = HUGE_BODY_CHARS // sum(map(len, base.paragraphs)) + 1
    paragraphs = "".join(f"<p>{i}. {html.escape(p)}</p>" for i in range(times) for p in base.paragraphs)
    text = base.text.replace("</h1>", "</h1>" + paragraphs, 1)
    return base.page("huge_body", text, paragraphs=(), reason="text_too_long")


# --- garbage: no promise but an Article or a Rejection, in time ----------------------------------------
def _random_damage(rng: random.Random, base: _Base) -> HostilePage:
    """Random bytes (after a plausible start or not), or a page cut anywhere or with any bytes changed."""
    data, case = bytearray(base.encoded()), rng.randrange(3)
    if case == 0:
        start = rng.choice((b"", b"<html><head><title>"))
        return base.garbage("random_bytes", body=start + rng.randbytes(rng.choice((0, 1, 17, 4096, 200000))))
    if case == 1:
        return base.garbage("random_truncation", body=bytes(data[: rng.randint(0, len(data))]))
    for _ in range(rng.choice((1, 10, 300))):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return base.garbage("random_flips", body=bytes(data))


def _tag_soup(rng: random.Random, base: _Base) -> HostilePage:
    text = " ".join(rng.choice(SOUP) for _ in range(rng.randint(0, 3000)))
    return base.garbage("tag_soup", text)


def _regex_bombs(rng: random.Random, base: _Base) -> HostilePage:
    """Runs that make a backtracking regex quadratic, wherever page text meets one (metadata, dates, tags)."""
    bomb = rng.choice((" " * 200_000 + "x", "<a" * 100_000, "2024 " + "1:11 " * 40_000, "&#" + "0" * 200_000))
    node = {key: bomb for key in ("headline", "keywords", "articleBody", "datePublished", "author")}
    head = _script(json.dumps({"@type": "NewsArticle", **node})) + f'<meta name="keywords" content="{bomb}">'
    text = _in_head(base.text, head).replace("<h1", f'<div class="date">{html.escape(bomb)}</div><h1', 1)
    return base.garbage("regex_bombs", _after_body(text, f"<div{bomb}'>x</div>"))


def _wrong_charset(rng: random.Random, base: _Base) -> HostilePage:
    """A real encoding that is not the page's: text is garbled, nothing may fail."""
    headers = {"Content-Type": f"text/html; charset={rng.choice(WRONG_CHARSETS)}"}
    return base.garbage("wrong_charset", headers=headers)


Maker = Callable[[random.Random, _Base], HostilePage]
MAKERS: tuple[Maker, ...] = (
    *(_broken_json_ld, _bad_charset, _bad_links, _control_chars, _surrogates, _huge_title, _future_dates),
    *(_head_flips, _truncated_after_body, _heavy_markup, _foreign_canonical),
    *(_fetched_elsewhere, _fetched_elsewhere, _huge_body),  # the article body intact, or a rejection promised
    *(_random_damage, _random_damage, _random_damage, _tag_soup, _regex_bombs, _wrong_charset),  # garbage
)
HEAVY = {_huge_body: 0.1, _huge_title: 0.5, _regex_bombs: 0.3}  # the costly kinds: a share of their turns
PLAIN_ONLY = {_huge_body}  # made on a plain page: a site page's body is in its layout's markup


def hostile_pages(count: int, seed: int) -> Iterator[HostilePage]:
    """``count`` pages, the same for the same seed: the kinds in turn, each on a real page drawn at random."""
    rng, bases = random.Random(seed), real_bases()
    plain = [base for base in bases if base.site is None]
    made = 0
    while made < count:
        for maker in MAKERS:
            if made < count and rng.random() < HEAVY.get(maker, 1.0):
                yield maker(rng, rng.choice(plain if maker in PLAIN_ONLY else bases))
                made += 1
