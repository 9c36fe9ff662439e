"""The site-profile vocabulary: a site is one frozen SiteProfile of editions, sources, URL rules and hints.

Every field is documented here once; the site modules (kazinform.py, tengrinews.py) are data only. No Scrapy
import: the profiles are read by the spiders, the CLI, the README table generator and the tests alike.

Confidence of a value in a site module is tagged in its comment as in ``kz-sites.md``: [seen] real page or
data file, [code] what a public scraper relies on, [cfg] a URL string in someone's config, [guess] ours.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from urllib.parse import urlsplit

from pipelines.options import SiteRules

LANGS = ("ru", "kk", "en")
SCRIPTS = ("Cyrl", "Latn")
KZ_REGIONS: Mapping[str, str] = {  # ISO 3166-2:KZ, the numeric codes in force since 2022
    "KZ-10": "Abai Region",
    "KZ-11": "Akmola Region",
    "KZ-15": "Aktobe Region",
    "KZ-19": "Almaty Region",
    "KZ-23": "Atyrau Region",
    "KZ-27": "West Kazakhstan Region",
    "KZ-31": "Jambyl Region",
    "KZ-33": "Jetisu Region",
    "KZ-35": "Karaganda Region",
    "KZ-39": "Kostanay Region",
    "KZ-43": "Kyzylorda Region",
    "KZ-47": "Mangystau Region",
    "KZ-55": "Pavlodar Region",
    "KZ-59": "North Kazakhstan Region",
    "KZ-61": "Turkistan Region",
    "KZ-62": "Ulytau Region",
    "KZ-63": "East Kazakhstan Region",
    "KZ-71": "Astana",
    "KZ-75": "Almaty",
    "KZ-79": "Shymkent",
}
"""Home regions of regional outlets by ISO 3166-2:KZ code; national outlets have none."""


@dataclass(frozen=True, slots=True)
class Edition:
    """One language edition of a site.

    Args:
        base_url: URL prefix of every page of the edition ("https://www.inform.kz/ru/"); the longest
            matching prefix decides the edition of a URL.
        lang: ISO 639-1 code of the edition's language: "ru", "kk" or "en".
        script: ISO 15924 script of the edition's text: "Cyrl" or "Latn"; default Latn for en, else Cyrl.
    """

    base_url: str
    lang: str
    script: str | None = None

    def __post_init__(self) -> None:
        if self.script is None:
            object.__setattr__(self, "script", "Latn" if self.lang == "en" else "Cyrl")
        if self.lang not in LANGS:
            raise ValueError(f"edition lang {self.lang!r} is not one of {LANGS}")
        if self.script not in SCRIPTS:
            raise ValueError(f"edition script {self.script!r} is not one of {SCRIPTS}")
        if not urlsplit(self.base_url).hostname:
            raise ValueError(f"edition base_url {self.base_url!r} has no host")


@dataclass(frozen=True, slots=True)
class Sitemap:
    """A sitemap, a sitemap index, or a robots.txt whose ``Sitemap:`` lines name them.

    Args:
        url: the sitemap (``.xml`` or ``.xml.gz``) or ``robots.txt`` URL.
        edition: edition key of every URL in it; None when one sitemap serves several editions (the
            edition is then read from each URL).
        news_only_pattern: regex on child locations of an index: when any child matches, only the
            matching children are followed (news sitemaps are small and carry fresh lastmod).
    """

    url: str
    edition: str | None = None
    news_only_pattern: str | None = None


@dataclass(frozen=True, slots=True)
class Rss:
    """An RSS 2.0 (or RDF) feed, each ``<item>`` a ``<link>`` and an RFC 822 ``<pubDate>``; or an Atom feed,
    each ``<entry>`` a ``<link href>`` and an RFC 3339 ``<updated>`` / ``<published>``."""

    url: str
    edition: str | None = None


@dataclass(frozen=True, slots=True)
class Listing:
    """A paginated list of article cards ("lenta", "/news/page/N/"), or a "load more" endpoint answering JSON
    whose field holds the cards' HTML (zakon.kz ``?handler=LoadMoreNews&p={page}``, diapazon.kz
    ``/article/more-list?offset={offset}``): the cards are then read from that HTML as from a listing page.

    Args:
        url_template: page URL with a ``{page}`` placeholder (the page number), an ``{offset}`` one (the
            index of the page's first item: ``(page - first_page) * step``), or both.
        edition: as for Sitemap.
        first_page: number of the first page.
        max_pages: pages to read per crawl at most (None = until a page brings nothing new).
        card: CSS selector of one article card; None = every article link on the page, undated (in a JSON
            answer's HTML, which holds nothing but cards: every link on the site).
        card_date: CSS selector, inside a card, of the card's date text ("Вчера", "01 декабря 2025").
        step: items per page, the increment of ``{offset}``.
        html_field: dotted path of the JSON answer's field holding the page's HTML ("html", "data.items"; a
            list of strings is joined); None = the answer is an HTML page. Empty HTML ends the listing.
        more_field: dotted path of the JSON answer's field saying whether more pages follow ("more",
            "meta.has_more"): a false value ends the listing; absent from an answer, it says nothing.
    """

    url_template: str
    edition: str | None = None
    first_page: int = 1
    max_pages: int | None = None
    card: str | None = None
    card_date: str | None = None
    step: int = 1
    html_field: str | None = None
    more_field: str | None = None

    def __post_init__(self) -> None:
        if "{page}" not in self.url_template and "{offset}" not in self.url_template:
            raise ValueError(f"listing url_template {self.url_template!r} has no {{page}} or {{offset}}")
        if self.step < 1:
            raise ValueError(f"listing {self.url_template!r}: step {self.step} is not a positive integer")
        if self.more_field and not self.html_field:
            raise ValueError(f"listing {self.url_template!r}: more_field needs html_field (a JSON answer)")

    def page_url(self, page: int) -> str:
        """The URL of listing page ``page``."""
        return self.url_template.format(page=page, offset=(page - self.first_page) * self.step)


Source = Sitemap | Rss | Listing
WEB_SCHEMES = ("http", "https")


@dataclass(frozen=True)  # not slotted: functools.cached_property keeps the compiled regexes in __dict__
class UrlRules:
    """Which URLs are in the site's scope, and which of those are article pages.

    Args:
        hosts: hosts of the site; a URL on another host is off-site (never crawled, counted).
        include: regexes searched in path+query; a URL is an article when one matches ...
        exclude: ... and none of these does (AMP twins, galleries, press releases, ...). Include patterns
            steer listing pages; a URL that a news sitemap or an RSS feed lists is fetched whatever they
            say (hosts and excludes still apply) and the page itself decides: a URL scheme the profile
            does not know yet must not make a site's new stories disappear.
    """

    hosts: tuple[str, ...]
    include: tuple[str, ...]
    exclude: tuple[str, ...] = ()

    @cached_property
    def _include(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p) for p in self.include)

    @cached_property
    def _exclude(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p) for p in self.exclude)

    def in_scope(self, url: str) -> bool:
        """True when the URL is http(s) and its host belongs to the site."""
        parts = urlsplit(url)
        return parts.scheme in WEB_SCHEMES and (parts.hostname or "") in self.hosts

    def is_article(self, url: str) -> bool:
        """True when the URL is in scope and its path+query matches an include and no exclude pattern."""
        return self.in_scope(url) and self.matches_include(url) and not self.excluded(url)

    def matches_include(self, url: str) -> bool:
        """True when the URL's path+query matches an include pattern (a hint: feeds may list others)."""
        return any(p.search(_target(url)) for p in self._include)

    def excluded(self, url: str) -> bool:
        """True when the URL's path+query matches an exclude pattern (never an article of the site)."""
        return any(p.search(_target(url)) for p in self._exclude)


@dataclass(frozen=True, slots=True)
class Politeness:
    """Per-site crawl pace, applied as the spider's custom settings on top of crawler/settings.py.

    Args:
        download_delay: seconds between two requests to one host (AutoThrottle never goes below it).
        concurrency: parallel requests per host.
    """

    download_delay: float = 1.0
    concurrency: int = 2


@dataclass(frozen=True, slots=True)
class SiteProfile:
    """Everything the crawler knows about one site.

    Args:
        name: spider name (``scrapy crawl <name>``) and the ``site`` stored with every article.
        title: human name of the site, for the README table.
        editions: edition key ("ru", "kk", "kk-Latn", "en") -> Edition.
        sources: discovery entry points (sitemaps, RSS feeds, listings), each bound to an edition or shared.
        article_urls: scope and article-URL recognition.
        rules: what the cleaning core needs to know about the site (layouts, junk, agencies, tz).
        politeness: crawl pace.
        region: ISO 3166-2:KZ code of a regional outlet's home region (KZ_REGIONS); None for a national one.
    """

    name: str
    title: str
    editions: Mapping[str, Edition]
    sources: tuple[Source, ...]
    article_urls: UrlRules
    rules: SiteRules
    politeness: Politeness = field(default_factory=Politeness)
    region: str | None = None
    _edition_prefixes: tuple[tuple[str, str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.region is not None and self.region not in KZ_REGIONS:
            raise ValueError(
                f"{self.name}: region {self.region!r} is not an ISO 3166-2:KZ code ({', '.join(KZ_REGIONS)})"
            )
        if not self.rules.hosts:  # the core trusts a canonical link only on the site's own hosts
            object.__setattr__(self, "rules", replace(self.rules, hosts=self.article_urls.hosts))
        if self.rules.region != self.region:  # the core copies it to the site's articles
            object.__setattr__(self, "rules", replace(self.rules, region=self.region))
        prefixes = sorted(((_schemeless(e.base_url), k) for k, e in self.editions.items()), reverse=True)
        # Reverse order puts a prefix after the longer ones extending it: the first match is the longest.
        object.__setattr__(self, "_edition_prefixes", tuple(prefixes))
        for source in self.sources:
            if source.edition is not None and source.edition not in self.editions:
                raise ValueError(f"{self.name}: source {source!r} names unknown edition {source.edition!r}")
        for key, edition in self.editions.items():
            if not self.article_urls.in_scope(edition.base_url):
                raise ValueError(f"{self.name}: edition {key} host is not in article_urls.hosts")

    def editions_of(self, source: Source) -> tuple[str, ...]:
        """Edition keys a source serves: its own, or (shared source) every edition on the source's host."""
        if source.edition is not None:
            return (source.edition,)
        host = urlsplit(_source_url(source)).hostname
        return tuple(k for k, e in self.editions.items() if urlsplit(e.base_url).hostname == host)

    def states_feeds(self, editions: tuple[str, ...]) -> bool:
        """True when a stated sitemap or RSS feed serves one of ``editions`` (else discovery searches)."""
        return any(
            isinstance(source, Sitemap | Rss) and set(self.editions_of(source)) & set(editions)
            for source in self.sources
        )

    def edition_for_url(self, url: str) -> str | None:
        """The key of the edition whose base URL is the longest prefix of ``url`` (scheme ignored)."""
        target = _schemeless(url)
        for prefix, key in self._edition_prefixes:
            if target.startswith(prefix) or target == prefix.rstrip("/"):
                return key
        return None


def _target(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _source_url(source: Source) -> str:
    return source.url_template if isinstance(source, Listing) else source.url


def _schemeless(url: str) -> str:
    parts = urlsplit(url)
    return f"{(parts.hostname or '').lower()}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")
