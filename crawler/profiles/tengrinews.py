"""Tengrinews (tengrinews.kz, kaz.tengrinews.kz, en.tengrinews.kz): one profile, three editions; data only."""

from __future__ import annotations

from datetime import date

from crawler.profiles import shared
from crawler.profiles.schema import Edition, Listing, Politeness, Rss, Sitemap, SiteProfile, UrlRules
from pipelines.options import Layout, SiteRules

# Sister sites (tengrisport.kz, tengriauto.kz, tengritravel.kz) are linked from every page and even
# leak into the sitemaps; they are separate sites with their own markup, so they stay out of scope.
HOSTS = ("tengrinews.kz", "kaz.tengrinews.kz", "en.tengrinews.kz")

CURRENT_LAYOUT = (
    Layout(  # 2023+ design [code yelzha/tengrinews-open-project, index ids 65831711633, 54912001710]
        title="h1.head-single",
        lead=".content_main_desc",
        body="div.content_main_text",
        # Two markups, expect both: div.date-time "27 апреля 2026 17:42" (2024 scraper) [code], and the last
        # crumb of <ol class="breadCrumb-ls date-time">, "10 декабря 2024, 13:02" in a 2025 notebook's saved
        # output [seen kz-sites.md §14]. The <ol> has the date-time class too: its last crumb is the date,
        # not the whole list. (span.breadcrumbs__item--date also carries it [code].)
        published="ol.breadCrumb-ls.date-time li:last-child span, div.date-time",
        tags="div.content_main_text_tags a",
        drop=(
            ".tn-inpage",  # in-body ad/teaser inserts
            ".tn-discussed-now-block",
            ".tn-recommendations",
            ".tn-related-news",
            ".content_main_share",
            ".content_main_readalso",
            ".content_main_comments",
            "div.content_main_text_tags",
            "#comm",
            "[data-nosnippet]",
            *shared.AD_SLOTS,
            *shared.SHARE_WIDGETS,
            *shared.MEDIA_CHROME,
        ),
    )
)

OLD_LAYOUT = Layout(  # design up to 2020 [code, old scrapers]; the exact switch date is a [guess]
    valid_until=date(2020, 12, 31),
    title="h1.tn-content-title",
    body="div.tn-news-text",
    published="ul.tn-data-list time",
    drop=("span.tn-hidden", *shared.AD_SLOTS, *shared.MEDIA_CHROME),
)

PROFILE = SiteProfile(
    name="tengrinews",
    title="Tengrinews",
    editions={
        "ru": Edition("https://tengrinews.kz/", "ru"),  # [seen homepage]
        "kk": Edition("https://kaz.tengrinews.kz/", "kk"),
        "en": Edition("https://en.tengrinews.kz/", "en"),
    },
    sources=(
        # Sitemap indexes with `sitemap-news` children and per-URL <lastmod> [code martin-chen-tw/...tengri]
        Sitemap("https://tengrinews.kz/sitemap-index.xml", "ru", news_only_pattern=r"sitemap-news"),
        Sitemap("https://kaz.tengrinews.kz/kk-sitemap-index.xml", "kk", news_only_pattern=r"sitemap-news"),
        Sitemap("https://en.tengrinews.kz/en-sitemap-index.xml", "en", news_only_pattern=r"sitemap-news"),
        Rss("https://tengrinews.kz/news.rss", "ru"),  # used by a working 2025 pipeline [cfg, likely live]
        Rss("https://en.tengrinews.kz/rss", "en"),  # [cfg]
        Listing(  # /news/page/N/ [code]; cards with Сегодня / Вчера / 01 декабря 2025 [seen CSV]
            "https://tengrinews.kz/news/page/{page}/",
            "ru",
            card="div.content_main_item",
            card_date="div.content_main_item_meta span",
        ),
    ),
    article_urls=UrlRules(
        hosts=HOSTS,
        include=(r"^/[a-z_-]+/[a-z0-9-]+-\d{5,}/?$",),  # /<section>/<slug>-<numeric id>/ [seen, code]
        exclude=(*shared.AMP_TWINS, r"^/(tag|search|authors?|page)/"),
    ),
    rules=SiteRules(
        name="tengrinews",
        layouts=(OLD_LAYOUT, CURRENT_LAYOUT),
        junk=(
            "Наши новости теперь в WhatsApp!",  # last body <p> [code index id 41826438650]
            "Китайских авто все больше на наших дорогах!",  # Tengri Auto promo [seen _text_samples]
            "вселенная китайских авто",
            "Google News",  # follow-us line [code martin-chen-tw crawling_article.py]
            "Follow Tengrinews.kz",  # en closing promo "Follow Tengrinews.kz English on Telegram …"
        ),
        agencies=("Tengrinews.kz", "Tengri Auto", *shared.KAZINFORM_AGENCY),
    ),
    politeness=Politeness(download_delay=1.0, concurrency=2),
)
