"""The one renderer of run figures: the end-of-run summary, the harvest table and the live progress line.

All three read a crawl's stats through ``pipelines.runstats.run_counters``, so they always agree with each
other and with the crawl_runs row.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from pipelines import runstats


def format_summary(name: str, stats: Mapping[str, Any]) -> str:
    """A plain-text table of one run's counters: stored per edition, dropped per reason, blocked, unanswered
    tries per host. A failed run's first line says what failed and what to do."""
    counters = runstats.run_counters(stats)
    if failure := runstats.run_failure(stats):
        lines = [f"kznews run FAILED: {name}: {failure.why}: {failure.fix}"]
    else:
        lines = [f"kznews run summary: {name} ({stats.get(runstats.FINISH_REASON, 'unknown')})"]
    lines.append(f"  pages fetched      {counters.pages}")
    lines.append(f"  article pages      {counters.article_pages}")
    lines.append(f"  already stored     {counters.known} (not fetched again)")
    lines.append(f"  stored (new)       {counters.stored}")
    lines.append(f"  updated            {counters.updated}")
    lines.append(f"  unchanged          {counters.unchanged}")
    for edition, count in counters.stored_by_edition.items():
        lines.append(f"    stored [{edition}]{' ' * max(1, 11 - len(edition))}{count}")
    for reason, count in counters.dropped.items():
        lines.append(f"  dropped: {reason:<18}{count}")
    if counters.blocked:
        lines.append(
            f"  BLOCKED: the site answered {counters.blocked} request(s) with an anti-bot challenge page"
        )
    lines += [f"  no answer: {line}" for line in runstats.connection_failures(stats)]
    if (found := runstats.autodiscovery(stats)) is not None:
        lines += format_autodiscovery(found)
    return "\n".join(lines)


def format_autodiscovery(found: runstats.Autodiscovery) -> list[str]:
    """``discovered: sitemap 2 (robots.txt), feed 1 (home page <link>), probes 3/6 used``, then one line per
    edition a home page named that the profile does not state."""
    order = sorted(
        found.found,
        key=lambda kind_via: (kind_via[0] != "sitemap", list(runstats.FOUND_VIA).index(kind_via[1])),
    )
    parts = [f"{kind} {found.found[kind, via]} ({runstats.FOUND_VIA[via]})" for kind, via in order]
    lines = [
        f"  discovered: {', '.join(parts) or 'nothing'}, probes {found.probes_used}/{found.probe_budget} used"
    ]
    lines += [
        f"  edition not in the profile (not crawled): {tag} {url}" for tag, url in found.unstated_editions
    ]
    return lines


TABLE_COLUMNS = (
    "site",
    "status",
    "stored",
    "updated",
    "unchanged",
    "dropped",
    "http errors",
    "blocked",
    "time",
)


def format_table(results: Sequence[tuple[str, str, str | None, Mapping[str, Any]]]) -> str:
    """The harvest table: one row per site (counters as in crawl_runs), then drops by reason and failures.
    When a run failed, the first line says which, why and what to do.

    Args:
        results: (site, status, why it failed or None, the crawl's Scrapy stats) per site.
    """
    rows, notes = [TABLE_COLUMNS], []
    failed: dict[tuple[str, str], list[str]] = {}  # (cause, fix) -> sites
    for site, status, why, stats in results:
        counters = runstats.run_counters(stats)
        numbers = [counters.stored, counters.updated, counters.unchanged, sum(counters.dropped.values())]
        numbers += [counters.http_errors, counters.blocked]
        rows.append((site, status, *map(str, numbers), _clock(counters.elapsed_seconds)))
        if counters.dropped:
            drops = ", ".join(f"{reason} {n}" for reason, n in sorted(counters.dropped.items()))
            notes.append(f"  {site} dropped: {drops}")
        notes += [f"  {site} no answer: {line}" for line in runstats.connection_failures(stats)]
        if why:
            notes.append(f"  {site} failed: {why}")
        if status == "failed":
            failure = runstats.run_failure(stats)
            cause = (why or "").split(" (")[0] or "failed"
            failed.setdefault((cause, failure.fix if failure else "see the log"), []).append(site)
    widths = [max(len(row[i]) for row in rows) for i in range(len(TABLE_COLUMNS))]
    lines = [
        "  ".join(
            cell.ljust(w) if i < 2 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    title = "kznews harvest summary"
    if failed:
        title = "kznews harvest FAILED: " + "; ".join(
            f"{', '.join(sites)}: {c}: {fix}" for (c, fix), sites in failed.items()
        )
    return "\n".join([title, *lines, *notes])


def progress_totals(all_stats: Collection[Mapping[str, Any]]) -> tuple[int, int, int, int]:
    """Pages fetched, articles cleaned, articles stored (new), pages dropped, over several crawls."""
    pages = articles = stored = dropped = 0
    for stats in all_stats:
        counters = runstats.run_counters(stats)
        pages += counters.pages
        articles += counters.cleaned
        stored += counters.stored
        dropped += sum(counters.dropped.values())
    return pages, articles, stored, dropped


def progress_line(
    stats_by_site: Mapping[str, Mapping[str, Any]],
    done: Collection[str],
    elapsed: float,
    rates: tuple[float, float],
) -> str:
    """The status line: ``harvest 0:01:05 | kazinform done, tengrinews | pages 120 (3.5/s) | articles ...``.

    Args:
        stats_by_site: the Scrapy stats of each crawl of the process, running or done.
        done: the sites whose crawl has closed.
        elapsed: seconds since the first crawl opened.
        rates: pages and articles per second over the last interval.

    Articles are pages cleaned into articles; they are stored in batches (KZNEWS_DB_BATCH_SIZE), so
    "stored" (new articles written) moves in steps behind them.
    """
    pages, articles, stored, dropped = progress_totals(list(stats_by_site.values()))
    sites = ", ".join(f"{name} done" if name in done else name for name in sorted(stats_by_site)) or "-"
    return (
        f"harvest {_clock(elapsed)} | {sites} | pages {pages} ({rates[0]:.1f}/s)"
        f" | articles {articles} ({rates[1]:.1f}/s) | stored {stored} | dropped {dropped}"
    )


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"
