"""Thin-profile sites on loopback: profiles that state little or nothing but their home URLs, the synthetic
site they crawl, and a runner that crawls a test-built profile in a subprocess.

Dala (``www.dala.test`` ru, ``kaz.dala.test`` kk): robots.txt names a sitemap, the ru home page links an RSS
feed and names an ``en.dala.test`` edition the profile does not state, the kk home page links an Atom feed.
Zhaiyq (``www.zhaiyq.test``): nothing named anywhere; its ``/feed`` is found by the third probe (robots.txt
forbids ``/sitemap.xml``, ``/rss`` answers an HTML page). Aqtobe (``www.aqtobe.test``): only a "load more"
JSON endpoint paged by offset. Saryarqa (``www.saryarqa.test``): no sitemap or feed anywhere, probes find
nothing; its home page links two stories among menus, tags, categories and pagination.
``.test`` hosts (RFC 2606) can never reach the internet, whatever the host map does.

``python -m tests.thin_site <profile> '<settings JSON>'`` crawls one of PROFILES with the project settings.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from contextlib import AbstractContextManager
from datetime import timedelta
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from crawler.fixturesite import FIXTURE_NOW, FixturePage
from crawler.profiles.schema import Edition, Listing, SiteProfile, UrlRules
from pipelines.options import SiteRules
from tests.crawls import CRAWL_TIMEOUT_S, ROOT
from tests.mockserver import FixtureServer, serving

HTML = {"Content-Type": "text/html; charset=utf-8"}
XML = {"Content-Type": "application/xml; charset=utf-8"}
TEXT = {"Content-Type": "text/plain; charset=utf-8"}
JSON_TYPE = {"Content-Type": "application/json; charset=utf-8"}


def thin_profile(name: str, editions: dict[str, Edition], **fields: object) -> SiteProfile:
    """A profile stating only a name, home URLs per edition, their languages and a region."""
    hosts = tuple(dict.fromkeys(e.base_url.split("/")[2] for e in editions.values()))
    fields.setdefault("sources", ())
    return SiteProfile(
        name=name,
        title=name.capitalize(),
        editions=editions,
        article_urls=UrlRules(hosts=hosts, include=()),
        rules=SiteRules(),
        **fields,  # type: ignore[arg-type]
    )


DALA = thin_profile(
    "dala",
    {"ru": Edition("https://www.dala.test/", "ru"), "kk": Edition("https://kaz.dala.test/", "kk")},
    region="KZ-15",
)
ZHAIYQ = thin_profile("zhaiyq", {"ru": Edition("https://www.zhaiyq.test/", "ru")}, region="KZ-23")
AQTOBE = thin_profile(
    "aqtobe",
    {"ru": Edition("https://www.aqtobe.test/", "ru")},
    region="KZ-15",
    sources=(
        Listing(
            "https://www.aqtobe.test/article/more-list?count=3&offset={offset}",
            step=3,
            html_field="data.html",
        ),
    ),
)
SARYARQA = thin_profile("saryarqa", {"ru": Edition("https://www.saryarqa.test/", "ru")}, region="KZ-35")
PROFILES = {p.name: p for p in (DALA, ZHAIYQ, AQTOBE, SARYARQA)}
SARYARQA_NAVIGATION = ("/news/", "/tag/shakhtery/", "/category/society/", "/page/2/", "/about", "/login")
"""Links of Saryarqa's home page that are no stories (never requested)."""

RU_PARAGRAPHS = (
    "В {place} в понедельник открыли обновлённый участок дороги длиной {n} километров, который соединяет "
    "новые жилые кварталы с центром города и областной больницей.",
    "По словам руководителя городского отдела строительства, работы начались прошлой весной и шли в две "
    "смены, чтобы закончить их до начала учебного года и не перекрывать движение надолго.",
    "Подрядчик заменил основание дороги, уложил новый асфальт, установил освещение и обустроил тротуары с "
    "пандусами, а вдоль проезжей части высадили более трёхсот деревьев.",
    "Жители соседних домов говорят, что раньше в дождь здесь невозможно было пройти, а автобусы объезжали "
    "улицу стороной. Теперь по ней пустят два новых маршрута общественного транспорта.",
)
KK_PARAGRAPHS = (
    "{place} қаласында дүйсенбі күні ұзындығы {n} шақырым болатын жаңартылған жол учаскесі ашылды, ол жаңа "
    "тұрғын үй кварталдарын қала орталығымен және облыстық ауруханамен байланыстырады.",
    "Қалалық құрылыс бөлімінің басшысының айтуынша, жұмыстар былтыр көктемде басталып, оқу жылы басталғанға "
    "дейін аяқтау үшін екі ауысыммен жүргізілді және қозғалыс ұзақ уақытқа жабылмады.",
    "Мердігер жолдың негізін ауыстырып, жаңа асфальт төседі, жарық орнатып, пандустары бар жаяу жүргінші "
    "жолдарын салды, ал жол бойына үш жүзден астам ағаш отырғызылды.",
    "Көрші үйлердің тұрғындары бұрын жаңбыр кезінде мұнда жүру мүмкін болмағанын айтады. Енді бұл көшемен "
    "қоғамдық көліктің екі жаңа бағыты жүреді.",
)


def article_page(url: str, lang: str, title: str, hours_ago: int, place: str, n: int) -> bytes:
    """A real-looking story page: site header and menu, headline, visible date, body, teasers, footer."""
    published = FIXTURE_NOW - timedelta(hours=hours_ago)
    paragraphs = RU_PARAGRAPHS if lang == "ru" else KK_PARAGRAPHS
    body = "\n".join(f"<p>{p.format(place=place, n=n)}</p>" for p in paragraphs)
    more = "Читайте также" if lang == "ru" else "Тағы оқыңыз"
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<title>{title} | Новости региона</title>
<link rel="canonical" href="{url}">
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="{published.isoformat()}">
</head><body>
<header><a href="/">Главная</a> <a href="/news/">Новости</a> <a href="/contacts/">Контакты</a></header>
<main><article>
<h1>{title}</h1>
<div class="post-date">{published:%d.%m.%Y, %H:%M}</div>
<div class="post-body">
{body}
</div>
</article>
<aside><h3>{more}</h3><ul><li><a href="/news/other-1">Другая новость дня</a></li></ul></aside>
</main>
<footer>© 2026 Новости региона. Все права защищены.</footer>
</body></html>""".encode()


STORIES = {  # URL: (lang, title, hours before FIXTURE_NOW, place, km)
    "https://www.dala.test/news/12001-v-aktobe-otkryli-novyy-uchastok-dorogi": (
        "ru", "В Актобе открыли новый участок дороги", 3, "Актобе", 4),
    "https://www.dala.test/news/12002-v-kandyagashe-zavershili-remont-ulicy": (
        "ru", "В Кандыагаше завершили ремонт улицы", 5, "Кандыагаше", 2),
    "https://www.dala.test/news/12003-v-shalkare-postroili-novuyu-dorogu": (
        "ru", "В Шалкаре построили новую дорогу", 7, "Шалкаре", 6),
    "https://kaz.dala.test/news/5001-aqtobede-zhana-zhol-ashyldy": (
        "kk", "Ақтөбеде жаңа жол ашылды", 4, "Ақтөбе", 4),
    "https://www.zhaiyq.test/?id=7001&mod=news_read": (
        "ru", "В Атырау открыли новую дорогу к больнице", 2, "Атырау", 3),
    "https://www.zhaiyq.test/?id=7002&mod=news_read": (
        "ru", "В Кульсары отремонтировали центральную улицу", 6, "Кульсары", 5),
    "https://www.saryarqa.test/news/2026/04/28/v-karagandy-otkryli-shkolu": (
        "ru", "В Караганде открыли новую школу", 2, "Караганде", 3),
    "https://www.saryarqa.test/news/temirtau-remont-dorog-881": (
        "ru", "В Темиртау начали ремонт дорог", 4, "Темиртау", 5),
    **{
        f"https://www.aqtobe.test/news/{30 + i}-v-aktobe-otkryli-dorogu-{i}": (
            "ru", f"В Актобе открыли дорогу номер {i}", i + 1, "Актобе", i + 2)
        for i in range(7)
    },
}  # fmt: skip


def stories_on(host: str) -> list[str]:
    """The story URLs of one host, in STORIES order."""
    return [url for url in STORIES if urlsplit(url).hostname == host]


def site_pages() -> dict[str, FixturePage]:
    """Every URL of the three sites with its answer (absent: 404)."""
    pages = {url: _page(url, HTML, article_page(url, *story)) for url, story in STORIES.items()}
    dala_ru = stories_on("www.dala.test")
    pages |= {
        "https://www.dala.test/robots.txt": _page(
            "https://www.dala.test/robots.txt",
            TEXT,
            b"User-agent: *\nDisallow: /admin/\nSitemap: https://www.dala.test/sitemap.xml\n",
        ),
        "https://www.dala.test/sitemap.xml": _page(
            "https://www.dala.test/sitemap.xml", XML, _urlset(dala_ru[:2])
        ),
        "https://www.dala.test/": _page("https://www.dala.test/", HTML, _home("ru", "/rss.xml", "rss")),
        "https://www.dala.test/rss.xml": _page("https://www.dala.test/rss.xml", XML, _rss(dala_ru[1:])),
        "https://kaz.dala.test/robots.txt": _page(
            "https://kaz.dala.test/robots.txt", TEXT, b"User-agent: *\n"
        ),
        "https://kaz.dala.test/": _page("https://kaz.dala.test/", HTML, _home("kk", "/atom.xml", "atom")),
        "https://kaz.dala.test/atom.xml": _page(
            "https://kaz.dala.test/atom.xml", XML, _atom(stories_on("kaz.dala.test"))
        ),
        "https://www.zhaiyq.test/robots.txt": _page(
            "https://www.zhaiyq.test/robots.txt", TEXT, b"User-agent: *\nDisallow: /sitemap.xml\n"
        ),
        "https://www.zhaiyq.test/": _page(
            "https://www.zhaiyq.test/", HTML, b"<html><body>Zhaiyq</body></html>"
        ),
        "https://www.zhaiyq.test/sitemap.xml": _page(
            "https://www.zhaiyq.test/sitemap.xml", XML, _urlset(stories_on("www.zhaiyq.test"))
        ),
        "https://www.zhaiyq.test/rss": _page(
            "https://www.zhaiyq.test/rss", HTML, b"<html><body>404</body></html>"
        ),
        "https://www.zhaiyq.test/feed": _page(
            "https://www.zhaiyq.test/feed", XML, _rss(stories_on("www.zhaiyq.test"))
        ),
    }
    saryarqa_links = [*SARYARQA_NAVIGATION, *stories_on("www.saryarqa.test"), "mailto:info@saryarqa.test"]
    links = "".join(f'<a href="{href}">link</a>' for href in saryarqa_links)
    pages["https://www.saryarqa.test/robots.txt"] = _page("https://www.saryarqa.test/robots.txt", TEXT, b"")
    pages["https://www.saryarqa.test/"] = _page(
        "https://www.saryarqa.test/", HTML, f"<html><body><h1>Saryarqa</h1>{links}</body></html>".encode()
    )
    aqtobe = stories_on("www.aqtobe.test")
    for offset in range(0, 15, 3):  # past the end the endpoint repeats its last cards, as real ones do
        url = f"https://www.aqtobe.test/article/more-list?count=3&offset={offset}"
        cards = aqtobe[offset : offset + 3] or aqtobe[-3:]
        pages[url] = _page(url, JSON_TYPE, json.dumps({"data": {"html": _cards(cards)}}).encode())
    return pages


def _page(url: str, headers: dict[str, str], body: bytes) -> FixturePage:
    return FixturePage(url=url, status=200, headers=headers, body=body)


def _home(lang: str, feed: str, kind: str) -> bytes:
    alternates = (
        '<link rel="alternate" hreflang="ru" href="https://www.dala.test/">'
        '<link rel="alternate" hreflang="kk" href="https://kaz.dala.test/">'
        '<link rel="alternate" hreflang="en" href="https://en.dala.test/">'
        '<link rel="alternate" hreflang="x-default" href="https://www.dala.test/">'
    )
    return (
        f'<html lang="{lang}"><head><title>Dala</title><link rel="alternate" type="application/{kind}+xml" '
        f'title="Dala" href="{feed}">{alternates}</head><body><h1>Dala</h1></body></html>'
    ).encode()


def _urlset(urls: list[str]) -> bytes:
    entries = "".join(
        f"<url><loc>{escape(u)}</loc><lastmod>{FIXTURE_NOW.date()}</lastmod></url>" for u in urls
    )
    namespace = "http://www.sitemaps.org/schemas/sitemap/0.9"
    return f'<?xml version="1.0"?><urlset xmlns="{namespace}">{entries}</urlset>'.encode()


def _rss(urls: list[str]) -> bytes:
    stamp = format_datetime(FIXTURE_NOW)
    items = "".join(f"<item><link>{escape(_tagged(u))}</link><pubDate>{stamp}</pubDate></item>" for u in urls)
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>{items}</channel></rss>'.encode()
    )


def _tagged(url: str) -> str:
    """The URL as feeds give it: with a tracking parameter (the spider strips it)."""
    return f"{url}{'&' if '?' in url else '?'}utm_source=rss"


def _atom(urls: list[str]) -> bytes:
    entries = "".join(
        f'<entry><title>t</title><link rel="alternate" href="{escape(u)}"/><id>{escape(u)}</id>'
        f"<updated>{FIXTURE_NOW.isoformat()}</updated></entry>"
        for u in urls
    )
    namespace = "http://www.w3.org/2005/Atom"
    return f'<?xml version="1.0"?><feed xmlns="{namespace}"><title>f</title>{entries}</feed>'.encode()


def _cards(urls: list[str]) -> str:
    return "".join(
        f'<div class="card"><a href="{u.removeprefix("https://www.aqtobe.test")}">{STORIES[u][1]}</a>'
        f'<span class="date">{STORIES[u][2]} часа назад</span></div>'
        for u in urls
    )


def serve_thin_sites() -> AbstractContextManager[FixtureServer]:
    """The four sites on a loopback server in a thread of this process (its ``requests`` log readable)."""
    return serving(FixtureServer(site_pages()))


def crawl_profile(server: FixtureServer, name: str, database_url: str, **settings: Any) -> str:
    """``python -m tests.thin_site <name>`` against the loopback server; its stdout (the run summary)."""
    hosts = {urlsplit(url).hostname for url in site_pages()} | {"en.dala.test"}
    merged = {
        "KZNEWS_DATABASE_URL": database_url,
        "KZNEWS_HOST_MAP": {f"https://{h}": f"{server.base_url}/{h}" for h in sorted(hosts)},
        "KZNEWS_EXTRACT_WORKERS": 1,
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        **settings,
    }
    result = subprocess.run(
        [sys.executable, "-m", "tests.thin_site", name, json.dumps(merged)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=CRAWL_TIMEOUT_S,
    )
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-4000:]
    return result.stdout


def served(server: FixtureServer, host: str) -> Counter[str]:
    """How often each path of ``host`` was requested."""
    with server.lock:
        return Counter(
            path.removeprefix(f"/{host}") for path in server.requests if path.startswith(f"/{host}/")
        )


def main(argv: list[str]) -> int:
    """Crawl PROFILES[argv[0]] with the project settings plus the JSON object argv[1]."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from crawler.spiders.sites import spider_class_for

    settings = get_project_settings()
    settings.setdict(json.loads(argv[1]), priority="cmdline")
    process = CrawlerProcess(settings)
    process.crawl(spider_class_for(PROFILES[argv[0]]), now=FIXTURE_NOW.isoformat())
    process.start()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
