"""Egemen Qazaqstan (egemen.kz and its lat., ru., en. hosts): one profile, four editions; data only.

The state daily's Kazakh edition in Cyrillic and in Latin script, Russian and English, one host each
(kz-sites.md §7); the Arabic-script ar.egemen.kz is left out (kznews reads Cyrillic and Latin only). Its
markup is known from a public crawler, not from a saved page (§12); the fixture pages are synthetic. Terms:
personal non-commercial use only [code index id 71092231305].
"""

from __future__ import annotations

from crawler.profiles import shared
from crawler.profiles.schema import Edition, Politeness, Sitemap, SiteProfile, UrlRules
from pipelines.options import Layout, SiteRules

HOSTS = {"kk": "egemen.kz", "kk-Latn": "lat.egemen.kz", "ru": "ru.egemen.kz", "en": "en.egemen.kz"}

PROFILE = SiteProfile(
    name="egemen",
    title="Egemen Qazaqstan",
    editions={
        "kk": Edition(f"https://{HOSTS['kk']}/", "kk"),
        # Seen in the 2018 Latin alphabet (a date "09 <April>, 2023" [seen pages corpus]); its fixture pages
        # use the 2021 alphabet, which the site may adopt [guess]: pipelines/dates_data.py reads both.
        "kk-Latn": Edition(f"https://{HOSTS['kk-Latn']}/", "kk", "Latn"),
        "ru": Edition(f"https://{HOSTS['ru']}/", "ru"),
        "en": Edition(f"https://{HOSTS['en']}/", "en"),
    },
    sources=tuple(Sitemap(f"https://{host}/sitemap.xml", key) for key, host in HOSTS.items()),  # [code]
    article_urls=UrlRules(
        hosts=tuple(HOSTS.values()),
        include=(r"^/article/\d+-[a-z0-9-]+/?$",),  # /article/<id>-<slug> [seen pages corpus, code]
        exclude=(r"^/(?:search|api)/",),  # the search shell and its JSON [code]
    ),
    rules=SiteRules(
        name="egemen",
        layouts=(
            Layout(  # [code martin-chen-tw Crawling/egemen/crawling_article.py]
                title="h1.responsive_title",
                body="div[itemprop=articleBody]",
                author=".name-auth h4",
                drop=(".social-links", *shared.SHARE_WIDGETS, *shared.MEDIA_CHROME),  # the body ends at them
            ),
        ),
        junk=(),
        agencies=("Egemen Qazaqstan",),
        tz="Asia/Almaty",  # +05:00 since 2024-03-01
    ),
    politeness=Politeness(download_delay=1.0, concurrency=2),  # [guess] the project's default pace
)
