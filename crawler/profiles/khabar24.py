"""24.kz, the Khabar 24 news channel's site (Joomla): Russian and Kazakh editions; data only.

Spider name ``khabar24``: the channel's name, a Python identifier (a module ``24kz.py`` could not be imported
by name, nor a generated ``24kzSpider`` class). Every story is published in both languages (kz-sites.md §8).
No real page was found (§12): the fixture pages are synthetic.
"""

from __future__ import annotations

from crawler.profiles.schema import Edition, Listing, Politeness, Rss, SiteProfile, UrlRules
from pipelines.options import SiteRules


def _news_list(path: str, edition: str) -> Listing:
    """The edition's /news list: cards [code index id 33004263762], paged by Joomla's ``start`` offset, 20 a
    page as its search pages [code index id 71609103845] (the list's own step is a [guess])."""
    return Listing(
        f"https://24.kz/{path}/news?start={{offset}}",
        edition,
        first_page=1,
        step=20,
        card=".itemsContainerWrap .entry-content",
        card_date="time",
    )


PROFILE = SiteProfile(
    name="khabar24",
    title="24.kz (Хабар 24)",
    editions={
        "ru": Edition("https://24.kz/ru/", "ru"),  # [code]
        "kk": Edition("https://24.kz/kz/", "kk"),  # /kz/ [code]
    },
    sources=(
        Rss("https://24.kz/ru/rss", "ru"),  # [cfg]
        _news_list("ru", "ru"),
        _news_list("kz", "kk"),
    ),
    article_urls=UrlRules(
        hosts=("24.kz",),
        # Joomla K2 items /<lang>/news/<category>/item/<id>-<slug> [guess: khabar.kz's <5+ digit id>-<slug>]
        include=(r"^/(?:ru|kz)/news/(?:[a-z0-9-]+/)*(?:item/)?\d{5,}-[a-z0-9-]+/?$",),
        exclude=(r"^/(?:ru|kz)/(?:search|component)/",),
    ),
    rules=SiteRules(name="khabar24", agencies=("24.kz", "Хабар 24"), tz="Asia/Almaty"),  # +05:00 (2024-03)
    politeness=Politeness(download_delay=1.0, concurrency=2),  # [guess] the project's default pace
)
