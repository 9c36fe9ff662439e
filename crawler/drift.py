"""Drift rules: one site's figures for the report window against its own recent history, as alert lines."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from db.health import ArticleDay, RunDay

# --- history --------------------------------------------------------------------------------------------
MIN_BASELINE_DAYS = 7  # days with articles before a site's "usual" is trusted: one full week of weekdays
# --- volume and body length (judged per window day) ------------------------------------------------------
COUNT_DROP_RATIO = 0.25  # weekends fall to ~50-60% of a weekday on kz news sites; a broken crawl falls to ~0
BODY_DROP_RATIO = 0.6  # daily medians wander ±15% week to week; a lost body selector halves them or worse
BODY_RISE_RATIO = 2.0  # sidebars or comments glued to the body double the median
MIN_DAY_ARTICLES = 10  # a median of fewer articles is noise, not a layout change
# --- shares (pooled over the window) --------------------------------------------------------------------
MIN_SHARE_SAMPLE = 20  # articles needed before a share means anything (1 of 3 is not "33%")
SHARE_RISE_POINTS = 0.10  # short bodies, missing dates/languages: ten points up is a change, not noise
SHARE_RISE_RATIO = 2.0  # ... and at least double: a site at 40% undated drifting to 50% is not a break
JUNK_RISE_POINTS = 0.05  # stored text already passed these junk rules, so healthy is ~0%: 5 points is leakage
# --- run records ----------------------------------------------------------------------------------------
BLOCKED_MIN = 10  # a stray challenge page happens; ten in a window is the anti-bot wall
HTTP_ERRORS_MIN = 20  # a few 404s a day are dead links in listings; twenty is the site or the network failing
RUN_COUNTER_RISE = 3.0  # blocked / HTTP errors must also be 3x the site's usual for the window's length
STALE_MIN_HOURS = 6.0  # a few failed hourly runs in a row are site maintenance, not a broken harvest
STALE_GAP_FACTOR = 1.5  # one missed run at the site's usual cadence plus half a cycle of slack
DEFAULT_RUN_GAP_HOURS = 24.0  # cadence assumed without run history: the daily cron
# --- profile fit (judged on the window's runs, no history needed: a redesign breaks a profile at once) ------
LAYOUT_FALLBACK_SHARE = 0.5  # a few pages without a body (video, gallery) fall back; a redesign, most
LAYOUT_FALLBACK_MIN = 3  # pages falling back before the share means anything


@dataclass(frozen=True, slots=True)
class Share:
    """``hits`` of ``total`` items; ``a + b`` pools two counts."""

    hits: int = 0
    total: int = 0

    @property
    def value(self) -> float | None:
        """hits / total, None when there is nothing to count."""
        return self.hits / self.total if self.total else None

    def __add__(self, other: Share) -> Share:
        return Share(self.hits + other.hits, self.total + other.total)


@dataclass(frozen=True, slots=True)
class ProfileFit:
    """How well the site's profile fits its pages in the window (counted by the cleaning pipeline)."""

    layout_selector: str | None = None  # the current layout's body selector
    layout_pages: int = 0  # pages cleaned with that layout
    layout_fallback: int = 0  # of them, pages the layout found no body (or too little) on
    outside_rules: int = 0  # articles from feed URLs outside the profile's article URL patterns


@dataclass(frozen=True, slots=True)
class SiteHealth:
    """What the report knows about one site: window days, the baseline before them, runs, junk scan."""

    site: str
    days: tuple[date, ...]  # the report window, oldest first
    articles: Mapping[date, ArticleDay]  # window days that have articles
    baseline: Sequence[ArticleDay]
    runs: Sequence[RunDay]  # window
    baseline_runs: Sequence[RunDay]
    junk: Share = Share()
    junk_baseline: Share = Share()
    junk_example: str | None = None
    last_success: datetime | None = None
    fit: ProfileFit = ProfileFit()
    crawled: bool = True  # a run of the site ended before the report time; without one nothing is stale yet

    @property
    def has_history(self) -> bool:
        """Enough baseline days with articles to judge drift."""
        return len(self.baseline) >= MIN_BASELINE_DAYS

    @property
    def usual_count(self) -> float | None:
        """Median articles per baseline day (days with articles)."""
        return statistics.median(d.articles for d in self.baseline) if self.baseline else None

    @property
    def usual_median_words(self) -> float | None:
        """Median of the baseline's daily median body lengths."""
        return statistics.median(d.median_words for d in self.baseline) if self.baseline else None

    def window_articles(self) -> int:
        """Articles first seen in the window."""
        return sum(d.articles for d in self.articles.values())


@dataclass(frozen=True, slots=True)
class Alert:
    """One drift of one site; ``str()`` is the line printed."""

    site: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"ALERT {self.site}: {self.message}"


def article_share(days: Sequence[ArticleDay], field: str) -> Share:
    """Pooled share of articles flagged in ``field`` ("short_bodies", "no_date", "no_lang")."""
    return Share(sum(getattr(d, field) for d in days), sum(d.articles for d in days))


def rejected_share(runs: Sequence[RunDay]) -> Share:
    """Article pages the cleaner rejected for a thin body, of all article pages cleaned."""
    rejected = sum(r.rejected for r in runs)
    return Share(rejected, rejected + sum(r.seen for r in runs))


def per_day(runs: Sequence[RunDay], field: str) -> float:
    """Mean of a run counter per baseline day with runs (0 without runs)."""
    return sum(getattr(r, field) for r in runs) / len(runs) if runs else 0.0


def period(days: Sequence[date]) -> str:
    """ "on 2026-11-21", or "on 2026-11-19 – 2026-11-21" for a longer window."""
    return f"on {days[0]}" if len(days) == 1 else f"on {days[0]} – {days[-1]}"


def last_days(days: Sequence[date]) -> str:
    """ "in the last day" / "in the last 3 days"."""
    return "in the last day" if len(days) == 1 else f"in the last {len(days)} days"


def _more(breaches: Sequence[date]) -> str:
    return f" (and {len(breaches) - 1} earlier day(s) in the window)" if len(breaches) > 1 else ""


def check_count(h: SiteHealth) -> list[Alert]:
    """Articles per day far below the site's usual volume."""
    usual = h.usual_count
    if not h.has_history or not usual:
        return []
    low = [d for d in h.days if (h.articles[d].articles if d in h.articles else 0) < COUNT_DROP_RATIO * usual]
    if not low:
        return []
    n = h.articles[low[-1]].articles if low[-1] in h.articles else 0
    message = f"{n:,} articles on {low[-1]}; usually ~{usual:,.0f}/day{_more(low)}"
    return [Alert(h.site, "articles_per_day", message)]


def check_body_length(h: SiteHealth) -> list[Alert]:
    """Median body length per day fallen (body selector lost) or doubled (boilerplate glued on)."""
    usual = h.usual_median_words
    if not h.has_history or not usual:
        return []
    days = [h.articles[d] for d in h.days if d in h.articles and h.articles[d].articles >= MIN_DAY_ARTICLES]
    alerts = []
    fell = [d for d in days if d.median_words <= BODY_DROP_RATIO * usual]
    if fell:
        last = fell[-1]
        drop = 1 - last.median_words / usual
        how = "by half" if 0.45 <= drop <= 0.55 else f"by {drop:.0%}"
        message = (
            f"median body length fell {how} ({usual:,.0f} → {last.median_words:,.0f} words) "
            f"on {last.day}{_more([d.day for d in fell])}"
        )
        alerts.append(Alert(h.site, "body_length", message))
    rose = [d for d in days if d.median_words >= BODY_RISE_RATIO * usual]
    if rose:
        last = rose[-1]
        message = (
            f"median body length rose {last.median_words / usual:.1f}x ({usual:,.0f} → "
            f"{last.median_words:,.0f} words) on {last.day}{_more([d.day for d in rose])}"
        )
        alerts.append(Alert(h.site, "body_length", message))
    return alerts


def _share_alert(h: SiteHealth, rule: str, label: str, now: Share, usual: Share, rise: float) -> list[Alert]:
    if now.total < MIN_SHARE_SAMPLE or now.value is None or usual.value is None:
        return []
    if now.value - usual.value < rise or now.value < SHARE_RISE_RATIO * usual.value:
        return []
    message = f"{label} {usual.value:.0%} → {now.value:.0%} ({now.hits:,} of {now.total:,}) {period(h.days)}"
    return [Alert(h.site, rule, message)]


def check_shares(h: SiteHealth) -> list[Alert]:
    """Shares of short bodies, missing dates and languages, rejected bodies and junk lines jumping up."""
    if not h.has_history:
        return []
    window = [h.articles[d] for d in h.days if d in h.articles]
    alerts = []
    for rule, field, label in (
        ("short_bodies", "short_bodies", "short-body share jumped"),
        ("missing_date", "no_date", "date-missing share jumped"),
        ("missing_lang", "no_lang", "language-missing share jumped"),
    ):
        now, usual = article_share(window, field), article_share(h.baseline, field)
        alerts += _share_alert(h, rule, label, now, usual, SHARE_RISE_POINTS)
    now_rejected, usual_rejected = rejected_share(h.runs), rejected_share(h.baseline_runs)
    label = "thin-body rejections jumped"
    alerts += _share_alert(h, "rejected_bodies", label, now_rejected, usual_rejected, SHARE_RISE_POINTS)
    junk = _share_alert(h, "junk", "junk-phrase hits", h.junk, h.junk_baseline, JUNK_RISE_POINTS)
    if junk and h.junk_example:
        junk = [Alert(h.site, "junk", f"{junk[0].message}, e.g. {h.junk_example[:60]!r}")]
    return alerts + junk


def _counter_alert(h: SiteHealth, field: str, minimum: int, what: str) -> list[Alert]:
    count = sum(getattr(r, field) for r in h.runs)
    usual = per_day(h.baseline_runs, field)
    if count < max(minimum, RUN_COUNTER_RISE * usual * len(h.days)):
        return []
    tail = f"; usually ~{usual:,.0f}/day" if usual >= 1 else ""
    return [Alert(h.site, field, f"{count:,} {what} {last_days(h.days)}{tail}")]


def check_runs(h: SiteHealth) -> list[Alert]:
    """Blocked responses and HTTP errors well above the site's usual."""
    return _counter_alert(h, "blocked", BLOCKED_MIN, "blocked responses (anti-bot)") + _counter_alert(
        h, "http_errors", HTTP_ERRORS_MIN, "HTTP errors (4xx/5xx or no answer)"
    )


def stale_after_hours(h: SiteHealth) -> float:
    """Hours without a successful run before alerting, from the site's usual run cadence."""
    finished = [r.finished for r in h.baseline_runs if r.finished]
    gap = 24.0 / statistics.median(finished) if finished else DEFAULT_RUN_GAP_HOURS
    return max(STALE_MIN_HOURS, STALE_GAP_FACTOR * gap)


def age(hours: float) -> str:
    """ "5 hours" below two days, else whole days ("3 days")."""
    return f"{hours:.0f} hours" if hours < 48 else f"{int(hours // 24)} days"


def check_stale(h: SiteHealth, now: datetime) -> list[Alert]:
    """No run finished successfully for longer than the site's cadence allows, or none did and one failed."""
    if h.last_success is None:
        return [Alert(h.site, "last_success", "no successful run on record")] if h.crawled else []
    hours = (now - h.last_success).total_seconds() / 3600
    if hours <= stale_after_hours(h):
        return []
    when = f"{h.last_success.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    return [Alert(h.site, "last_success", f"last successful run {age(hours)} ago ({when})")]


def check_profile_fit(h: SiteHealth) -> list[Alert]:
    """The site changed under its profile: its layout finds no body, or its feeds list URLs it calls
    non-articles. Nothing is lost meanwhile (the generic path and the feeds take over): the profile needs
    an update."""
    fit, alerts = h.fit, []
    fallen = fit.layout_fallback
    if fallen >= LAYOUT_FALLBACK_MIN and fallen >= LAYOUT_FALLBACK_SHARE * fit.layout_pages:
        matched = fit.layout_pages - fallen
        message = (
            f"layout `{fit.layout_selector}` matched {matched:,} of {fit.layout_pages:,} pages "
            f"{last_days(h.days)}; generic extraction used"
        )
        alerts.append(Alert(h.site, "layout_fallback", message))
    if fit.outside_rules:
        message = (
            f"{fit.outside_rules:,} articles from feed URLs outside the profile's article URL patterns "
            f"{last_days(h.days)}: the site's URL scheme changed"
        )
        alerts.append(Alert(h.site, "url_patterns", message))
    return alerts


CHECKS: tuple[Callable[[SiteHealth], list[Alert]], ...] = (
    check_count,
    check_body_length,
    check_shares,
    check_runs,
    check_profile_fit,
)


def check_site(h: SiteHealth, now: datetime) -> list[Alert]:
    """Every alert for one site, in a fixed order: harvest first, then content, then responses."""
    return check_stale(h, now) + [alert for check in CHECKS for alert in check(h)]
