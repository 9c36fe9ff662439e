"""Run accounting: the one owner of crawl stat keys, the run outcome and the run counters.

Every component counts through the names and key builders here, and everything that reads a crawl's stats
(the run summary, the harvest table, the progress line, the crawl_runs row) reads them through
:func:`run_counters` and :func:`run_outcome`: one interpretation of one stats dict. No Scrapy import: a
stats dict is a plain mapping, and the database layer only stores what it is given.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

# --- Scrapy's own keys that kznews reads ----------------------------------------------------------------
FINISH_REASON = "finish_reason"
ELAPSED_SECONDS = "elapsed_time_seconds"
RESPONSES = "response_received_count"
RESPONSE_BYTES = "downloader/response_bytes"
DOWNLOAD_ERRORS = "downloader/exception_count"  # refused, timed out, DNS: no HTTP answer at all
STATUS_PREFIX = "downloader/response_status_count/"
DUPEFILTER_FILTERED = "dupefilter/filtered"
REDIS_ENQUEUED = "scheduler/enqueued/redis"
REDIS_DEQUEUED = "scheduler/dequeued/redis"

# --- kznews keys ----------------------------------------------------------------------------------------
PREFIX = "kznews/"
ARTICLE_PAGES = "kznews/article_pages"  # article URLs answered with 200
CLEANED = "kznews/cleaned"  # pages cleaned into articles
STORED = "kznews/stored"  # new articles written
UPDATED = "kznews/updated"  # stored articles whose text changed (a version kept)
UNCHANGED = "kznews/unchanged"
STORAGE_ERRORS = "kznews/storage_errors"  # batches lost: neither stored nor journaled (disk full)
STORAGE_LOST = "kznews/storage_lost"  # articles in those batches
STORAGE_RETRIES = "kznews/storage/retries"  # writes tried again: the database was down or locked
JOURNAL_SPILLED = "kznews/journal/spilled"  # articles journaled locally while the database was away
JOURNAL_REPLAYED = "kznews/journal/replayed"  # journaled articles (of any run) stored once it was back
STORE_ERROR = "store_error"  # dropped() reason: the database refused the row (bad data, not an outage)
WORKER_CRASHES = "kznews/worker_crashes"
BLOCKED = "kznews/blocked"  # anti-bot challenge pages, whoever recognised them
DROPPED_PREFIX = "kznews/dropped/"
SKIPPED_KNOWN = "kznews/skipped/known"  # stored URLs not fetched again
REFETCH_LASTMOD = "kznews/refetch/lastmod"
REFETCH_BLOCK_PAGE = "kznews/refetch/block_page"  # stored URLs whose text is a challenge page's
REFETCH_FEED_TEXT = "kznews/refetch/feed_text"  # stored URLs whose text came from their feed item
FEED_TEXT_KEPT = "kznews/feed_text/kept"  # feed items' full texts travelling with their page requests
FEED_TEXT_TOO_LARGE = "kznews/feed_text/too_large"  # full texts over the size bound: not kept
FEED_TEXT_CLEANED = "kznews/feed_text/cleaned"  # articles cleaned from feed text: their page was not there
LOOKUP_ERRORS = "kznews/incremental/lookup_errors"
RETRY_WAITED_SECONDS = "kznews/retry/waited_seconds"
HOSTMAP_MIRRORED = "kznews/hostmap/mirrored"
CONNECTION_FAILED = "kznews/connection_failed"  # tries that got no answer, by host and reason
GAVE_UP_AFTER = "kznews/gave_up_after"  # tries in a row without an answer when the site was given up
WARC_REPLAY_HIT = "warc/replay_hit"
WARC_REPLAY_MISS = "warc/replay_miss"
WARC_RECORD = "warc/record"
WARC_STORE_ERROR = "warc/store_error"

FAILED_REASON = "failed_reason"
"""Not a counter: why a run counts as failed, added to the stats stored with it."""
STALE_RUN_REASON = "found running at next start"
"""``failed_reason`` of a run whose process died without closing it (killed, power loss, OOM)."""
# Finish reasons of kznews's own spider closes.
SITE_UNREACHABLE = "site_unreachable"  # KZNEWS_GIVE_UP_AFTER tries in a row got no answer
DATABASE_UNAVAILABLE = "database unavailable"  # "database unavailable: <error>": the store could not open
WORKER_POOL_BROKEN = "worker_pool_broken"  # the extraction workers cannot start
NETWORK_FIX = "check the network (DNS, proxy, firewall) / KZNEWS_HOST_MAP"


def dropped(reason: str) -> str:
    """A page not stored, by reason (``http_status``, ``too_short``, ``worker_crashed``, ...)."""
    return f"{DROPPED_PREFIX}{reason}"


def extract_error(exception_class: str) -> str:
    """Pages the core failed on, by the class of the exception (``extract_error`` drops, split)."""
    return f"{PREFIX}extract_error/{exception_class or 'unknown'}"


def stored_in(edition: str) -> str:
    """New articles of one edition."""
    return f"{STORED}/{edition}"


def blocked_on(url: str) -> str:
    """Challenge pages of the URL's host."""
    return f"{BLOCKED}/{urlsplit(url).hostname or '?'}"


def skipped(reason: str) -> str:
    """A discovered URL not requested (``not_article``, ``edition``, ``out_of_window``, ``old_sitemap``)."""
    return f"{PREFIX}skipped/{reason}"


def discovered(via: str) -> str:
    """Article URLs requested, by the source that named them (``sitemap``, ``rss``, ``listing``)."""
    return f"{PREFIX}discovered/{via}"


def listing_stop(why: str) -> str:
    """Why a listing's pagination stopped (``old``, ``nothing_new``, ``max_pages``, ``no_more``)."""
    return f"{PREFIX}listing_stop/{why}"


def layout_pages(site: str) -> str:
    """Pages of a site cleaned with a layout that has body selectors (matched or not)."""
    return f"{PREFIX}layout_pages/{site}"


def layout_fallback(site: str) -> str:
    """Of those, pages whose layout found no body or too little: the generic path was used."""
    return f"{PREFIX}layout_fallback/{site}"


def outside_rules(site: str) -> str:
    """Articles from feed URLs that match none of the profile's article URL patterns."""
    return f"{PREFIX}outside_url_rules/{site}"


def connection_failed(url: str, reason: str) -> str:
    """A download try that got no answer from the URL's host (``dns_error``, ``connection_refused``, ...)."""
    return f"{CONNECTION_FAILED}/{urlsplit(url).hostname or '?'}/{reason}"


def offsite(url: str) -> str:
    """Links to another site, by host."""
    return f"{PREFIX}offsite/{urlsplit(url).hostname or '?'}"


AUTODISCOVERY = f"{PREFIX}autodiscovery/"
PROBE_BUDGET = f"{AUTODISCOVERY}probe_budget"  # set when autodiscovery runs: how many paths it may probe
PROBES_USED = f"{AUTODISCOVERY}probes_used"
FOUND_VIA = {
    "robots_txt": "robots.txt",
    "home_page": "home page <link>",
    "probe": "probe",
    "home_links": "nothing else found: the home page's links followed",
}
"""How autodiscovery found an entry point, as the run summary names it."""


def autodiscovered(kind: str, via: str) -> str:
    """Entry points autodiscovery added to the profile's, by kind (``sitemap``, ``feed``) and way."""
    return f"{AUTODISCOVERY}{kind}/{via}"


def unstated_edition(tag: str, url: str) -> str:
    """An edition a home page's hreflang names that the profile does not state (reported, not crawled)."""
    return f"{AUTODISCOVERY}unstated_edition/{tag}={url}"


# --- reading a run's stats ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunCounters:
    """The figures of one run, as the crawl_runs row, the summaries and the progress line show them."""

    pages: int = 0  # responses received
    article_pages: int = 0
    cleaned: int = 0
    known: int = 0  # stored URLs not fetched again
    stored: int = 0
    updated: int = 0
    unchanged: int = 0
    stored_by_edition: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)
    http_errors: int = 0  # responses with status >= 400 plus downloads that got no answer
    blocked: int = 0
    bytes: int = 0
    elapsed_seconds: float = 0.0

    def columns(self) -> dict[str, Any]:
        """The crawl_runs counter columns."""
        return {
            "stored": self.stored,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "dropped": dict(self.dropped),
            "http_errors": self.http_errors,
            "blocked": self.blocked,
            "bytes": self.bytes,
        }


def run_counters(stats: Mapping[str, Any]) -> RunCounters:
    """Read a run's counters from its Scrapy stats."""
    http_errors = sum(
        int(value)
        for key, value in stats.items()
        if key.startswith(STATUS_PREFIX)
        and key.removeprefix(STATUS_PREFIX).isdigit()
        and int(key.removeprefix(STATUS_PREFIX)) >= 400
    )
    return RunCounters(
        pages=int(stats.get(RESPONSES, 0)),
        article_pages=int(stats.get(ARTICLE_PAGES, 0)),
        cleaned=int(stats.get(CLEANED, 0)),
        known=int(stats.get(SKIPPED_KNOWN, 0)),
        stored=int(stats.get(STORED, 0)),
        updated=int(stats.get(UPDATED, 0)),
        unchanged=int(stats.get(UNCHANGED, 0)),
        stored_by_edition=_by_suffix(stats, f"{STORED}/"),
        dropped=_by_suffix(stats, DROPPED_PREFIX),
        http_errors=http_errors + int(stats.get(DOWNLOAD_ERRORS, 0)),
        blocked=int(stats.get(BLOCKED, 0)),
        bytes=int(stats.get(RESPONSE_BYTES, 0)),
        elapsed_seconds=float(stats.get(ELAPSED_SECONDS, 0)),
    )


@dataclass(frozen=True, slots=True)
class RunFailure:
    """Why a run failed (``why``: its crawl_runs ``failed_reason``) and what the operator can do about it."""

    why: str
    fix: str


def run_failure(stats: Mapping[str, Any]) -> RunFailure | None:
    """Why a run failed, from its Scrapy stats; None when it did not.

    Failed: the database could not be used; the extraction workers could not start; the site was given up
    (no answer to KZNEWS_GIVE_UP_AFTER tries in a row); any other ``finish_reason`` but "finished"
    (shutdown, closespider_*); a batch that could not be written; no response at all while requests failed
    (site down, DNS gone); challenge pages and nothing else (blocked throughout: nothing stored or known).
    """
    finish_reason = str(stats.get(FINISH_REASON) or "missing")
    no_answer = (
        "; ".join(connection_failures(stats)) or f"{int(stats.get(DOWNLOAD_ERRORS, 0))} download errors"
    )
    if finish_reason.startswith(DATABASE_UNAVAILABLE):
        error = (finish_reason.partition(":")[2].strip().splitlines() or ["no detail"])[0][:200]
        return RunFailure(
            f"database unusable ({error})", "check KZNEWS_DATABASE_URL and that its server is up"
        )
    if finish_reason == WORKER_POOL_BROKEN:
        fix = "see the log for the workers' error; -s KZNEWS_EXTRACT_WORKERS=0 cleans without them"
        return RunFailure(f"extraction workers broken ({int(stats.get(WORKER_CRASHES, 0))} crashes)", fix)
    if finish_reason == SITE_UNREACHABLE:
        tries = int(stats.get(GAVE_UP_AFTER, 0))
        return RunFailure(
            f"no response from the site ({no_answer}): given up after {tries} tries in a row", NETWORK_FIX
        )
    if finish_reason != "finished":
        fix = "run it again to finish" if finish_reason == "shutdown" else "see the log for why it stopped"
        return RunFailure(f"finish_reason {finish_reason}", fix)
    if storage_errors := int(stats.get(STORAGE_ERRORS, 0)):
        return RunFailure(
            f"{storage_errors} batch(es) could not be stored", "see the log; check the disk space"
        )
    if int(stats.get(DOWNLOAD_ERRORS, 0)) and not int(stats.get(RESPONSES, 0)):
        return RunFailure(f"no response from the site ({no_answer})", NETWORK_FIX)
    # Blocked throughout: challenges, no other article page, no article cleaned, stored or known already.
    kept = sum(int(stats.get(key, 0)) for key in (CLEANED, STORED, UPDATED, UNCHANGED, SKIPPED_KNOWN))
    blocked = int(stats.get(BLOCKED, 0))
    if blocked and not kept and int(stats.get(ARTICLE_PAGES, 0)) <= blocked:
        hosts = ", ".join(f"{host} {n}" for host, n in blocked_by_host(stats).most_common())
        fix = "the site blocks the crawler: slow down (DOWNLOAD_DELAY), set KZNEWS_CONTACT, or ask the site"
        return RunFailure(f"blocked: {blocked} challenge page(s) ({hosts}) and nothing stored", fix)
    return None


def run_outcome(stats: Mapping[str, Any]) -> tuple[str, str | None]:
    """How a run ended, from its Scrapy stats: ("finished", None) or ("failed", why): :func:`run_failure`."""
    failure = run_failure(stats)
    return ("failed", failure.why) if failure else ("finished", None)


def connection_failures(stats: Mapping[str, Any]) -> list[str]:
    """Tries without an answer, one line per host, most first: ``www.inform.kz: connection refused x 12``."""
    by_host: dict[str, Counter[str]] = {}
    for key, count in _by_suffix(stats, f"{CONNECTION_FAILED}/").items():
        host, _, reason = key.partition("/")
        by_host.setdefault(host, Counter())[reason.replace("_", " ")] += count
    hosts = sorted(by_host, key=lambda host: (-by_host[host].total(), host))  # the most refused first
    return [f"{h}: {', '.join(f'{r} x {n}' for r, n in by_host[h].most_common())}" for h in hosts]


class _Stats(Protocol):
    def inc_value(self, key: str, count: int = 1) -> None: ...


def count_blocked(stats: _Stats, url: str) -> None:
    """Count one challenge page in a crawl's stats (Scrapy's stats collector): in total and by host."""
    stats.inc_value(BLOCKED)
    stats.inc_value(blocked_on(url))


def blocked_by_host(stats: Mapping[str, Any]) -> Counter[str]:
    """The challenge pages a crawl's stats count per host."""
    return Counter(_by_suffix(stats, f"{BLOCKED}/"))


@dataclass(frozen=True, slots=True)
class Autodiscovery:
    """What autodiscovery found in a run: entry points by (kind, way), probes, editions not in the profile."""

    found: dict[tuple[str, str], int]
    probes_used: int
    probe_budget: int
    unstated_editions: list[tuple[str, str]]  # (edition tag, URL)


def autodiscovery(stats: Mapping[str, Any]) -> Autodiscovery | None:
    """A run's autodiscovery figures; None when it did not run (the profile states its entry points)."""
    if PROBE_BUDGET not in stats:
        return None
    found, editions = {}, []
    for key, value in _by_suffix(stats, AUTODISCOVERY).items():
        head, _, tail = key.partition("/")
        if head == "unstated_edition":
            editions.append(tuple(tail.split("=", 1)))
        elif tail in FOUND_VIA:
            found[head, tail] = value
    return Autodiscovery(found, int(stats.get(PROBES_USED, 0)), int(stats[PROBE_BUDGET]), editions)


def _by_suffix(stats: Mapping[str, Any], prefix: str) -> dict[str, int]:
    return {k.removeprefix(prefix): int(v) for k, v in sorted(stats.items()) if k.startswith(prefix)}
