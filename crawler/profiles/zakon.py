"""Zakon.kz (www.zakon.kz, kaz.zakon.kz): one profile, Russian and Kazakh editions; data only.

Its markup is known from public scrapers (kz-sites.md §3), not from a saved page (§12): the layout below is
theirs, and the fixture pages are synthetic renditions of it.
"""

from __future__ import annotations

from crawler.profiles import shared
from crawler.profiles.schema import Edition, Listing, Politeness, Rss, Sitemap, SiteProfile, UrlRules
from pipelines.options import Layout, SiteRules


def _load_more(host: str, edition: str) -> Listing:
    """The edition's "load more" endpoint: JSON wrapping the cards' HTML [code]; the field's name is a [guess]
    (the scraper that uses it does not say), the kk endpoint a [guess] (same CMS)."""
    return Listing(
        f"https://{host}/news/?handler=LoadMoreNews&p={{page}}&type=list",
        edition,
        html_field="html",
        card="a.newscard_link",  # [code] cards: a.newscard_link > .newscard__title, .newscard__date
        card_date=".newscard__date",  # "Сегодня, 13:51", "вчера", "12 мая", "HH:MM, 15 августа 2025" [code]
    )


PROFILE = SiteProfile(
    name="zakon",
    title="Zakon.kz",
    editions={
        "ru": Edition("https://www.zakon.kz/", "ru"),  # [seen]
        "kk": Edition("https://kaz.zakon.kz/", "kk"),  # [seen pages corpus]
    },
    sources=(
        Sitemap("https://www.zakon.kz/sitemap/index.xml", "ru"),  # numeric children NNN.xml [code]
        Rss("https://www.zakon.kz/rss.xml", "ru"),  # the 2018 home page's <link rel=alternate> [seen]
        _load_more("www.zakon.kz", "ru"),
        _load_more("kaz.zakon.kz", "kk"),
    ),
    article_urls=UrlRules(
        hosts=("www.zakon.kz", "kaz.zakon.kz"),
        # /<section>/<7-digit id>-<slug>.html (ru), /<id>-<slug>.html (kk) [seen]; must end .html [code]
        include=(r"^/(?:[a-z0-9-]+/)?\d{6,8}-[a-z0-9-]+\.html$",),
        exclude=(*shared.AMP_TWINS, r"^/(?:pbf|special)/"),  # [code] crawler filter
    ),
    rules=SiteRules(
        name="zakon",
        layouts=(
            Layout(  # [code martin-chen-tw crawling_article.py; index id 51764391961]
                title="div.article__block h1",
                lead="div.article__block .description",
                body="div.article__block div.content",
                author="a[href*='/authors/']",
                # the stop and removal markers of the scrapers: share block, Google News follow, tag list
                drop=(
                    ".articleAdver",
                    ".social-buttons",
                    ".related-news",
                    "[class^='willShare']",
                    ".google-news-follow",
                    ".tags.newsTags",
                    *shared.AD_SLOTS,
                    *shared.MEDIA_CHROME,
                ),
            ),
        ),
        # Its cut markers ("Поделитесь новостью", "Следите за новостями … Google News", "Нашли ошибку", kk
        # "Беттегі қате", "Жаңалықтар телефоныңда") and the "Фото:" / "Сурет:" captions are shared rules.
        junk=(),
        agencies=("Zakon.kz",),
        tz="Asia/Almaty",  # Astana time, +05:00 since 2024-03-01 (kz-sites §0)
    ),
    politeness=Politeness(download_delay=1.0, concurrency=2),  # [guess] the project's default pace
)
