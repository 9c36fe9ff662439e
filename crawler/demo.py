"""The offline main job: pack the saved fixture site into a WARC and replay a Kazinform crawl from it."""

from __future__ import annotations

import logging
import os
import shlex
import textwrap
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from crawler.fixturesite import DEFAULT_MANIFEST, FixturePage, load_manifest, pack_fixture_site
from pipelines import runstats

DEMO_ARCHIVE = Path("data/replay/fixture-site.warc.gz")
GUIDE_WIDTH = 100  # columns of the guide's wrapped explanations


def run_demo(site: str = "kazinform", database_url: str | None = None, workers: int | None = None) -> int:
    """Replay ``site`` from the fixture archive into the database; the run summary and a guide are printed.

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
    archive = pack_fixture_site(DEFAULT_MANIFEST, DEMO_ARCHIVE).path
    print(f"replaying {site} from {archive} (no network)", flush=True)
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    settings = get_project_settings()
    settings.set("KZNEWS_REPLAY", str(archive), priority="cmdline")
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
    url = settings.get("KZNEWS_DATABASE_URL")
    print(
        demo_guide(site, url, archive, load_manifest(DEFAULT_MANIFEST), stored_page_url(url, site)),
        flush=True,
    )
    return 0 if finish_reason == "finished" else 1


def stored_page_url(database_url: str, site: str) -> str | None:
    """The page URL of the first article of ``site`` in the database (None when there is none, or no database:
    a failed run has said why)."""
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from db.engine import database_missing, make_engine
    from db.models import ArticleRecord, Site

    if database_missing(database_url):  # connecting would create an empty one
        return None
    engine = make_engine(database_url)
    query = select(ArticleRecord.url).join(Site, Site.id == ArticleRecord.site_id).where(Site.name == site)
    try:
        with engine.connect() as connection:
            return connection.execute(query.order_by(ArticleRecord.id).limit(1)).scalar()
    except SQLAlchemyError:
        return None
    finally:
        engine.dispose()


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it is below it (shorter to type), else absolute."""
    path = path.resolve()
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)


def demo_guide(
    site: str,
    database_url: str,
    archive: Path,
    pages: Mapping[str, FixturePage],
    page_url: str | None,
) -> str:
    """What the demo leaves behind and what to try next, printed after the run summary.

    Args:
        site: the replayed site; its manifest pages marked ``deliberate`` are explained.
        database_url: where the articles went (a password is hidden).
        archive: the WARC replayed, which the stored articles point into.
        pages: the fixture manifest (crawler.fixturesite.load_manifest).
        page_url: a stored article's page URL: its saved page is the ``kznews extract`` example.
    """
    from sqlalchemy import make_url

    from crawler import settings
    from crawler.profiles import PROFILES

    hosts = PROFILES[site].article_urls.hosts
    lines = []
    deliberate = [p for p in pages.values() if p.deliberate and urlsplit(p.url).hostname in hosts]
    if deliberate:
        lines.append("On purpose in the saved site (so the lines above are expected):")
        for page in deliberate:
            lines += [
                f"  {page.url}",
                textwrap.fill(
                    page.deliberate, GUIDE_WIDTH, initial_indent=" " * 4, subsequent_indent=" " * 4
                ),
            ]
    url = make_url(database_url)
    shown = url.render_as_string(hide_password=True)  # a password stays out of the terminal's scrollback
    where = (
        f" (file {Path(url.database).resolve()})"
        if url.get_backend_name() == "sqlite" and url.database
        else ""
    )
    lines += [
        "Where the data went:",
        f"  articles and runs  {shown}{where}",
        f"  archive            {archive.resolve()} (the WARC replayed; stored articles point into it)",
        "Try next:",
    ]
    # The commands find the database the demo used by themselves unless --database-url chose another.
    from_db = "" if database_url == settings.KZNEWS_DATABASE_URL else f" --database-url {shlex.quote(shown)}"
    commands = [
        (f"kznews export --format jsonl{from_db} | head -n 2", "the stored articles, one JSON object a line"),
        (f"kznews report{from_db}", "the health of what was just stored"),
    ]
    saved = pages.get(page_url or "")
    if saved is not None and saved.file:
        path = shlex.quote(_shown(DEFAULT_MANIFEST.parent / saved.file))
        commands.append((f"kznews extract {path}", "clean one saved page again, every field shown"))
    lines += [f"  {command}   # {why}" for command, why in commands]
    return "\n".join(lines)
