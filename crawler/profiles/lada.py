"""Lada.kz (Aktau, Mangystau Region): one Russian edition; data only.

No real article HTML of the site was found (kz-sites.md §12): no layout is given, the generic path reads the
body, and the fixture pages are synthetic renditions of the page text seen (kz-sites.md §10).
"""

from __future__ import annotations

from crawler.profiles.schema import Edition, Politeness, Rss, Sitemap, SiteProfile, UrlRules
from pipelines.options import SiteRules

PROFILE = SiteProfile(
    name="lada",
    title="Lada.kz",
    editions={
        # Russian pages [seen pages corpus]; the header is bilingual ("Новости Актау и Мангыстау / Ақтау және
        # Манғыстау жаңалықтары" [seen]) but no Kazakh edition is known.
        "ru": Edition("https://www.lada.kz/", "ru"),
    },
    sources=(
        # /sitemap.xml with sitemap.news children [code index ids 25982509799, 59145542966]
        Sitemap("https://www.lada.kz/sitemap.xml", "ru", news_only_pattern=r"sitemap\.news"),
        Rss("https://www.lada.kz/rss.xml", "ru"),  # [code index ids 41393394780, 58169599281]
    ),
    article_urls=UrlRules(
        hosts=("www.lada.kz",),  # [seen]
        # /aktau_news/<section>/<id>-<slug>.html [seen pages corpus .../society/149461-….html]
        include=(r"^/aktau_news/[a-z_]+/\d{4,}-[a-z0-9-]+\.html$",),
        exclude=(r"/page/\d+/?$",),  # section pages /aktau_news/ecology/page/N/ [code]
    ),
    rules=SiteRules(
        name="lada",
        # Its widgets ("Курсы валют в банках Актау: 496 588.01 6.42", "Температура воды в Каспийском море"
        # [seen]), the "18+" mark and the rubric/comments/views/author line are covered by the shared rules.
        junk=(),
        agencies=("Lada.kz",),  # "…, передает Lada.kz" [seen]
        tz="Asia/Aqtau",  # Aktau local time, +05:00 [guess: the site's clock is the city's]
    ),
    politeness=Politeness(download_delay=1.0, concurrency=2),  # [guess] the project's default pace
    region="KZ-47",  # Mangystau Region
)
