"""Compose the cleaning steps: HTML or page text in, one Article out; RawPage in, Article or Rejection out."""

from __future__ import annotations

import logging
import traceback
from dataclasses import replace
from datetime import datetime

from pipelines.article import Article, RawPage, Rejection, storable, storable_text
from pipelines.blockpage import detect_block_page
from pipelines.boilerplate import CleanedBody, clean_paragraphs
from pipelines.dates import ParsedDate, date_from_url, is_clock_line, latest_allowed, parse_date
from pipelines.extract import extract_body
from pipelines.hooks import HookPage, apply_hook
from pipelines.htmlpage import parse_html
from pipelines.language import detect_language
from pipelines.options import DEFAULT_OPTIONS, DEFAULT_RULES, CleanOptions, SiteRules
from pipelines.pagedates import visible_date
from pipelines.pagelead import visible_lead
from pipelines.pagelinks import canonical_on_site, stored_url
from pipelines.structured import DateCandidate, read_metadata
from pipelines.textpage import split_text_page
from pipelines.titles import fit_title
from pipelines.verdict import page_verdict

logger = logging.getLogger(__name__)

# Tuned numbers.
MAX_TEXT_CHARS = 300_000
"""A longer body is no article (``text_too_long``): AEB's longest annotated body has 53,372 characters (median
3,158), the fixture site's 2,896, a 20,000-word long read about 130,000; a 70 MB page once became a 38 MB
"article" of 4.89 M words."""
MAX_ERROR_CHARS = 200
"""An ``extract_error`` detail keeps this much of the exception's message: enough to place the fault, and no
room for a page's text that a message quotes."""


def extract_html(
    html: str | bytes,
    url: str | None = None,
    site: str | None = None,
    now: datetime | None = None,
    *,
    headers: dict[str, str] | None = None,
    rules: SiteRules = DEFAULT_RULES,
    source: str | None = None,
) -> Article | Rejection:
    """Extract one cleaned article from an HTML page, or say why the page is not an article.

    The body comes from trafilatura (or the site layout's selectors) through the shared cleaning stage;
    metadata from structured data first (JSON-LD, article/OpenGraph meta, <time>, itemprop), then the
    layout's visible fields; a date, failing those, from the page's visible date line near the headline
    (htmldate as a last resort), then the URL. A site's field hooks (``pipelines/hooks.py``) override what
    they name. Homepages, listings, redirect stubs, error and challenge pages get a Rejection
    (``pipelines/verdict.py``).

    Args:
        html: the page, as bytes (decoded from headers/meta/BOM, as Scrapy does) or text.
        url: the page URL: resolves the canonical URL and is the last resort for a date.
        site: the site name stored with the article.
        now: when the page was fetched; anchors relative dates and picks the site layout of that day. No
            date after it (+ CLOCK_SKEW; after the real current time when None) is taken, from any source.
        headers: response headers (Content-Type charset).
        rules: the site's rules (layouts, extra junk, agencies, time zone, field hooks); a canonical link or
            og:url off its hosts (when known) is ignored.
        source: where the page came from (a file path), copied to the article.
    """
    tree = parse_html(html, headers)
    meta = read_metadata(tree, url)
    latest = latest_allowed(now, rules.tz)
    layout = rules.layout_for(now.date() if now else None)
    body = extract_body(tree, url, layout, meta.json_ld_body, meta.description, html)
    if (verdict := page_verdict(tree, meta, body, url=url)) is not None:
        return verdict
    page = HookPage(url, tree, now)
    title = (
        (fit_title(body.title) if layout and layout.title else None) or meta.title or fit_title(body.title)
    )
    title = apply_hook(rules, "title", page, title)
    paragraphs = apply_hook(rules, "body", page, body.paragraphs)
    # A site of ours prints its standfirst as the story's opening paragraph, in a box a layout names or
    # (generic path) found by the page's description; AEB's annotators leave such a box out (33 of 35 pages
    # where found, F1 -0.005), so a page of no known site keeps only what trafilatura took.
    lead = body.lead or (visible_lead(tree, meta.description, list(paragraphs)) if rules.name else None)
    cleaned = clean_paragraphs(paragraphs, title=title, rules=rules, lead=lead)
    published, date_source = _pick_date(
        [*meta.published, *_layout_candidate(body.layout_fields, "published")], now, rules.tz, latest
    )
    if published is None and (
        shown := visible_date(tree, title=title, body=body.paragraphs, now=now, tz=rules.tz, url=url)
    ):
        published, date_source = shown
    if published is None and url and (from_url := date_from_url(url, now=now, tz=rules.tz)):
        published, date_source = from_url, "url"
    published_at = published.value if published else None
    if (hooked_at := apply_hook(rules, "published_at", page, published_at)) is not published_at:
        published_at, date_source = hooked_at, "hook"
    modified, _ = _pick_date(list(meta.modified), now, rules.tz, latest)
    language = detect_language([title or "", *cleaned.paragraphs])
    fields = body.layout_fields
    tags = tuple(t.strip() for t in fields["tags"].split(",") if t.strip()) if "tags" in fields else meta.tags
    photo_credits = cleaned.photo_credits + ((meta.image_credit,) if meta.image_credit else ())
    return _article(
        cleaned,
        source=source,
        url=url,
        canonical_url=canonical_on_site(meta.canonical_url, rules.hosts) or url,
        site=site,
        region=rules.region,
        lang=language.lang or meta.lang_hint,
        script=language.script,
        lang_shares=language.shares,
        title=title,
        published_at=published_at,
        modified_at=modified.value if modified else None,
        date_source=date_source,
        author=apply_hook(rules, "author", page, fields.get("author") or meta.author),
        tags=tags,
        section=fields.get("section") or meta.section,
        photo_credits=tuple(dict.fromkeys(photo_credits)),
        translations=apply_hook(rules, "translations", page, meta.translations),
        fetched_at=now,
        extraction="hook" if paragraphs is not body.paragraphs else body.extraction,
    )


def extract_text(
    text: str,
    url: str | None = None,
    site: str | None = None,
    now: datetime | None = None,
    *,
    rules: SiteRules = DEFAULT_RULES,
    source: str | None = None,
) -> Article:
    """Extract one cleaned article from a page text (one paragraph per line, as in the seed documents).

    Args:
        text: the page text.
        url: the page URL, if known (last resort for a date).
        site: the site name stored with the article.
        now: when the page was fetched; anchors relative dates.
        rules: the site's rules (extra junk, agencies, time zone).
        source: where the text came from (a file path), copied to the article.
    """
    page = split_text_page(text, now=now, tz=rules.tz)
    cleaned = clean_paragraphs(page.body_lines, title=page.title, rules=rules)
    published, date_source = page.published, page.date_source
    if published is not None and published.value > latest_allowed(now, rules.tz):
        published, date_source = None, None  # the page text's date line is in the future: no evidence
    if published is None and url and (from_url := date_from_url(url, now=now, tz=rules.tz)):
        published, date_source = from_url, "url"
    language = detect_language([page.title or "", *cleaned.paragraphs])
    return _article(
        replace(cleaned, removed=page.removed + cleaned.removed),
        source=source,
        url=url,
        canonical_url=url,
        site=site,
        region=rules.region,
        lang=language.lang,
        script=language.script,
        lang_shares=language.shares,
        title=page.title,
        published_at=published.value if published else None,
        date_source=date_source,
        fetched_at=now,
        extraction="text",
    )


def clean_page(
    raw: RawPage, rules: SiteRules = DEFAULT_RULES, options: CleanOptions = DEFAULT_OPTIONS
) -> Article | Rejection:
    """Turn one fetched page into an Article, or a Rejection naming why it is not stored; never raises.

    Reasons: ``http_status``, ``blocked_page``, the verdicts of ``pipelines/verdict.py`` (``homepage``,
    ``listing``, ``redirect_stub``, ``error_page``, ``challenge_page``), ``not_article``, ``empty_body``,
    ``text_too_long``, ``too_short``, and ``extract_error``: whatever cleaning this one page raised, with the
    detail "<ExceptionClass>: <message>" (the message whitespace-collapsed, at most MAX_ERROR_CHARS
    characters; the class alone when there is no message).

    The article is stored under its canonical URL only when that names the fetched page (see
    :func:`pipelines.pagelinks.stored_url`), else under ``raw.url``.
    """
    try:
        return _clean_page(raw, rules, options)
    except Exception as exc:  # the last net: one page's fault never reaches the worker pool or the crawl
        detail = error_detail(exc)
        logger.warning("extract_error on %s: %s (%s)", raw.url, detail, _fault_place(exc))
        return Rejection("extract_error", detail, raw.url)


def error_detail(exc: BaseException) -> str:
    """An exception as "<ExceptionClass>: <message>": one line, MAX_ERROR_CHARS at most, storable text."""
    message = storable_text(" ".join(str(exc).split())[:MAX_ERROR_CHARS])[0]
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _fault_place(exc: BaseException) -> str:
    """Where the fault arose: the innermost frame of this package (a library's own frame says little)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [frame for frame in frames if f"{__package__}/" in frame.filename] or frames
    return f"{ours[-1].filename}:{ours[-1].lineno} in {ours[-1].name}" if ours else "no traceback"


def _clean_page(raw: RawPage, rules: SiteRules, options: CleanOptions) -> Article | Rejection:
    if raw.status != 200:
        return Rejection("http_status", f"HTTP {raw.status}", raw.url)
    if marker := detect_block_page(raw.status, raw.headers, raw.body):
        return Rejection("blocked_page", marker, raw.url)
    article = extract_html(
        raw.body, raw.url, raw.site, raw.fetched_at, headers=dict(raw.headers), rules=rules
    )
    if isinstance(article, Rejection):
        return article
    article = replace(
        article,
        canonical_url=stored_url(raw.url, article.canonical_url, raw.aliases),
        edition=raw.edition,
        warc_file=raw.warc_file,
        warc_offset=raw.warc_offset,
    )
    return validate_article(article, options) or article


def validate_article(article: Article, options: CleanOptions = DEFAULT_OPTIONS) -> Rejection | None:
    """A Rejection when the article must not be stored, else None."""
    if not article.paragraphs:
        reason = "not_article" if not article.title else "empty_body"
        return Rejection(reason, "no body paragraphs left after cleaning", article.url)
    if article.title is None and article.published_at is None:
        return Rejection("not_article", "neither a title nor a date", article.url)
    if (chars := sum(map(len, article.paragraphs))) > MAX_TEXT_CHARS:
        return Rejection("text_too_long", f"{chars} characters > {MAX_TEXT_CHARS}", article.url)
    if article.word_count < options.min_words:
        return Rejection("too_short", f"{article.word_count} words < {options.min_words}", article.url)
    return None


def _pick_date(
    candidates: list[DateCandidate], now: datetime | None, tz: str, latest: datetime
) -> tuple[ParsedDate | None, str | None]:
    """The first candidate that parses to a date up to ``latest`` (in evidence order); a site clock never."""
    for candidate in candidates:
        if is_clock_line(candidate.raw):
            continue
        if (parsed := parse_date(candidate.raw, now=now, tz=tz)) is not None and parsed.value <= latest:
            return parsed, candidate.source
    return None, None


def _layout_candidate(fields: dict[str, str], key: str) -> list[DateCandidate]:
    return [DateCandidate("layout", fields[key])] if fields.get(key) else []


def _article(cleaned: CleanedBody, **fields: object) -> Article:
    """The Article of a cleaned body and its metadata, every string made storable (see ``storable``)."""
    article = Article(
        paragraphs=cleaned.paragraphs,
        lead=cleaned.lead,
        dateline=cleaned.dateline,
        source_credit=cleaned.source_credit,
        photo_credits=fields.pop("photo_credits", cleaned.photo_credits),  # type: ignore[arg-type]
        damaged_chars=cleaned.damaged_chars,
        lookalikes_fixed=cleaned.lookalikes_fixed,
        removed=cleaned.removed,
        **fields,  # type: ignore[arg-type]
    )
    return storable(article)
