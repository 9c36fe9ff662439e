"""A regional site on loopback whose article pages answer with challenge pages while its RSS feed carries the
full texts (ekaraganda.kz's case, kz-sites.md §10: a captcha for crawlers, ``rss.php`` the way in), and a
runner that crawls its test-built profile in a subprocess.

Qaragandy (``www.qaragandy.test``, KZ-35): ``rss.php`` lists five stories. Blocked, their pages answer with
a 403 Cloudflare challenge, a 200 challenge page (recognised by the cleaning core), or a 500; two items
carry ``content:encoded`` HTML, one ``yandex:full-text`` plain text, one a text over the size bound, one
none. Open, every page is the story itself, with one paragraph more than its feed text.
``.test`` hosts (RFC 2606) can never reach the internet, whatever the host map does.

``python -m tests.fulltext_site '<settings JSON>'`` crawls it with the project settings.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from crawler.fixturesite import DEFAULT_MANIFEST, FIXTURE_NOW, FixturePage
from crawler.profiles.schema import Edition, Rss, SiteProfile, UrlRules
from crawler.spiders.fulltext import MAX_FEED_TEXT_CHARS
from pipelines.options import SiteRules
from tests.crawls import CRAWL_TIMEOUT_S, ROOT
from tests.thin_site import RU_PARAGRAPHS

HOST = "www.qaragandy.test"
PROFILE = SiteProfile(
    name="qaragandy",
    title="Qaragandy",
    editions={"ru": Edition(f"https://{HOST}/", "ru")},
    sources=(Rss(f"https://{HOST}/rss.php", "ru"),),
    article_urls=UrlRules(hosts=(HOST,), include=(r"mod=news_read",)),
    rules=SiteRules(),
    region="KZ-35",
)
HTML = {"Content-Type": "text/html; charset=utf-8"}
CHALLENGE_403 = DEFAULT_MANIFEST.parent / "kazinform" / "challenge_cloudflare_403.html"
CHALLENGE_200 = Path(__file__).parent / "pipelines" / "data" / "blockpages" / "cloudflare_challenge_ru.html"
UPDATE = "Материал дополнен комментарием акимата области: работы на объекте продолжатся и в выходные дни."
"""The paragraph a story's page has that its feed text has not: the page's text is another version."""
READ_ALSO = "Читайте также: Как изменятся тарифы на отопление в Караганде"
PARAGRAPHS = RU_PARAGRAPHS[:3]  # a road opened: the thin sites' story, three paragraphs


def story_url(story_id: int) -> str:
    """A story's URL, in ekaraganda.kz's scheme."""
    return f"https://{HOST}/?id={story_id}&mod=news_read"


# id: (title, place, km, hours before FIXTURE_NOW, feed text kind, answer while blocked)
STORIES = {
    154201: ("В Караганде открыли новую дорогу", "Караганде", 4, 2, "encoded", "challenge_403"),
    154202: ("В Темиртау завершили ремонт улицы", "Темиртау", 2, 3, "full-text", "challenge_403"),
    154203: ("В Сарани отремонтировали мост", "Сарани", 1, 4, "encoded", "challenge_200"),
    154204: ("В Шахтинске обновили дорогу к шахте", "Шахтинске", 3, 5, "encoded", "error_500"),
    154205: ("В Абае построили объездную дорогу", "Абае", 6, 6, None, "challenge_403"),
    154206: ("В Балхаше открыли набережную", "Балхаше", 5, 7, "too_large", "challenge_403"),
}
FROM_FEED = [story_url(i) for i, story in STORIES.items() if story[4] in ("encoded", "full-text")]
"""The stories stored from the feed while the pages are blocked."""
BLOCKED = sum(1 for story in STORIES.values() if story[5].startswith("challenge"))


def story_paragraphs(story_id: int) -> list[str]:
    """The story's own paragraphs, as its feed text gives them (the page adds UPDATE)."""
    _, place, km, *_ = STORIES[story_id]
    return [p.format(place=place, n=km) for p in PARAGRAPHS]


def author(story_id: int) -> str:
    """The story's author, as its page and its feed item name them."""
    return f"Корреспондент {story_id}"


def published(story_id: int) -> str:
    """When the story was published (local time, +05:00), ISO 8601."""
    return (FIXTURE_NOW - timedelta(hours=STORIES[story_id][3])).isoformat()


def site_pages(*, blocked: bool) -> dict[str, FixturePage]:
    """Every URL of the site with its answer (absent: 404): the pages blocked or open."""
    pages = {f"https://{HOST}/rss.php": _page(f"https://{HOST}/rss.php", 200, _XML, _feed())}
    for story_id in STORIES:
        url = story_url(story_id)
        pages[url] = (
            _blocked(url, STORIES[story_id][5]) if blocked else _page(url, 200, HTML, _story(story_id))
        )
    return pages


def crawl(base_url: str, database_url: str, **settings: Any) -> subprocess.CompletedProcess[str]:
    """``python -m tests.fulltext_site`` against the loopback server at ``base_url``."""
    merged = {
        "KZNEWS_DATABASE_URL": database_url,
        "KZNEWS_HOST_MAP": {f"https://{HOST}": f"{base_url}/{HOST}"},
        "KZNEWS_EXTRACT_WORKERS": 1,
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "RETRY_TIMES": 0,
        **settings,
    }
    result = subprocess.run(
        [sys.executable, "-m", "tests.fulltext_site", json.dumps(merged)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=CRAWL_TIMEOUT_S,
    )
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-4000:]
    return result


_XML = {"Content-Type": "application/rss+xml; charset=utf-8"}


def _page(url: str, status: int, headers: dict[str, str], body: bytes) -> FixturePage:
    return FixturePage(url=url, status=status, headers=headers, body=body)


def _blocked(url: str, answer: str) -> FixturePage:
    if answer == "challenge_403":
        headers = {**HTML, "Server": "cloudflare", "cf-mitigated": "challenge"}
        return _page(url, 403, headers, CHALLENGE_403.read_bytes())
    if answer == "challenge_200":
        return _page(url, 200, HTML, CHALLENGE_200.read_bytes())
    return _page(url, 500, {"Content-Type": "text/plain"}, b"upstream failed\n")


def _feed() -> bytes:
    items = []
    for story_id, (title, _, _, hours, kind, _) in STORIES.items():
        paragraphs = story_paragraphs(story_id)
        if kind == "encoded":
            html = "".join(f"<p>{p}</p>" for p in [*paragraphs[:2], READ_ALSO, paragraphs[2]])
            text = f"<content:encoded><![CDATA[{html}<script>track()</script>]]></content:encoded>"
        elif kind == "full-text":
            text = f"<yandex:full-text>{escape(chr(10).join(paragraphs))}</yandex:full-text>"
        elif kind == "too_large":
            words = "слово " * (MAX_FEED_TEXT_CHARS // 6 + 1)
            text = f"<content:encoded><![CDATA[<p>{words}</p>]]></content:encoded>"
        else:
            text = ""
        byline = (
            f"<dc:creator>{author(story_id)}</dc:creator>"
            if kind == "encoded"
            else f"<author>news@{HOST} ({author(story_id)})</author>"  # RSS 2.0: a mailbox and a name
        )
        items.append(
            f"<item><title>{escape(title)}</title><link>{escape(story_url(story_id))}&amp;utm_source=rss</link>"
            f"<pubDate>{_rfc822_utc(hours)}</pubDate>{byline}{text}</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:yandex="http://news.yandex.ru"><channel><title>Qaragandy</title>'
        f"<link>https://{HOST}/</link>{''.join(items)}</channel></rss>"
    ).encode()


def _rfc822_utc(hours: int) -> str:
    """A pubDate in UTC ("+0000"), as many feeds write it: the article keeps the site's +05:00."""
    return format_datetime((FIXTURE_NOW - timedelta(hours=hours)).astimezone(UTC))


def _story(story_id: int) -> bytes:
    title = STORIES[story_id][0]
    body = "\n".join(f"<p>{p}</p>" for p in [*story_paragraphs(story_id), UPDATE])
    return f"""<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8">
<title>{title} | Qaragandy</title>
<meta property="og:title" content="{title}">
<meta property="og:type" content="article">
<meta property="article:published_time" content="{published(story_id)}">
<meta name="author" content="{author(story_id)}">
</head><body>
<header><a href="/">Главная</a> <a href="/?mod=news">Новости</a> <a href="/?mod=faq">Вопросы</a></header>
<main><article>
<h1>{title}</h1>
<div class="post-body">
{body}
</div>
</article></main>
<footer>© 2026 Qaragandy. Все права защищены.</footer>
</body></html>""".encode()


def main(argv: list[str]) -> int:
    """Crawl PROFILE with the project settings plus the JSON object argv[0]."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from crawler.spiders.sites import spider_class_for

    settings = get_project_settings()
    settings.setdict(json.loads(argv[0]), priority="cmdline")
    process = CrawlerProcess(settings)
    process.crawl(spider_class_for(PROFILE), now=FIXTURE_NOW.isoformat())
    process.start()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
