"""Uralskweek.kz, "Уральская неделя" (Uralsk, West Kazakhstan Region): one Russian edition; data only.

A slow WordPress site whose articles carry no date markup: the date comes from the visible text and the URL
(kz-sites.md §10). No real article HTML was found (§12): no layout is given, the generic path reads the
body; the fixture pages are synthetic.
"""

from __future__ import annotations

from crawler.profiles.schema import Edition, Politeness, Rss, SiteProfile, UrlRules
from pipelines.options import SiteRules

PROFILE = SiteProfile(
    name="uralskweek",
    title="Уральская неделя",
    editions={"ru": Edition("https://uralskweek.kz/", "ru")},  # [code index id 71609103845]
    sources=(
        Rss("https://uralskweek.kz/feed/", "ru"),  # WordPress's default feed [guess]
    ),
    article_urls=UrlRules(
        hosts=("uralskweek.kz",),
        # WordPress permalinks /YYYY/MM/DD/<slug>/: "the date must come from a text block and the URL" [code
        # index id 71609103845] says the URL holds it; the exact form is a [guess].
        include=(r"^/20\d\d/\d\d/\d\d/[^/?]+/?$",),
        exclude=(r"^/(wp-|feed/|category/|tag/|author/|page/)", r"[?&](s|share|replytocom)="),  # WordPress
    ),
    rules=SiteRules(
        name="uralskweek",
        junk=(),  # WordPress chrome (comment form, "Свежие записи", share row) is covered by the shared rules
        tz="Asia/Oral",  # Uralsk local time, +05:00 [guess: the site's clock is the city's]
    ),
    politeness=Politeness(download_delay=2.0, concurrency=1),  # "the site is slow" [code]: half our pace
    region="KZ-27",  # West Kazakhstan Region
)
