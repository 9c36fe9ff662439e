"""`kznews report`: per-site harvest health over the newest days with data, one ALERT line per drift."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

from sqlalchemy import Engine, make_url
from sqlalchemy.orm import Session

from crawler.drift import (
    Alert,
    ProfileFit,
    Share,
    SiteHealth,
    article_share,
    check_site,
    per_day,
    rejected_share,
)
from crawler.profiles import rules_for
from db import health
from db.engine import database_missing, make_engine
from db.migrate import current_revision
from pipelines import runstats
from pipelines.junk import match_junk
from pipelines.options import DEFAULT_RULES, SiteRules

BASELINE_DAYS = 28  # four weeks: every weekday four times, short enough to follow a site's slow growth
REPORT_UTC_OFFSET_MINUTES = 300  # Kazakhstan keeps one zone, UTC+05:00 (since 2024-03-01): the sites' days
SHORT_BODY_WORDS = 80  # twice CleanOptions.min_words (40): below this a "story" is a lead or a caption
JUNK_BASELINE_SAMPLE = 300  # newest baseline texts scanned for junk: bounded cost, share within ~±3 points
REJECTED_REASONS = ("too_short", "empty_body")  # cleaner drops meaning "the body selector found little"
EXIT_OK, EXIT_ALERT = 0, 1


@dataclass(frozen=True, slots=True)
class Window:
    """The report window (whole days, at the report's UTC offset) and the baseline before it."""

    days: tuple[date, ...]
    since: datetime
    until: datetime
    baseline_since: datetime
    offset_minutes: int


def report_window(
    now: datetime,
    days: int = 1,
    baseline_days: int = BASELINE_DAYS,
    offset_minutes: int = REPORT_UTC_OFFSET_MINUTES,
    last_day: date | None = None,
) -> Window:
    """The ``days`` whole days ending on ``last_day`` and ``baseline_days`` before them.

    ``last_day`` defaults to the day before ``now``'s day (today is incomplete).
    """
    if days < 1 or baseline_days < 1:
        raise ValueError(f"days and baseline_days must be >= 1, not {days} and {baseline_days}")
    zone = timezone(timedelta(minutes=offset_minutes))
    last = last_day or now.astimezone(zone).date() - timedelta(days=1)
    until = datetime.combine(last + timedelta(days=1), time(), zone)
    since = until - timedelta(days=days)
    return Window(
        days=tuple(last - timedelta(days=k) for k in range(days - 1, -1, -1)),
        since=since,
        until=until,
        baseline_since=since - timedelta(days=baseline_days),
        offset_minutes=offset_minutes,
    )


def choose_window(
    session: Session,
    now: datetime,
    days: int = 1,
    baseline_days: int = BASELINE_DAYS,
    sites: Sequence[str] | None = None,
) -> tuple[Window, list[str]]:
    """The window to report on, with a note when it is not the usual ``days`` whole days before today.

    A database with nothing on record (no article first seen, no run started) in the usual window or its
    baseline is reported on the days ending on its newest data instead: today so far for one filled today
    (``kznews demo``), its last day for one whose harvest ended long ago. A database with recent data keeps
    the usual window, so a harvest that stops storing still shows as "0 articles" the next morning.
    """
    usual = report_window(now, days, baseline_days)
    recent = health.newest_activity(session, before=usual.until, sites=sites)
    if recent is not None and recent >= usual.baseline_since:
        return usual, []
    newest = health.newest_activity(session, before=now, sites=sites)
    if newest is None:
        return usual, [f"nothing on record before {_utc(now)}: no article stored, no crawl run"]
    zone = timezone(timedelta(minutes=usual.offset_minutes))
    window = report_window(now, days, baseline_days, last_day=newest.astimezone(zone).date())
    quiet = f"from {usual.baseline_since.date()} to {usual.days[-1]}"
    return window, [f"no article stored and no crawl run {quiet}: the window moved to the newest data"]


def _utc(when: datetime) -> str:
    return f"{when.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def scan_junk(texts: Iterable[str], rules: SiteRules = DEFAULT_RULES) -> tuple[Share, str | None]:
    """Articles with at least one line the shared junk rules match (text is stored "\\n"-joined).

    Returns:
        The share of such articles and the first junk line seen (None without hits).
    """
    hits = total = 0
    example: str | None = None
    for text in texts:
        total += 1
        line = next((line for line in text.split("\n") if line.strip() and match_junk(line, rules)), None)
        if line is not None:
            hits += 1
            example = example or line
    return Share(hits, total), example


def _site_rules(site: str) -> SiteRules:
    try:
        return rules_for(site)
    except KeyError:  # a site stored by an older profile name: the shared rules still apply
        return DEFAULT_RULES


def collect(
    session: Session, window: Window, now: datetime, sites: Sequence[str] | None = None
) -> list[SiteHealth]:
    """Read every figure the drift rules need: four aggregate queries plus a bounded junk scan per site.

    Raises:
        LookupError: a name in ``sites`` is not in the database.
    """
    known = health.site_names(session)
    if sites is not None and (unknown := sorted(set(sites) - set(known))):
        raise LookupError(
            f"unknown site(s) {', '.join(unknown)}; in the database: {', '.join(known) or 'none'}"
        )
    names = sorted(set(sites)) if sites is not None else known
    offset = window.offset_minutes
    article_days = health.article_days(
        session,
        window.baseline_since,
        window.until,
        short_words=SHORT_BODY_WORDS,
        offset_minutes=offset,
        sites=names,
    )
    run_days = health.run_days(
        session,
        window.baseline_since,
        window.until,
        rejected_reasons=REJECTED_REASONS,
        offset_minutes=offset,
        sites=names,
    )
    successes = health.last_successes(session, before=now, sites=names)
    ended = health.last_run_ends(session, before=now, sites=names)
    result = []
    for site in names:
        mine = [d for d in article_days if d.site == site]
        runs = [r for r in run_days if r.site == site]
        rules = _site_rules(site)
        junk, example = scan_junk(health.iter_texts(session, site, window.since, window.until), rules)
        sample = health.iter_texts(
            session, site, window.baseline_since, window.since, limit=JUNK_BASELINE_SAMPLE
        )
        junk_baseline, _ = scan_junk(sample, rules)
        result.append(
            SiteHealth(
                site=site,
                days=window.days,
                articles={d.day: d for d in mine if d.day >= window.days[0]},
                baseline=[d for d in mine if d.day < window.days[0]],
                runs=[r for r in runs if r.day >= window.days[0]],
                baseline_runs=[r for r in runs if r.day < window.days[0]],
                junk=junk,
                junk_baseline=junk_baseline,
                junk_example=example,
                last_success=successes.get(site),
                fit=profile_fit(session, site, window),
                crawled=site in ended,
            )
        )
    return result


def profile_fit(session: Session, site: str, window: Window) -> ProfileFit:
    """The window's counts of layout fallbacks and of articles outside the URL patterns, from run stats."""
    keys = (runstats.layout_pages(site), runstats.layout_fallback(site), runstats.outside_rules(site))
    pages, fallen, outside = health.run_stat_totals(session, site, window.since, window.until, keys).values()
    current = _site_rules(site).layout_for(window.until.date())
    return ProfileFit(current.body if current else None, pages, fallen, outside)


@dataclass(frozen=True, slots=True)
class Report:
    """The report's findings; ``text`` is what is printed, ``exit_status`` what the command returns."""

    window: Window
    sites: list[SiteHealth]
    alerts: list[Alert]
    now: datetime
    notes: Sequence[str] = ()  # plain statements about the data: a moved window, sites without articles

    @property
    def exit_status(self) -> int:
        """1 when any alert fired (cron mails it), else 0."""
        return EXIT_ALERT if self.alerts else EXIT_OK

    @property
    def text(self) -> str:
        """Header, alert lines, the per-site table, notes, a closing verdict."""
        w = self.window
        baseline_end = w.days[0] - timedelta(days=1)
        sign = "+" if w.offset_minutes >= 0 else "-"
        zone = f"UTC{sign}{abs(w.offset_minutes) // 60:02d}:{abs(w.offset_minutes) % 60:02d}"
        so_far = " (today so far)" if w.until > self.now else ""
        lines = [
            f"kznews report {w.days[0]}{f' – {w.days[-1]}' if len(w.days) > 1 else ''}{so_far} ({zone}); "
            f"baseline {w.baseline_since.date()} – {baseline_end}; figures: window (usual)"
        ]
        lines += [str(alert) for alert in self.alerts]
        lines += format_table(self.sites, self.now)
        lines += [f"note: {note}" for note in self.notes]
        verdict = f"{len(self.alerts)} alert(s)" if self.alerts else "OK: no drift"
        lines.append(f"{verdict} in {len(self.sites)} site(s)")
        return "\n".join(lines)


def build_report(
    session: Session,
    *,
    now: datetime,
    days: int = 1,
    sites: Sequence[str] | None = None,
    baseline_days: int = BASELINE_DAYS,
) -> Report:
    """Collect the figures and run the drift rules for the window :func:`choose_window` picks at ``now``."""
    window, notes = choose_window(session, now, days, baseline_days, sites)
    healths = collect(session, window, now, sites)
    alerts = [alert for h in healths for alert in check_site(h, now)]
    newest = health.newest_first_seen(session, before=now, sites=[h.site for h in healths])
    for h in healths:
        if not h.window_articles():
            seen = newest.get(h.site)
            last = f"the newest was first seen {_utc(seen)}" if seen else "none stored yet"
            notes.append(f"{h.site}: no articles first seen in the window; {last}")
    return Report(window, healths, alerts, now, notes)


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _pct(share: Share) -> str:
    return "-" if share.value is None else f"{share.value:.0%}"


def _row(h: SiteHealth, now: datetime) -> list[str]:
    window = [h.articles[d] for d in h.days if d in h.articles]
    medians = [d.median_words for d in window]
    usual_count, usual_words = h.usual_count, h.usual_median_words
    cells = [
        h.site,
        f"{h.window_articles() / len(h.days):,.0f} ({_number(usual_count)})",
        f"{statistics.median(medians) if medians else 0:,.0f} ({_number(usual_words)})",
    ]
    for field in ("short_bodies", "no_date", "no_lang"):
        cells.append(f"{_pct(article_share(window, field))} ({_pct(article_share(h.baseline, field))})")
    cells.append(f"{_pct(h.junk)} ({_pct(h.junk_baseline)})")
    cells.append(f"{_pct(rejected_share(h.runs))} ({_pct(rejected_share(h.baseline_runs))})")
    for field in ("blocked", "http_errors"):
        cells.append(
            f"{sum(getattr(r, field) for r in h.runs):,} ({per_day(h.baseline_runs, field):,.0f}/day)"
        )
    hours = None if h.last_success is None else (now - h.last_success).total_seconds() / 3600
    cells.append("never" if hours is None else f"{hours:.0f}h ago")
    return cells


TABLE_HEADER = (
    "site",
    "articles/day",
    "median words",
    "short",
    "no date",
    "no lang",
    "junk",
    "rejected",
    "blocked",
    "http errors",
    "last success",
)


def format_table(sites: Sequence[SiteHealth], now: datetime) -> list[str]:
    """One aligned line per site (window figure, the usual in parentheses) under a header line."""
    rows = [list(TABLE_HEADER)] + [_row(h, now) for h in sites]
    widths = [max(len(row[i]) for row in rows) for i in range(len(TABLE_HEADER))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    ]


def open_report_database(url: str) -> Engine:
    """An engine on an existing kznews database (a report never creates or migrates one).

    Raises:
        LookupError: no database file, or no kznews schema in it.
    """
    if database_missing(url):  # connecting would create an empty one
        raise LookupError(f"no database file at {make_url(url).database}")
    engine = make_engine(url)
    with engine.connect() as connection:
        if current_revision(connection) is None:
            engine.dispose()
            raise LookupError(
                f"no kznews schema in {make_url(url).render_as_string()} (run `kznews db upgrade`)"
            )
    return engine
