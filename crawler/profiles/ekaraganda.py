"""ekaraganda.kz (Karaganda, Karaganda Region): one Russian edition, through its RSS; data only.

Headless browsers get a captcha (kz-sites.md §10); kznews drives none, and rss.php is the way in. No real
article HTML was found (§12): no layout is given, the generic path reads the body; the fixture pages are
synthetic, their dates written as the site's TV subsite shows them ("26 Февраля, 2026 10:01", "Вчера, 2026
12:10" [seen pages corpus tv.ekaraganda.kz]).
"""

from __future__ import annotations

from crawler.profiles.schema import Edition, Politeness, Rss, SiteProfile, UrlRules
from pipelines.options import SiteRules

PROFILE = SiteProfile(
    name="ekaraganda",
    title="ekaraganda.kz",
    # tv.ekaraganda.kz (/news/<id>) is a video subsite with its own markup [seen]: left out of scope.
    editions={"ru": Edition("https://ekaraganda.kz/", "ru")},
    sources=(Rss("https://ekaraganda.kz/rss.php", "ru"),),  # [code index id 58169599281]
    article_urls=UrlRules(
        hosts=("ekaraganda.kz",),
        # The story is named by the query: /?id=154252&mod=news_read [code index id 58169599281]; the
        # parameters in the other order are a [guess].
        include=(r"^/\?id=\d+&mod=news_read$", r"^/\?mod=news_read&id=\d+$"),
    ),
    rules=SiteRules(
        name="ekaraganda",
        junk=(),  # the sidebar "Лента событий" [seen] and the footer are covered by the shared rules
        tz="Asia/Almaty",  # Karaganda keeps Almaty time, +05:00 since 2024-03-01 [guess]
    ),
    politeness=Politeness(download_delay=1.0, concurrency=2),  # [guess] the project's default pace
    region="KZ-35",  # Karaganda Region
)
