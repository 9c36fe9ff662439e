"""Kazinform (www.inform.kz ru/kz/en, qz.inform.kz Latin Kazakh): one profile, four editions; data only."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from crawler.profiles import shared
from crawler.profiles.schema import Edition, Listing, Politeness, Rss, Sitemap, SiteProfile, UrlRules
from pipelines.article import Translation
from pipelines.hooks import HookPage
from pipelines.options import FieldHook, Layout, SiteRules

# English: the agency also brands its English service as qazinform.com [cfg], but www.inform.kz/en/ serves
# the same stories under the URL scheme, sitemap and markup of the other editions [seen pages corpus], so
# the en edition is www.inform.kz/en/ and qazinform.com stays off-site (it would only add duplicates).
# cn.inform.kz (Chinese) is out of the project's languages.
HOSTS = ("www.inform.kz", "qz.inform.kz")

CURRENT_LAYOUT = Layout(  # 2026 design: body in div.article__content up to div.article__tags [code, Aug 2026
    # scraper index id 60630408604; kz-sites.md §14]. qz.inform.kz: no evidence either way (its 2026-02
    # scraper used trafilatura), so the previous body selector stays here for it [guess].
    title="h1",
    lead=".article__description",
    body="div.article__content, .article__body-text",
    tags="div.article__tags a",
    drop=(
        # "up to div.article__tags": nothing after the tags block is story text. Drops apply in order, so
        # the followers go before the block they are found by.
        ".article__tags ~ *",
        ".article__tags",
        *shared.AD_SLOTS,
        *shared.SHARE_WIDGETS,
        *shared.MEDIA_CHROME,
        "img",
    ),
)

OLD_LAYOUT = Layout(  # 2023 design, up to early 2026 [code Greemq/ainews kazinform_parser.py (Aug 2025);
    # news_scraper index id 51937647696]. The switch date is not known: the last 6-hex story URL seen is
    # from February 2026 and the 8-hex ones from spring 2026, so "end of February" is a [guess].
    valid_until=date(2026, 2, 28),
    title="h1",
    lead=".article__description",
    body=".article__body-text",
    tags="div.article__tags a",
    drop=(".article__tags", *shared.AD_SLOTS, *shared.SHARE_WIDGETS, *shared.MEDIA_CHROME, "img"),
)


def latin_edition_links(page: HookPage, found: tuple[Translation, ...]) -> tuple[Translation, ...]:
    """Translations with the site's own code "qz" read as qz.inform.kz's Latin-script Kazakh ("kk-Latn").

    Its language switcher says "ру қз qz 中文" [seen], so "qz" in a hreflang or lang attribute is taken to
    name that edition [guess]; the first link per language stays, as for the other codes.
    """
    by_lang: dict[str, Translation] = {}
    for link in found:
        by_lang.setdefault("kk-Latn" if link.lang == "qz" else link.lang, link)
    return tuple(replace(link, lang=lang) for lang, link in by_lang.items())


PROFILE = SiteProfile(
    name="kazinform",
    title="Kazinform",
    editions={
        "ru": Edition("https://www.inform.kz/ru/", "ru"),  # [seen]
        "kk": Edition("https://www.inform.kz/kz/", "kk"),  # Cyrillic Kazakh [seen old URLs]
        "en": Edition("https://www.inform.kz/en/", "en"),  # see the note on qazinform.com above
        "kk-Latn": Edition("https://qz.inform.kz/", "kk", "Latn"),  # 2021 Latin alphabet [seen data]
    },
    sources=(
        # One sitemap for www.inform.kz [cfg]; the edition of each URL is read from its path.
        Sitemap("https://www.inform.kz/sitemap.xml", news_only_pattern=r"sitemap-news"),
        # qz.inform.kz: no sitemap location known; robots.txt Sitemap: lines name it [guess].
        Sitemap("https://qz.inform.kz/robots.txt", "kk-Latn", news_only_pattern=r"sitemap-news"),
        Rss("https://www.inform.kz/ru/rss/", "ru"),  # [cfg]
        Rss("https://www.inform.kz/kz/rss/", "kk"),  # [guess] by analogy with ru/en
        Rss("https://www.inform.kz/en/rss/", "en"),  # [cfg]
        Listing(  # lenta, 24 cards a page [code]; 2026 cards: a.news-card > time.meta-date [code]
            # 2026 pagination has a slash: /ru/lenta/?page=2 [code index id 60630408604]; that page 1 is
            # also /ru/lenta/?page=1 (the scraper reads /ru/lenta) is a [guess].
            "https://www.inform.kz/ru/lenta/?page={page}",
            "ru",
            card="a.news-card",
            card_date="time.meta-date",
        ),
        # qz category pages, paged by ?page=N, article links a[href^="/news/"] [code behruzgurbanli/...]
        Listing("https://qz.inform.kz/category/ortalyk-aziya_c211/?page={page}", "kk-Latn"),
    ),
    article_urls=UrlRules(
        hosts=HOSTS,
        include=(
            # /ru/<slug>-<8 hex> since spring 2026 [seen kz-sites.md §14: ru only], <6 hex> before (Feb
            # 2026 the last seen) [seen]; kz and en after the switch: no evidence either way, so both.
            r"^/(ru|kz|en)/[a-z0-9-]+-([0-9a-f]{8}|[0-9a-f]{6})/?$",
            # qz: /news/<slug>-<6 hex>/ [seen data, to 2026-02]; 8 hex as on www.inform.kz [guess]
            r"^/news/[a-z0-9-]+-([0-9a-f]{8}|[0-9a-f]{6})/?$",
            r"^/(ru|kz|en)/[a-z0-9-]+_a\d{6,8}/?$",  # old design: /kz/<slug>_a3103653 [seen], redirects
        ),
        exclude=(*shared.AMP_TWINS, r"^/(ru|kz|en)/(tag|category|search_results|authors?)/"),
    ),
    rules=SiteRules(
        name="kazinform",
        layouts=(OLD_LAYOUT, CURRENT_LAYOUT),
        junk=(),  # its boilerplate (Telegram promos, "Читайте также") is covered by the shared rules
        agencies=shared.KAZINFORM_AGENCY,
        hooks=(FieldHook("translations", f"{__name__}:latin_edition_links"),),
    ),
    politeness=Politeness(download_delay=1.0, concurrency=2),  # news_scraper's inform.kz values [code]
)
