"""Kapital.kz: one Russian edition of a Next.js business portal; data only.

Public scrapers read its list JSON (``/_next/data/{buildId}/…``, the build id taken from a page) or drive a
browser (kz-sites.md §5); a listing template cannot hold a build id, so the crawl reads the RSS and the HTML
"today" list. No real page was found (§12): the fixture pages are synthetic renditions of the scrapers' view.
"""

from __future__ import annotations

from crawler.profiles import shared
from crawler.profiles.schema import Edition, Listing, Politeness, Rss, SiteProfile, UrlRules
from pipelines.options import Layout, SiteRules

PROFILE = SiteProfile(
    name="kapital",
    title="Капитал.kz",
    editions={"ru": Edition("https://kapital.kz/", "ru")},  # [code]
    sources=(
        Rss("https://kapital.kz/rss", "ru"),  # [cfg]; the old /feed too [cfg]
        # Today's stories, dated "09.04.2026 · 15:37" [code index id 53814182992]; the card markup was not
        # recorded: every article link of the page is a candidate.
        Listing("https://kapital.kz/news/period/today?page={page}", "ru"),
    ),
    article_urls=UrlRules(
        hosts=("kapital.kz",),
        # /{category}/{id}/{slug}.html, categories one or two levels (project/investments) [code]
        include=(r"^/[a-z-]+(?:/[a-z-]+)?/\d{5,}/[a-z0-9-]+\.html$",),
        exclude=(r"^/(?:amp|_next|news/period)/",),
    ),
    rules=SiteRules(
        name="kapital",
        layouts=(
            Layout(  # body and removals [code news_scraper KapitalSpider, index id 51910723938]
                body="div.article__body",
                drop=(".social-share", ".tags", ".article__tags", ".banner", ".adv", *shared.AD_SLOTS),
            ),
        ),
        junk=(),  # its header currency strip and share row are shared rules
        agencies=("Kapital.kz",),
        tz="Asia/Almaty",  # its JSON gives UTC ("…T06:43:04.000Z"), its pages Astana time [code]
    ),
    politeness=Politeness(download_delay=0.5, concurrency=2),  # a public scraper's pace [code]
)
