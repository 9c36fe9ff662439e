"""Informburo.kz: a thin profile, its entry points left to discovery; data only.

Nothing of the site's markup, feeds or URLs was found (kz-sites.md §10, §12: its search is a Google custom
search). The crawler finds its feeds (the home page's links) and sitemaps (robots.txt) itself, and the generic
path reads its pages; the fixture pages are synthetic.
"""

from __future__ import annotations

from crawler.profiles.schema import Edition, Politeness, SiteProfile, UrlRules
from pipelines.options import SiteRules

PROFILE = SiteProfile(
    name="informburo",
    title="Informburo.kz",
    # A Kazakh edition is likely [guess]: a home page's hreflang naming it is counted, not crawled.
    editions={"ru": Edition("https://informburo.kz/", "ru")},
    sources=(),  # none known: discovery
    article_urls=UrlRules(
        hosts=("informburo.kz",),
        # No URL form was recorded [guess]: a story under /novosti/, a slug; only listing pages rely on it.
        include=(r"^/novosti/[a-z0-9-]{8,}(?:\.html)?/?$",),
        exclude=(r"^/(?:search|tag|author)/",),
    ),
    rules=SiteRules(name="informburo", agencies=("Informburo.kz",), tz="Asia/Almaty"),  # +05:00 since 2024-03
    politeness=Politeness(download_delay=1.0, concurrency=2),  # [guess] the project's default pace
)
