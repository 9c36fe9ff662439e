"""The Astana Times (astanatimes.com): one English edition of a WordPress site; data only.

URLs, feed paths and the "ASTANA –" dateline are known (kz-sites.md §10), no selectors: the generic path
reads the body; the fixture pages are synthetic.
"""

from __future__ import annotations

from crawler.profiles.schema import Edition, Politeness, Rss, SiteProfile, UrlRules
from pipelines.options import SiteRules

PROFILE = SiteProfile(
    name="astanatimes",
    title="The Astana Times",
    editions={"en": Edition("https://astanatimes.com/", "en")},  # [seen pages corpus]
    sources=(Rss("https://astanatimes.com/feed/", "en"),),  # WordPress feed [cfg]; /feed/atom/ too [cfg]
    article_urls=UrlRules(
        hosts=("astanatimes.com",),
        include=(r"^/20\d\d/\d\d/[a-z0-9-]+/?$",),  # /YYYY/MM/<slug>/ [seen]
        # WordPress feeds, archives and query forms
        exclude=(r"^/(?:wp-|feed/|category/|tag/|author/|page/)", r"[?&](?:s|share|replytocom)="),
    ),
    rules=SiteRules(name="astanatimes", agencies=("The Astana Times",), tz="Asia/Almaty"),  # +05:00 (2024-03)
    politeness=Politeness(download_delay=1.0, concurrency=2),  # [guess] the project's default pace
)
