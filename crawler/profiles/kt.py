"""Kazakhstan Today (kt.kz): Russian and English editions, entry points left to discovery; data only.

Only URLs and page text are known (kz-sites.md §9): no feed or sitemap location, no selectors. The crawler
finds its sitemaps (robots.txt) and feeds (the home pages' links) itself, and the generic path reads its
pages; the fixture pages are synthetic renditions of the page text seen.
"""

from __future__ import annotations

from crawler.profiles.schema import Edition, Politeness, SiteProfile, UrlRules
from pipelines.options import SiteRules

PROFILE = SiteProfile(
    name="kt",
    title="Kazakhstan Today",
    editions={
        "ru": Edition("https://www.kt.kz/rus/", "ru"),  # [seen pages corpus]
        "en": Edition("https://www.kt.kz/eng/", "en"),  # [seen pages corpus]
    },
    sources=(),  # none known: discovery
    article_urls=UrlRules(
        hosts=("www.kt.kz",),
        # /<edition>/<section>/<slug>_<id>.html [seen]
        include=(r"^/(?:rus|eng)/[a-z_]+/[a-z0-9_]+_\d{9,}\.html$",),
    ),
    rules=SiteRules(
        name="kt",
        # Its dateline ("Рудный. 24 августа. KAZAKHSTAN TODAY -"), the "Курсы Национального Банка РК" strip,
        # "Рассказать друзьям" / "Tell a friend", "новости по теме" / "relevant news" and the reprint footer
        # [seen] are shared rules.
        junk=(),
        agencies=("KAZAKHSTAN TODAY",),
        tz="Asia/Almaty",  # +05:00 since 2024-03-01
    ),
    politeness=Politeness(download_delay=1.0, concurrency=2),  # [guess] the project's default pace
)
