"""Scrapy settings of the kznews project: polite by default; component wiring and our KZNEWS_* settings."""

import os
from importlib.metadata import PackageNotFoundError, version

try:
    KZNEWS_VERSION = version("kznews")
except PackageNotFoundError:  # running from a source checkout that was never pip-installed
    KZNEWS_VERSION = "0.1.0"

BOT_NAME = "kznews"
SPIDER_MODULES = ["crawler.spiders.sites"]  # one generated spider per site profile
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"  # the project's Scrapy commands

# --- Identity -----------------------------------------------------------------------------------------
# Who runs the crawl: a URL or e-mail a site operator can reach; put yours in with -s KZNEWS_CONTACT=...
KZNEWS_CONTACT = "https://github.com/kznews/kznews"
# An honest User-Agent naming the project and the contact (no browser disguise); NewsSpider rebuilds it
# from KZNEWS_CONTACT when the contact is overridden and USER_AGENT is not.
USER_AGENT = f"kznews/{KZNEWS_VERSION} (+{KZNEWS_CONTACT})"

# --- Politeness -----------------------------------------------------------------------------------------
# AutoThrottle adapts the delay to the server's latency but never goes below DOWNLOAD_DELAY.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
CONCURRENT_REQUESTS = 8  # all sites together
CONCURRENT_REQUESTS_PER_DOMAIN = 2  # what public inform.kz crawlers use (kz-sites.md §0)
DOWNLOAD_DELAY = 1.0  # seconds between requests to one host; profiles may ask for more
DOWNLOAD_DELAY_JITTER = 0.5  # each wait is DOWNLOAD_DELAY × (1 ± 0.5): no metronome pattern
ROBOTSTXT_OBEY = True

# --- Retries and timeouts -----------------------------------------------------------------------------
DOWNLOAD_TIMEOUT = 30
# Size limits, each a counted drop (kznews/dropped/too_large): news pages weigh 0.1-2 MB; a body over 10 MiB,
# on the wire or inflated (a gzip bomb), is not an article. Sitemaps may reach 50 MB by their protocol
# (SITEMAP_MAXSIZE in crawler/spiders/sitemaps.py). The warning size logs one line for an unusually big page.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_HTTP_CODES = [408, 429, 500, 502, 503, 504, 522, 524]  # 522/524: Cloudflare origin timeouts
RETRY_TIMES = 3
# Scrapy 2.19's RetryMiddleware ignores Retry-After; ours waits for it (or backs off exponentially).
KZNEWS_RETRY_BACKOFF_BASE = 2.0  # seconds before the first retry without Retry-After; doubles each time
KZNEWS_RETRY_BACKOFF_MAX = 120.0  # cap on any wait, Retry-After included: a crawl never stalls for hours
# A site that answers nothing (refused, DNS, TLS, timeout) to this many tries in a row, retries included, is
# given up for this run (finish reason site_unreachable, a failed run); a response resets the count. 0: never.
KZNEWS_GIVE_UP_AFTER = 4

# --- Components -----------------------------------------------------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,  # no site asks for HTTP auth
    # Before robots.txt (100): a redirect off the site is refused unfetched, its host not even asked.
    "crawler.middlewares.onsite.SiteHostsMiddleware": 50,
    "crawler.middlewares.retry.RetryAfterMiddleware": 550,  # the built-in's slot
    # Next to the downloader: counts every try without an answer, retries included (KZNEWS_GIVE_UP_AFTER).
    "crawler.middlewares.unreachable.UnreachableSiteMiddleware": 900,
    # Records raw responses (KZNEWS_ARCHIVE) or replays them (KZNEWS_REPLAY); sees real URLs only.
    "crawler.middlewares.warc.WarcArchiveMiddleware": 950,
}
# Default components a news crawler does without. Each one costs the crawl process work on every request
# or response (a replay crawl's main process is the ceiling of two extraction workers: bench/crawl.py).
SPIDER_MIDDLEWARES = {
    # DEPTH_LIMIT is 0 and discovery is sitemap/listing-driven, so depth was only a statistic.
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    # A debugging aid warning about response.meta copied into new requests; our spider copies none.
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}
# No Referer header: a harvester is not a visitor coming from the sitemap, and sites' analytics should not
# count it as one (many archiving crawlers send none). The policy, not a disabled RefererMiddleware: without
# the middleware RedirectMiddleware warns at the start of every run.
REFERRER_POLICY = "no-referrer"
COOKIES_ENABLED = False  # public news pages need no session; without cookies each request is anonymous
METAREFRESH_ENABLED = False  # no profiled site redirects by <meta refresh>; it decoded every page to look
TELNETCONSOLE_ENABLED = False  # an open debug port on a harvester is a risk, and it is never used
# Scrapy 2.19's remote control: an HTTP server in every crawl that runs Python code sent to it (localhost,
# bearer token in a job file under the home directory). The same risk as the telnet console, in every run.
REMOTE_CONTROL_ENABLED = False
ITEM_PIPELINES = {
    "pipelines.scrapy_adapters.CleaningPipeline": 300,
    "pipelines.storage.StoragePipeline": 800,
}
# Distributed mode (pip install 'kznews[distributed]'): with KZNEWS_REDIS_URL set (environment or -s),
# workers share a Redis request queue and dupefilter (crawler/distributed.py); otherwise it does nothing.
# KZNEWS_HOST_MAP (below) downloads through crawler/hostmap.py's handler; without it, Scrapy's own.
ADDONS = {"crawler.distributed.DistributedAddon": 0, "crawler.hostmap.HostMapAddon": 0}

# --- Runtime --------------------------------------------------------------------------------------------
# Scrapy starts CONCURRENT_ITEMS asyncio tasks for the output of every response, even a single item: at the
# default 100 that was a third of the crawl process's time in a replay (bench/crawl.py profile). An article
# response yields one item, and items of different responses are still cleaned in parallel (up to the
# scraper's 5 MB of responses in flight: dozens of pages queued for the workers); a sitemap's requests are
# handed to the scheduler one by one anyway.
CONCURRENT_ITEMS = 1
FEED_EXPORT_ENCODING = "utf-8"
# JOBDIR queues a killed crawl leaves behind are repaired or set aside before use (crawler/diskqueue.py).
SCHEDULER_DISK_QUEUE = "crawler.diskqueue.SafeLifoDiskQueue"
# Scrapy checks each callback's source for `return value` in a generator, caching by the bound method,
# which dies with its request: the source was re-read and re-parsed every few hundred pages (profile).
# A development aid: our callbacks are generators with bare returns only.
WARN_ON_GENERATOR_RETURN_VALUE = False
LOG_LEVEL = "INFO"
LOG_FORMATTER = "crawler.logformatter.QuietLogFormatter"  # no per-page DEBUG records below LOG_LEVEL
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
# REQUEST_FINGERPRINTER_IMPLEMENTATION is gone in Scrapy 2.19 (only the 2.7 fingerprinter remains).

# --- kznews ---------------------------------------------------------------------------------------------
# Real origin -> mirror prefix, e.g. {"https://www.inform.kz": "http://127.0.0.1:8123/www.inform.kz"}:
# requests go to the mirror (fixture server, staging) while the crawl sees the real URLs. Empty = off.
KZNEWS_HOST_MAP: dict[str, str] = {}

# Prints stored-per-edition / dropped-per-reason at the end of every run (KZNEWS_SUMMARY_ENABLED=False: off).
EXTENSIONS = {
    "crawler.extensions.summary.RunSummaryExtension": 500,
    "crawler.extensions.gcthreshold.GcThresholdExtension": 0,
}
# Cyclic GC thresholds of the crawl's process (gc.set_threshold); empty = CPython's (700, 10, 10).
KZNEWS_GC_THRESHOLD = [50_000, 10, 10]

# Cleaning runs in worker processes so CPU-heavy extraction never stalls the crawl (0 = in-process).
# KZNEWS_EXTRACT_WORKERS defaults to the CPU count (read in pipelines.scrapy_adapters.CleaningPipeline).
# The workers run this much nicer than the crawl's process, which downloads, times out and feeds them: with
# a worker per core it would otherwise wait for a core whenever it has work (pipelines/workerpool.py).
KZNEWS_WORKER_NICE = 10
# Seconds one page may take in a cleaning worker: a page over it is dropped as extract_timeout, its worker
# killed and replaced (real pages take 5-50 ms; a catastrophic regex or a 100k-attribute page takes hours).
# With KZNEWS_EXTRACT_WORKERS=0 (cleaning in the crawl's process) no limit can be enforced.
KZNEWS_EXTRACT_TIMEOUT = 10.0
KZNEWS_MIN_WORDS = 40  # shorter bodies are dropped as "too_short"
# Storage: SQLite by default (created on first use), PostgreSQL with postgresql+psycopg://... Resolved here
# only: -s KZNEWS_DATABASE_URL=..., else the environment variable of the same name, else the SQLite file.
KZNEWS_DATABASE_URL = os.environ.get("KZNEWS_DATABASE_URL") or "sqlite:///data/kznews.sqlite3"
KZNEWS_DB_BATCH_SIZE = 200  # articles per transaction
# A write that fails for want of a database (refused or dropped connection, SQLite locked past its busy
# timeout) is tried again after 1, 2, 4, 8 s (15 s in all: a server restart or failover), then journaled
# locally; the next successful write, or the next crawl's open on this machine, replays it first.
KZNEWS_JOURNAL_DIR = "data/journal"  # JSON Lines, one file per process and database (crawler/journal.py)
KZNEWS_STORE_RETRY_BACKOFF_BASE = 1.0  # seconds before the first new try; doubles each time
KZNEWS_STORE_RETRY_BACKOFF_MAX = 8.0  # cap on any one wait
KZNEWS_STORE_RETRY_TIMES = 4  # new tries before a batch goes to the journal
KZNEWS_STORE_CLASS = "crawler.store.CrawlStore"  # the one owner of the database in a crawl
# WARC: -s KZNEWS_ARCHIVE=DIR records every response; -s KZNEWS_REPLAY=PATH replays a .warc.gz or a directory.
KZNEWS_ARCHIVE_MAX_BYTES = 1_000_000_000  # rotate to a new .warc.gz past this size
# Incremental harvests (crawler/incremental.py): article URLs already stored are not fetched again, unless
# a sitemap lastmod is newer than our fetch or the crawl runs with -a refresh=1. False: fetch everything.
KZNEWS_INCREMENTAL = True
KZNEWS_STOP_AFTER_STALE_PAGES = 2  # listing pages in a row bringing nothing new before pagination stops
# Autodiscovery (crawler/spiders/autodiscovery.py): robots.txt Sitemap: lines, home-page feed <link>s and
# hreflang editions, then common paths when those name nothing. "auto": for profiles stating no sitemap or
# feed of the crawled editions; "always": for every profile, adding to its stated sources; "off": never.
KZNEWS_DISCOVERY = "auto"
KZNEWS_DISCOVERY_PROBES = 6  # common paths probed per site at most, one at a time (0: no probing)
