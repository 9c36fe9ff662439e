"""Read a page's publication date from its visible date line near the headline, htmldate as a last resort."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from copy import deepcopy
from datetime import datetime
from itertools import islice, takewhile
from zoneinfo import ZoneInfo

import lxml.html
from htmldate import find_date

from pipelines.dates import MIN_YEAR, ParsedDate, date_from_url, is_clock_line, latest_allowed, parse_date

TEXT_EVIDENCE = "text_date_line"
HTMLDATE_EVIDENCE = "htmldate"

# --- tuned numbers --------------------------------------------------------------------------------------
MAX_CANDIDATE_CHARS = 120  # bylines "Автор: … | 10:44, 19 августа 2025 | Общество | 4 678" run ~70
LOOSE_MAX_WORDS = 10  # strict=False only on short blocks: lada "15.02.2026, 09:18 Общество 0 4 678 Ольга …"
BEFORE_HEADLINE_BLOCKS = 4  # Kazinform: rubric + date above the title; a header clock is behind the menu
MAX_FOLLOWING_ELEMENTS = 400  # walk this far after the headline looking for the story's first block
# The story starts at the first block whose leading characters hold this many words and stand in the
# extracted body (date, rubric, credit and byline lines are shorter or read as dates).
STORY_KEY_CHARS = 60
STORY_MIN_WORDS = 6
RELATIVE_MAX_WORDS = 3  # "Опубликовано: час назад"
CARD_LINK_WORDS = 5  # a link this long beside a date is another story's headline (sidebar, related)
TITLE_MATCH_CHARS = 15  # a heading inside the title (or holding it) this long is the headline

# --- markup as data -------------------------------------------------------------------------------------
# Branches that never hold the article's own date line: page chrome, other stories, pictures.
CHROME_TAGS = {"header", "nav", "aside", "footer", "figure", "figcaption", "form", "select", "button",
               "script", "style", "noscript", "template", "iframe"}  # fmt: skip
CHROME_RE = re.compile(
    r"(?i)site-?header|page-?header|masthead|top-?bar|top-?line|navbar|menu|sidebar|widget|footer|copyright"
    r"|weather|currency|course|clock|ticker|related|read-?also|popular|latest|last-?news|recommend|teaser|caption"
)
DATE_MARKER_RE = re.compile(r"date|time|publi|posted|byline|meta|info|created|stamp", re.IGNORECASE)
MODIFIED_CLASS_RE = re.compile(r"modif|updat|edited", re.IGNORECASE)
MODIFIED_TEXT_RE = re.compile(r"(?i)\b(?:обновлено|изменено|updated|modified|edited|жаңартылды|jańartyldy)\b")
TWELVE_HOUR_RE = re.compile(r"(?i)\d\s*[ap]\.?\s?m\b")  # parse_date has no AM/PM: "3:15 PM" reads 03:15
COUNTER_RE = re.compile(r"(?<=\d:\d\d)\s+\d{1,3}(?:\s\d{3})+$")
SEPARATOR_RE = re.compile(r"\s*[|·•]\s*|\s[—–/]\s")  # between a byline's fields
DIGIT_RE = re.compile(r"\d")
YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
HEADLINE_TAGS = ("h1", "h2")
BLOCK_TAGS = {"p", "div", "li", "ul", "ol", "table", "tr", "td", "section", "article", "blockquote", "h2",
              "h3", "h4", "header", "footer", "aside", "nav", "figure"}  # fmt: skip
HEADLINE_CHROME = CHROME_TAGS - {"header"}  # <header class="entry-header"> holds WordPress headlines
SITE_HEADING_RE = re.compile(r"masthead|site-?(?:header|branding|title)|logo", re.IGNORECASE)  # wsj.com <h1>

# htmldate: markup and fast text patterns. Its extensive search (AEB, structured data stripped: 38 right
# against 14 wrong, fast mode 18 / 6; one page 1.2 s) took header clocks on 4 decoy test pages. The format
# keeps time and offset if any (00:00:00 = a date only); url="" keeps it off the canonical URL (ours).
HTMLDATE = dict(extensive_search=False, original_date=True, outputformat="%Y-%m-%d %H:%M:%S%z", url="",
                min_date=datetime(MIN_YEAR, 1, 1))  # fmt: skip
HTMLDATE_CHROME = CHROME_TAGS - {"script"}  # htmldate's JSON search reads scripts
# Elements htmldate's copy loses when they are chrome, a card of another story or a block of the story.
HTMLDATE_PRUNED = (*"div span p li td dd a b strong em i time blockquote h2 h3 h4".split(), *HTMLDATE_CHROME)
# A story block longer than this stays in htmldate's copy: reading it costs too much.
STORY_BLOCK_CHARS = 5000

_Element = lxml.html.HtmlElement


def visible_date(
    tree: _Element,
    *,
    title: str | None,
    body: Sequence[str],
    now: datetime | None,
    tz: str = "Asia/Almaty",
    url: str | None = None,
) -> tuple[ParsedDate, str] | None:
    """The publication date a page shows in its date line or byline near the headline, else htmldate's.

    Read from the blocks just above the headline and between it and the story's first block; never from
    the story, page chrome (header, menus, sidebars, footer, captions), other stories' cards, a header
    clock or a "modified" line. A block whose class says date/time/meta/byline, or a <time>, wins, then
    one with a time of day, then a strict reading, then page order. htmldate runs only if none is found.

    Args:
        tree: the page as parsed by ``parse_html``; only read.
        title: the article title (finds the headline element); None takes the first <h1>.
        body: the extracted body paragraphs in order (they tell the story from the header).
        now: when the page was fetched: anchors "Вчера, 11:22"; no date after ``latest_allowed(now)``.
        tz: the site's zone for wall-clock dates.
        url: the page URL; when it carries a date, htmldate's result counts only on that day and with a
            time of day (else None: the caller's URL date says as much or more).

    Returns:
        (ParsedDate, "text_date_line") or (ParsedDate, "htmldate"), or None.
    """
    if now is not None and now.tzinfo is None:
        now = now.replace(tzinfo=ZoneInfo(tz))  # wall time in tz, as parse_date reads it
    anchor = _headline(tree, title)
    if anchor is not None and (found := _pick(anchor, body, now, tz)) is not None:
        return found, TEXT_EVIDENCE
    if (found := _htmldate(tree, body, now, tz, url)) is not None:
        return found, HTMLDATE_EVIDENCE
    return None


# --- where the page's own header is -----------------------------------------------------------------
def _names(element: _Element) -> str:
    return " ".join(filter(None, (element.get("class"), element.get("id"), element.get("itemprop"))))


def _chrome(element: _Element, tags: set[str], names: re.Pattern[str]) -> bool:
    return element.tag in tags or names.search(_names(element)) is not None


def _text(element: _Element, limit: int) -> str | None:
    """The element's text with spaces between its parts; None when empty or over ``limit`` characters."""
    parts, size = [], 0
    for piece in element.itertext():
        size += len(piece.strip())
        if size > limit:
            return None
        parts.append(piece)
    return " ".join(" ".join(parts).split()) or None


def _squash(text: str) -> str:
    """Without any whitespace: the page's "a<b>b</b>" is trafilatura's "ab" and our "a b"."""
    return "".join(text.split()).casefold()


def _headline(tree: _Element, title: str | None) -> _Element | None:
    """The <h1> (else <h2>) showing ``title``, else the first <h1>; never the site's name or a sidebar's."""
    headings = sorted(tree.iter(*HEADLINE_TAGS), key=lambda h: HEADLINE_TAGS.index(h.tag))  # sort is stable
    wanted = _squash(title or "")
    shown = {h: _squash(h.text_content()) for h in headings} if wanted else {}
    showing = [h for h, text in shown.items() if _same_title(text, wanted)]
    candidates = (*showing, *(h for h in headings if h.tag == "h1"))
    site = (HEADLINE_CHROME, SITE_HEADING_RE)
    return next((h for h in candidates if not any(_chrome(a, *site) for a in (h, *h.iterancestors()))), None)


def _same_title(shown: str, wanted: str) -> bool:
    short, long = sorted((shown, wanted), key=len)
    return short == long or (len(short) >= TITLE_MATCH_CHARS and short in long)


def _following(element: _Element) -> Iterator[_Element]:
    """Elements after ``element`` in document order, its own descendants excluded."""
    node = element
    while node is not None:
        for sibling in node.itersiblings():
            yield from (e for e in sibling.iter() if isinstance(e.tag, str))
        node = node.getparent()


def _is_story(element: _Element, story: str | None, now: datetime | None, tz: str) -> bool:
    """True for the story's first block: prose, no date line, and held by the extracted body if known."""
    parts = [element.text or ""]  # text up to the first block child: a paragraph reads, a container not
    for child in element:
        if child.tag in BLOCK_TAGS or sum(map(len, parts)) > STORY_KEY_CHARS * 2:
            break
        parts += [*child.itertext(), child.tail or ""]
    key = _squash(leading := " ".join(parts))[:STORY_KEY_CHARS]
    if len(key) < STORY_KEY_CHARS or len(leading.split()) < STORY_MIN_WORDS or (story and key not in story):
        return False
    return (text := _text(element, MAX_CANDIDATE_CHARS)) is None or _read(text, now, tz) is None


def _after(anchor: _Element, body: Sequence[str], now: datetime | None, tz: str) -> list[_Element]:
    """Elements from the headline to the story's first block (the body's, else the first prose block)."""
    story = _squash(" ".join(body)) or None
    after: list[_Element] = []
    prose: int | None = None  # where the first prose block stands, in case the body is never found
    for element in islice(_following(anchor), MAX_FOLLOWING_ELEMENTS):
        if _is_story(element, story, now, tz):
            around = set(element.iterancestors())  # containers opened before the story hold it
            return [e for e in after if e not in around]
        if prose is None and story is not None and _is_story(element, None, now, tz):
            prose = len(after)
        after.append(element)
    return after[:prose]


def _before(anchor: _Element) -> list[_Element]:
    """Elements of the headline's grandparent above it, from the BEFORE_HEADLINE_BLOCKS-th last text block."""
    parent = anchor.getparent()  # a parsed page's <h1> has one: <body> at least
    scope = parent.getparent() if parent.getparent() is not None else parent
    ancestors = set(anchor.iterancestors())
    upto = takewhile(lambda e: e is not anchor, scope.iter())
    preceding = [e for e in upto if isinstance(e.tag, str) and e not in ancestors]
    blocks = [i for i, e in enumerate(preceding) if (e.text or "").strip()]
    return preceding[blocks[-BEFORE_HEADLINE_BLOCKS] if len(blocks) >= BEFORE_HEADLINE_BLOCKS else 0 :]


# --- reading the candidates -----------------------------------------------------------------------------
def _pick(anchor: _Element, body: Sequence[str], now: datetime | None, tz: str) -> ParsedDate | None:
    """The best-evidenced date of the page's header, or None."""
    shared = set(anchor.iterancestors())
    parent = anchor.getparent()
    window = [(e, True) for e in _before(anchor)] + [(e, False) for e in _after(anchor, body, now, tz)]
    found: list[tuple[tuple[bool, bool, bool, int], ParsedDate, str]] = []
    for index, (element, above) in enumerate(window):
        if (text := _text(element, MAX_CANDIDATE_CHARS)) is None or (reading := _read(text, now, tz)) is None:
            continue  # reading first: the few blocks that read as dates are the only ones worth a look
        branch = [element, *takewhile(lambda a: a not in shared, element.iterancestors())]
        marked = element.tag == "time" or any(DATE_MARKER_RE.search(_names(e)) for e in branch)
        # Above the headline a day-only date of the fetch day is a clock; an unmarked block counts beside it.
        value, today = reading[0].value, now and now.astimezone(reading[0].value.tzinfo).date()
        clock = value.date() == today and not (reading[0].has_time or reading[0].relative)
        if _is_chrome(branch) or (above and (clock or not (marked or branch[-1].getparent() is parent))):
            continue
        found.append(((not marked, not reading[0].has_time, reading[1], index), reading[0], text))
    found.sort(key=lambda item: item[0])
    for _, best, text in found:
        # A date-only line: its time may stand in a block of its own, or the line is the site's clock.
        timed = next((p for _, p, _ in found if p.has_time and p.value.date() == best.value.date()), None)
        if timed or not _repeated_in_chrome(anchor, text):
            return timed or best
    return None


def _is_chrome(branch: list[_Element]) -> bool:
    """True when the branch runs through page chrome, a "modified" block or another story's card."""
    return (  # a "modified" block inside counts: beachbodyondemand.com's posted-on holds only time.updated
        any(MODIFIED_CLASS_RE.search(_names(node)) for node in (*branch, *branch[0].iterdescendants()))
        or any(_chrome(node, CHROME_TAGS, CHROME_RE) for node in branch)
        or any(len(a.text_content().split()) >= CARD_LINK_WORDS for node in branch for a in node.iter("a"))
    )


def _read(text: str, now: datetime | None, tz: str) -> tuple[ParsedDate, bool] | None:
    """(date, read loosely) for a date line; None for clocks, modified lines, 12-hour times and prose.

    Loosely: parse_date(strict=False) on a short block, else strictly on its longest run of fields
    ("Автор: … | 10 сентября 2024, 11:25 | Государство"), never after ``now``. Every reading needs a time,
    a year or a relative day: "13 Aug" alone is a badge a later year reads wrong (AEB vortexcannon.org).
    """
    if not DIGIT_RE.search(text) and len(text.split()) > RELATIVE_MAX_WORDS:
        return None  # cheap refusal of most blocks: a date without a number is "Вчера" or "час назад"
    if is_clock_line(text) or MODIFIED_TEXT_RE.search(text) or TWELVE_HOUR_RE.search(text):
        return None
    loose = (parsed := parse_date(text, now=now, tz=tz)) is None
    if loose and sum(any(c.isalnum() for c in word) for word in text.split()) <= LOOSE_MAX_WORDS:
        parsed = parse_date(text, now=now, tz=tz, strict=False)
        parsed = parsed or next(filter(None, (parse_date(run, now=now, tz=tz) for run in _runs(text))), None)
    if parsed is None or not (parsed.has_time or parsed.relative or YEAR_RE.search(text)):
        return None
    # later dates: strict=False keeps them (listing cards), and without ``now`` a strict reading too
    if parsed.value > latest_allowed(now, tz):
        return None
    return parsed, loose


def _runs(text: str) -> Iterator[str]:
    """The block without a view counter after its time, then runs of its fields, longest first."""
    if (trimmed := COUNTER_RE.sub("", text)) != text:
        yield trimmed  # "05.03.2024 10:15 1 234": parse_date drops a counter, not one with a thousands space
    parts = [part for part in SEPARATOR_RE.split(text) if part.strip()]
    for size in range(len(parts) - 1, 0, -1):
        yield from (" | ".join(parts[i : i + size]) for i in range(len(parts) - size + 1))


def _repeated_in_chrome(anchor: _Element, text: str) -> bool:
    """True when a date-only line also stands in the page's header, menu or footer: a site clock."""
    wanted, chrome = _squash(text), anchor.getroottree().getroot().iter("header", "nav", "footer")
    return any(anchor not in e.iterdescendants() and wanted in _squash(e.text_content()) for e in chrome)


# --- htmldate -------------------------------------------------------------------------------------------
def _htmldate(
    tree: _Element, body: Sequence[str], now: datetime | None, tz: str, url: str | None
) -> ParsedDate | None:
    """htmldate's original date, from MIN_YEAR to ``latest_allowed(now)``, or None when doubtful.

    It reads a copy without chrome, cards and story blocks (else it takes a sidebar card's or a header
    clock's date); a date-only 1st is no evidence: htmldate pads a month it cannot place to it.
    """
    latest = latest_allowed(now, tz)
    raw = find_date(_without_decoys(tree, body), max_date=latest, **HTMLDATE)
    found = parse_date(raw[:10] if raw.endswith(" 00:00:00") else raw, now=now, tz=tz) if raw else None
    if found is None or found.value > latest or (not found.has_time and found.value.day == 1):
        return None  # max_date bounds htmldate by the day only
    from_url = date_from_url(url, now=now, tz=tz) if url else None
    return None if from_url and (not found.has_time or found.value.date() != from_url.value.date()) else found


def _without_decoys(tree: _Element, body: Sequence[str]) -> _Element:
    """A copy of the page without chrome, cards of other stories and blocks of the story itself."""
    copy = deepcopy(tree)
    story, doomed = _squash(" ".join(body)), []
    for element in copy.iter(*HTMLDATE_PRUNED):
        # Only a block with a number in it can show a date: the others are not worth reading.
        text = _text(element, STORY_BLOCK_CHARS) if DIGIT_RE.search(element.text or "") else None
        if _chrome(element, HTMLDATE_CHROME, CHROME_RE) or (text and _squash(text) in story):
            doomed.append(element)
        elif element.tag == "a" and len(element.text_content().split()) >= CARD_LINK_WORDS:
            doomed.append(element.getparent())
    for element in dict.fromkeys(doomed):  # a card's block comes once per long link
        element.drop_tree()
    return copy
