"""The offline main job: pack the saved fixture site into a WARC and replay a Kazinform crawl from it."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from crawler.fixturesite import DEFAULT_MANIFEST, pack_fixture_site
from pipelines import runstats

DEMO_ARCHIVE = Path("data/replay/fixture-site.warc.gz")


def run_demo(site: str = "kazinform", database_url: str | None = None, workers: int | None = None) -> int:
    """Replay ``site`` from the fixture archive into the database; the run summary is printed at the end.

    Args:
        site: spider to run (a profile name).
        database_url: overrides KZNEWS_DATABASE_URL (default data/kznews.sqlite3).
        workers: extraction worker processes (default: CPU count).

    Returns:
        0 when the crawl finished, 1 otherwise.
    """
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    if not Path(DEFAULT_MANIFEST).is_file():
        raise SystemExit(f"kznews demo: the fixture site {DEFAULT_MANIFEST} is missing (run from a checkout)")
    DEMO_ARCHIVE.parent.mkdir(parents=True, exist_ok=True)
    pack_fixture_site(DEFAULT_MANIFEST, DEMO_ARCHIVE)
    print(f"replaying {site} from {DEMO_ARCHIVE} (no network)", flush=True)
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    settings = get_project_settings()
    settings.set("KZNEWS_REPLAY", str(DEMO_ARCHIVE), priority="cmdline")
    settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    if database_url:
        settings.set("KZNEWS_DATABASE_URL", database_url, priority="cmdline")
    if workers is not None:
        settings.set("KZNEWS_EXTRACT_WORKERS", workers, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(site)
    process.crawl(crawler)
    process.start()
    finish_reason = crawler.stats.get_value(runstats.FINISH_REASON)
    logging.getLogger(__name__).debug("demo finished: %s", finish_reason)
    return 0 if finish_reason == "finished" else 1
