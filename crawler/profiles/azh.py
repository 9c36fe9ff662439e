"""Azh.kz, "Ак Жайык" (Atyrau, Atyrau Region): a thin profile, its entry points left to discovery; data only.

Nothing of the site's structure is known: it was seen only in a pollution monitor's list of allowed hosts
(kz-sites.md §10). The crawler finds its sitemaps (robots.txt) and feeds (the home page's links) itself, and
the generic path reads its pages; the fixture pages are synthetic.
"""

from __future__ import annotations

from crawler.profiles.schema import Edition, SiteProfile, UrlRules
from pipelines.options import SiteRules

PROFILE = SiteProfile(
    name="azh",
    title="Ак Жайык",
    editions={"ru": Edition("https://azh.kz/", "ru")},  # a Russian-language weekly [guess]
    sources=(),  # none known: discovery
    article_urls=UrlRules(
        hosts=("azh.kz",),
        # No URL form is known [guess]: a path ending in a numeric story id, with or without a slug, as most
        # Kazakh news CMSes have. Only listing pages rely on it: feed and sitemap URLs are fetched anyway.
        include=(r"/\d{3,}(?:-[a-z0-9-]+)?(?:\.html?)?/?$",),
    ),
    rules=SiteRules(name="azh", tz="Asia/Atyrau"),  # Atyrau local time, +05:00 [guess]
    region="KZ-23",  # Atyrau Region
)
