"""Kursiv (kz.kursiv.media): one WordPress site, Russian, Kazakh and English editions; data only.

Its markup is known from a public crawler (kz-sites.md §6), not from a saved page (§12); the fixture pages are
synthetic renditions of it.
"""

from __future__ import annotations

from crawler.profiles import shared
from crawler.profiles.schema import Edition, Politeness, Sitemap, SiteProfile, UrlRules
from pipelines.options import Layout, SiteRules

EDITION_SITEMAP = "https://kz.kursiv.media/sitemaps/{}/sitemap.xml"  # nested indexes per edition [code]

PROFILE = SiteProfile(
    name="kursiv",
    title="Kursiv",
    editions={  # kk under /kk/, en under /en/ [code]
        "ru": Edition("https://kz.kursiv.media/", "ru"),
        "kk": Edition("https://kz.kursiv.media/kk/", "kk"),
        "en": Edition("https://kz.kursiv.media/en/", "en"),
    },
    sources=tuple(Sitemap(EDITION_SITEMAP.format(key), key) for key in ("ru", "kk", "en")),
    article_urls=UrlRules(
        hosts=("kz.kursiv.media",),  # the old kursiv.kz redirects here [code]
        include=(r"^/(?:(?:kk|en)/)?20\d\d-\d\d-\d\d/[a-z0-9-]+/?$",),  # URLs hold /YYYY-MM-DD/ [code]
        exclude=(r"^/(?:(?:kk|en)/)?(?:wp-|tag/|author/|page/|sitemaps/)", r"[?&]s="),  # WordPress
    ),
    rules=SiteRules(
        name="kursiv",
        layouts=(
            Layout(  # [code martin-chen-tw Crawling/kursiv/crawling_article.py]
                title="h1.single-header__title",
                body=".single-body",
                published="time.single-publishing-time__date",
                author=".author-card__name a",
                drop=(".single-read-also", ".single-footer", *shared.SHARE_WIDGETS, *shared.MEDIA_CHROME),
            ),
        ),
        junk=(),  # lines opening "Фото:" or "Читайте также" [code] are shared rules
        agencies=("Kursiv",),
        tz="Asia/Almaty",  # +05:00 since 2024-03-01
    ),
    politeness=Politeness(download_delay=1.0, concurrency=2),  # [guess] the project's default pace
)
