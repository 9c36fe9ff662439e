"""Diapazon.kz (Aktobe, Aktobe Region): one Russian edition, found through its "load more" list; data only.

The site has no RSS and no sitemap (kz-sites.md §10). No real article HTML was found (§12): no layout is
given, the generic path reads the body; the fixture pages are synthetic renditions of the page text seen.
"""

from __future__ import annotations

from crawler.profiles.schema import Edition, Listing, Politeness, SiteProfile, UrlRules
from pipelines.options import SiteRules

PROFILE = SiteProfile(
    name="diapazon",
    title="Diapazon.kz",
    editions={
        # Russian pages [seen]; the header has a Kazakh twin of its slogan [seen], no Kazakh edition is known.
        "ru": Edition("https://diapazon.kz/", "ru"),
    },
    sources=(
        # /all-news shows the first cards, then the AJAX endpoint pages by offset, 30 a time [code index id
        # 71609103845]. That offset 0 gives /all-news's cards, that the answer is JSON with the cards' HTML
        # in "html", and the card markup are [guess]: the answer's format was not recorded.
        Listing(
            "https://diapazon.kz/article/more-list?category=0&count=30&offset={offset}&viewType=main",
            "ru",
            step=30,
            html_field="html",
            card="div.news-item",
            card_date="span.news-item__date",
        ),
    ),
    article_urls=UrlRules(
        hosts=("diapazon.kz",),  # [seen]
        include=(r"^/news/\d{3,}-[a-z0-9-]+/?$",),  # /news/<id>-<slug> [seen pages corpus /news/38932-…]
        exclude=(r"^/(search|all-news|article/more-list)\b",),  # search and list pages [code]
    ),
    rules=SiteRules(
        name="diapazon",
        # The ad line "Реклама на сайте diapazon.kz, в Инстаграм @gazeta_diapazon …", "8447 просмотров" and
        # the caption "|| Фото из архива «Д»" [seen] are covered by the shared rules (promo, views, photo
        # credit).
        junk=(),
        agencies=("Diapazon.kz",),
        tz="Asia/Aqtobe",  # Aktobe local time, +05:00 [guess: the site's clock is the city's]
    ),
    politeness=Politeness(download_delay=1.0, concurrency=2),  # [guess] the project's default pace
    region="KZ-15",  # Aktobe Region
)
