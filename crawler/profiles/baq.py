"""Baq.kz: a thin profile of a Kazakh-language site (Bitrix), its entry points left to discovery; data only.

Only the home page's card markup and the search paging are known (kz-sites.md §10): the crawler finds its
sitemaps (robots.txt) and feeds (the home page's links) itself, the generic path reads its pages; the fixture
pages are synthetic.
"""

from __future__ import annotations

from crawler.profiles.schema import Edition, Politeness, SiteProfile, UrlRules
from pipelines.options import SiteRules

PROFILE = SiteProfile(
    name="baq",
    title="Baq.kz",
    editions={"kk": Edition("https://baq.kz/", "kk")},  # a Kazakh-language site [guess]
    sources=(),  # none known: discovery
    article_urls=UrlRules(
        hosts=("baq.kz",),
        # No URL form is known [guess]: a story under /news/ named by a numeric id, with or without a slug.
        include=(r"^/news/\d{4,}(?:-[a-z0-9-]+)?/?$",),
        exclude=(r"^/(?:search|bitrix|upload)/",),  # Bitrix search /search/pagenN/?q= [code] and system paths
    ),
    rules=SiteRules(name="baq", agencies=("Baq.kz",), tz="Asia/Almaty"),  # +05:00 since 2024-03-01
    politeness=Politeness(download_delay=1.0, concurrency=2),  # [guess] the project's default pace
)
