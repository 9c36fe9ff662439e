"""NUR.KZ (www.nur.kz, kaz.nur.kz): one profile, Russian and Kazakh editions; data only.

The article markup is known from a saved page's head and public scrapers (kz-sites.md §4); the fixture pages
are synthetic renditions of it. Its JSON-LD articleBody omits the bold lead (§14): the lead is read from the
page, not from the JSON-LD.
"""

from __future__ import annotations

from crawler.profiles.schema import Edition, Politeness, Rss, Sitemap, SiteProfile, UrlRules
from pipelines.options import Layout, SiteRules

PROFILE = SiteProfile(
    name="nur",
    title="NUR.KZ",
    editions={
        "ru": Edition("https://www.nur.kz/", "ru"),  # [seen]
        "kk": Edition("https://kaz.nur.kz/", "kk"),  # [seen host]
    },
    sources=(
        # An index of article sitemaps [code]; a 2026 note calls the sitemaps frozen [code index id
        # 71609103845]: the feeds carry the new stories. /latest/ scrolls endlessly: no listing.
        Sitemap("https://www.nur.kz/article-index-sitemap.xml", "ru"),
        Rss("https://www.nur.kz/rss", "ru"),  # [cfg]
        Rss("https://kaz.nur.kz/rss", "kk"),  # the ru feed's path on the kk host [guess]
    ),
    article_urls=UrlRules(
        hosts=("www.nur.kz", "kaz.nur.kz"),
        include=(
            r"^/(?:[a-z0-9-]+/){1,2}\d{7}-[a-z0-9-]+/?$",  # /<section>/<sub?>/<7-digit id>-<slug>/ [seen]
            r"^/\d{7}-[a-z0-9-]+\.html$",  # old /1795094-slug.html [seen]
        ),
        exclude=(r"^/(?:latest|search|authors?|tags?)/",),
    ),
    rules=SiteRules(
        name="nur",
        layouts=(
            Layout(  # [seen html/nur head; code Arystanbek360/Thesis GetArticleInfo.php]
                title="h1",
                lead="strong.formatted-body__strong",
                body="div.formatted-body",
                published="time.datetime--publication",
                author="address.author-item a",
            ),
        ),
        # "Подписывайтесь на наш Telegram-канал @sportnurkz …" and "*Банковская деятельность лицензируется …"
        # [seen _text_samples] are shared rules (subscribe call, promo).
        junk=(),
        agencies=("NUR.KZ",),  # "передает NUR.KZ" [seen]
        tz="Asia/Almaty",  # meta article:published_time "…+05:00" [seen]
    ),
    politeness=Politeness(download_delay=1.0, concurrency=2),  # [guess] the project's default pace
)
