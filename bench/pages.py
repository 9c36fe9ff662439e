"""Generate a replayable Kazinform site of N article pages from the fixture pages, for crawl benchmarks.

Each generated page is a fixture article page (the template) with a new URL and id, a new title and lead,
3-10 new body paragraphs and a shifted publication day, all drawn deterministically from a seeded RNG.
Sentences come from the cleaned text of every fixture article in the same language and script, with
their numbers re-drawn, so no two pages share a paragraph (no cache in the pipeline can hit by chance).
The archive holds robots.txt and news sitemaps linking every page, so the spider discovers them itself.
"""

from __future__ import annotations

import random
import re
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import lxml.html

from crawler.fixturesite import FIXTURE_NOW, load_manifest
from crawler.profiles import PROFILES
from crawler.warcwriter import write_archive
from pipelines.article import Article, RawPage
from pipelines.core import clean_page
from tests.fixture_data import EXPECTED

SITE = "kazinform"  # one spider crawls one profile; Kazinform has all four editions
PARAGRAPHS = (3, 10)  # body paragraphs per page: fixture articles have 3-7, real ones up to ~15
SENTENCES = (1, 3)  # sentences per paragraph
TITLE_WORDS = (5, 10)
CHROME_KB = 100
"""Page chrome added around each story (menus, most-read cards, inline ad/analytics scripts): the fixture
pages weigh 6-8 kB, pages of Kazakh news sites as served weigh 90-320 kB (research/html/MANIFEST.md), and
the per-page cost of parsing and of the crawl's own work both depend on it."""
SCRIPT_SHARE = 0.4  # of the chrome: inline scripts; the rest is link cards
AD_SCRIPT = """<script>window.yaContextCb.push(() => {{
  Ya.adfoxCode.createAdaptive({{
    ownerId: {owner}, containerId: "adfox_{n}",
    params: {{ pp: "g", ps: "fxdx", p2: "hzjw", puid1: "{puid}", puid2: "", puid3: "", puid4: "" }},
    onRender: function () {{ document.getElementById("adfox_{n}").classList.add("is-rendered"); }},
    onStub: function () {{ document.getElementById("adfox_{n}").remove(); }}
  }}, ["desktop", "tablet", "phone"], {{ tabletWidth: 1023, phoneWidth: 639, isAutoReloads: false }});
}});
window.dataLayer = window.dataLayer || []; window.dataLayer.push({{ event: "adslot", slot: {n} }});
</script>
"""
"""An adfox slot as news sites embed them (one per banner position), about 700 characters."""
CHROME_VARIANTS = 16  # chrome blocks drawn per template, one picked per page (drawing each is slow)
SITEMAP_PATH = {"ru": "/sitemap-news-ru.xml", "kk": "/sitemap-news-kz.xml", "en": "/sitemap-news-en.xml"}
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_NUMBER = re.compile(r"\d+")
_UNSAFE_IN_TITLE = re.compile(r"[\"'<>&|«»“”]")
_HEX_ID = re.compile(r"-([0-9a-f]{8}|[0-9a-f]{6})/?$")  # Kazinform ids: 8 hex since spring 2026, 6 before


@dataclass(frozen=True, slots=True)
class Template:
    """A fixture article page and what is replaced in it."""

    url: str
    edition: str
    html: str
    charset: str
    headers: dict[str, str]
    title: str | None
    lead: str | None
    published: datetime
    pool: tuple[str, ...]  # sentences of the same language and script


@dataclass(frozen=True, slots=True)
class BenchSite:
    """What ``write_site`` packed: the article URLs and the archive's size."""

    path: Path
    article_urls: tuple[str, ...]
    records: int
    bytes: int


def _sentences(article: Article) -> list[str]:
    return [s for p in article.paragraphs for s in _SENTENCE_END.split(p) if len(s.split()) >= 4]


def load_templates() -> list[Template]:
    """The Kazinform fixture articles, each with the sentence pool of its language (both sites' pages)."""
    expected = EXPECTED
    manifest = load_manifest()
    pools: dict[tuple[str, str], list[str]] = {}
    cleaned = {}
    for url, exp in expected.items():
        page = manifest[url]
        raw = RawPage(url=url, body=page.body, headers=page.response_headers(), fetched_at=FIXTURE_NOW,
                      site=exp["site"], edition=exp["edition"])  # fmt: skip
        article = clean_page(raw, PROFILES[exp["site"]].rules)
        if not isinstance(article, Article):
            raise RuntimeError(f"fixture article {url} no longer cleans: {article}")
        cleaned[url] = article
        pools.setdefault((exp["lang"], exp["script"]), []).extend(_sentences(article))
    templates = []
    for url, exp in sorted(expected.items()):
        if exp["site"] != SITE:
            continue
        page = manifest[url]
        charset = re.search(r"charset=([\w-]+)", page.headers.get("Content-Type", "")) or None
        encoding = charset.group(1) if charset else "utf-8"
        templates.append(
            Template(
                url=url,
                edition=exp["edition"],
                html=page.body.decode(encoding),
                charset=encoding,
                headers=page.response_headers(),
                title=exp["title"],
                lead=exp["lead"],
                published=datetime.fromisoformat(exp["published_at"]),
                pool=tuple(pools[(exp["lang"], exp["script"])]),
            )
        )
    return templates


def _vary_numbers(text: str, rng: random.Random) -> str:
    return _NUMBER.sub(lambda m: str(rng.randrange(1, 10 ** len(m.group(0)) + 10)), text)


def _paragraph(pool: tuple[str, ...], rng: random.Random) -> str:
    return _vary_numbers(" ".join(rng.choice(pool) for _ in range(rng.randint(*SENTENCES))), rng)


def _title(pool: tuple[str, ...], rng: random.Random) -> str:
    words = _UNSAFE_IN_TITLE.sub("", _vary_numbers(rng.choice(pool), rng)).rstrip(".!?…").split()
    start = rng.randrange(max(1, len(words) - TITLE_WORDS[0]))
    words = words[start : start + rng.randint(*TITLE_WORDS)]
    return " ".join(words)[:1].upper() + " ".join(words)[1:]


def _new_url(template: Template, number: int) -> str:
    """The template URL with a new slug and a unique id as wide as the template's (6 or 8 hex digits; an odd
    multiplier is a bijection mod 2^24 and 2^32)."""
    width = len(_HEX_ID.search(template.url).group(1))
    hex_id = f"{(number * 2654435761 + 0xA5A5) % 16**width:0{width}x}"
    parts = urlsplit(template.url)
    slash = "/" if parts.path.endswith("/") else ""
    head, _slug = parts.path.rstrip("/").rsplit("/", 1)
    return f"{parts.scheme}://{parts.netloc}{head}/bench-story-{number}-{hex_id}{slash}"


def _body(html: str, paragraphs: list[str]) -> str:
    """Put ``paragraphs`` in the layout body's plain <p> elements, adding or removing <p> as needed."""
    doc = lxml.html.fromstring(html)
    body = doc.cssselect(".article__content, .article__body-text")[0]  # 2026 markup (www), qz pages
    slots = [p for p in body.iter("p") if not p.get("class")]
    for p in slots[len(paragraphs) :]:
        p.drop_tree()
    for p, text in zip(slots, paragraphs, strict=False):
        for child in list(p):
            p.remove(child)
        p.text = text
    anchor = slots[min(len(paragraphs), len(slots)) - 1]
    for text in reversed(paragraphs[len(slots) :]):
        extra = lxml.html.Element("p")
        extra.text = text
        anchor.addnext(extra)
    return "<!DOCTYPE html>\n" + lxml.html.tostring(doc, encoding="unicode")


def _chrome(template: Template, rng: random.Random, size: int) -> str:
    """About ``size`` characters of most-read cards and inline scripts, as real pages carry around a story."""
    parts, scripts, cards, number = [], 0, 0, 0
    while scripts + cards < size:
        number += 1
        if scripts < SCRIPT_SHARE * size:
            block = AD_SCRIPT.format(n=number, owner=rng.randrange(10**6), puid=rng.randrange(10**4))
            scripts += len(block)
        else:
            link = _new_url(template, rng.randrange(10**6))
            block = (
                f'<div class="most-read__card"><a href="{link}"><img src="/img/{number}.jpg" alt="">'
                f'<span class="card-title">{_title(template.pool, rng)}</span></a>'
                f'<time class="meta-date">{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}</time></div>\n'
            )
            cards += len(block)
        parts.append(block)
    return '<aside class="most-read">\n' + "".join(parts) + "</aside>\n"


def generate_page(
    template: Template, number: int, rng: random.Random, chrome: str = ""
) -> tuple[str, str, datetime]:
    """One page: (url, html, published_at) from ``template`` with ``chrome`` before </body>; every change
    is drawn from ``rng``."""
    url = _new_url(template, number)
    count = rng.randint(*PARAGRAPHS)
    html = _body(template.html, [_paragraph(template.pool, rng) for _ in range(count)])
    html = html.replace("</body>", chrome + "</body>", 1)
    html = html.replace(template.url, url)
    old_id, new_id = _HEX_ID.search(template.url).group(1), _HEX_ID.search(url).group(1)
    html = html.replace(old_id, new_id)
    if template.title:
        html = html.replace(template.title, _title(template.pool, rng))
    if template.lead:
        html = html.replace(template.lead, _paragraph(template.pool, rng))
    published = template.published.replace(day=rng.randint(1, 28))
    old_day, new_day = template.published.strftime("%Y-%m-%d"), published.strftime("%Y-%m-%d")
    html = html.replace(old_day, new_day).replace(
        f", {template.published.day} ", f", {published.day} "
    )  # the visible "11:17, 26 Sáýir 2026"
    return url, html, published


def _urlset(entries: list[tuple[str, datetime]]) -> bytes:
    rows = "".join(
        f"<url><loc>{escape(u)}</loc><lastmod>{d.isoformat()}</lastmod></url>\n" for u, d in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</urlset>\n'
    ).encode()


def _sitemap_index(urls: list[str]) -> bytes:
    rows = "".join(f"<sitemap><loc>{escape(u)}</loc></sitemap>\n" for u in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</sitemapindex>\n'
    ).encode()


def site_entries(
    pages: int, seed: int = 20260428, chrome_kb: int = CHROME_KB
) -> tuple[list[tuple], list[str]]:
    """WARC entries (url, status, headers, body, fetched_at) of a generated site and its article URLs.

    Pages cycle through the templates; robots.txt of both hosts and one news sitemap per edition link
    them all (qz.inform.kz's through its robots.txt, as on the real site).
    """
    rng = random.Random(seed)
    templates = load_templates()
    chromes = [
        [_chrome(t, rng, chrome_kb * 1024) if chrome_kb else "" for _ in range(CHROME_VARIANTS)]
        for t in templates
    ]
    entries: list[tuple] = []
    by_sitemap: dict[str, list[tuple[str, datetime]]] = {}
    for number in range(pages):
        template = templates[number % len(templates)]
        chrome = rng.choice(chromes[number % len(templates)])
        url, html, published = generate_page(template, number, rng, chrome)
        body = html.encode(template.charset, errors="xmlcharrefreplace")
        entries.append((url, 200, template.headers, body, FIXTURE_NOW))
        host = urlsplit(url).netloc
        sitemap = f"https://{host}" + SITEMAP_PATH.get(template.edition, "/sitemap-news.xml")
        by_sitemap.setdefault(sitemap, []).append((url, published))
    xml = {"Content-Type": "application/xml; charset=UTF-8"}
    text = {"Content-Type": "text/plain; charset=UTF-8"}
    www = sorted(u for u in by_sitemap if u.startswith("https://www."))
    site = [("https://www.inform.kz/sitemap.xml", 200, xml, _sitemap_index(www), FIXTURE_NOW)]
    robots = {
        "www.inform.kz": "User-agent: *\nDisallow: /search_results/\n",
        "qz.inform.kz": "User-agent: *\nSitemap: https://qz.inform.kz/sitemap-news.xml\n",
    }
    site += [(f"https://{h}/robots.txt", 200, text, r.encode(), FIXTURE_NOW) for h, r in robots.items()]
    site += [(u, 200, xml, _urlset(e), FIXTURE_NOW) for u, e in sorted(by_sitemap.items())]
    return site + entries, [e[0] for e in entries]


def write_site(path: str | Path, pages: int, seed: int = 20260428, chrome_kb: int = CHROME_KB) -> BenchSite:
    """Pack a generated site of ``pages`` article pages into the .warc.gz at ``path``."""
    entries, urls = site_entries(pages, seed, chrome_kb)
    path = Path(path)
    write_archive(path, entries)
    return BenchSite(path, tuple(urls), len(entries), path.stat().st_size)


def main(argv: list[str] | None = None) -> None:
    """``python -m bench.pages OUT.warc.gz [PAGES [CHROME_KB]]``: write a generated site."""
    args = sys.argv[1:] if argv is None else argv
    site = write_site(
        args[0],
        int(args[1]) if len(args) > 1 else 5000,
        chrome_kb=int(args[2]) if len(args) > 2 else CHROME_KB,
    )
    print(
        f"{site.path}: {len(site.article_urls)} article pages, {site.records} records, {site.bytes:,} bytes"
    )


if __name__ == "__main__":
    main()
