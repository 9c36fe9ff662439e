"""Vecher.kz, "Вечерний Алматы" (Almaty): a profile of what is known, the rest left to discovery; data only.

Only the article and image URL forms are known (kz-sites.md §10): no feed or sitemap location, no selectors.
The crawler finds its entry points itself (robots.txt sitemaps, the home page's feed links); the fixture
pages are synthetic.
"""

from __future__ import annotations

from crawler.profiles.schema import Edition, Politeness, SiteProfile, UrlRules
from pipelines.options import SiteRules

PROFILE = SiteProfile(
    name="vecher",
    title="Вечерний Алматы",
    editions={
        # /ru/article/<slug>.html [find_string hits]; a Kazakh /kz/ edition is likely but unseen [guess]:
        # hreflang discovery would find it.
        "ru": Edition("https://vecher.kz/ru/", "ru"),
    },
    sources=(),  # none known: discovery
    article_urls=UrlRules(
        hosts=("vecher.kz",),
        include=(
            r"^/ru/article/[a-z0-9-]+\.html$",  # [find_string hits]
            r"^/allnews/[a-z_-]+/[a-z0-9-]+/?$",  # old scheme /allnews/<section>/<slug> [find_string hits]
        ),
        exclude=(r"^/uploads/",),  # /uploads/images/YYYY/MM/image_750x_<hex>.jpg [find_string hits]
    ),
    rules=SiteRules(name="vecher", junk=(), tz="Asia/Almaty"),  # Almaty time, +05:00 since 2024-03-01
    politeness=Politeness(download_delay=1.0, concurrency=2),  # [guess] the project's default pace
    region="KZ-75",  # Almaty (city)
)
