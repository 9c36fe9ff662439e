"""Ratel.kz: a thin profile of a Russian-language investigative site, its entry points left to discovery.

Only its date text is known, "Пятница, 04 Июл 2025, 12:00" in ``div.post_news__date`` (kz-sites.md §10): the
crawler finds its sitemaps and feeds itself, the generic path reads the body; the fixture pages are synthetic.
"""

from __future__ import annotations

from crawler.profiles.schema import Edition, Politeness, SiteProfile, UrlRules
from pipelines.options import Layout, SiteRules

PROFILE = SiteProfile(
    name="ratel",
    title="Ratel.kz",
    editions={"ru": Edition("https://ratel.kz/", "ru")},  # [code]
    sources=(),  # none known: discovery
    article_urls=UrlRules(
        hosts=("ratel.kz",),
        # No URL form was recorded [guess]: /<rubric>/<underscored slug>.
        include=(r"^/[a-z_]+/[a-z0-9_]{12,}/?$",),
        exclude=(r"^/(?:search|tag|author|page)/",),
    ),
    rules=SiteRules(
        name="ratel",
        layouts=(Layout(published="div.post_news__date"),),  # [code index id 71609103845]
        agencies=("Ratel.kz",),
        tz="Asia/Almaty",  # +05:00 since 2024-03-01
    ),
    politeness=Politeness(download_delay=1.0, concurrency=2),  # [guess] the project's default pace
)
