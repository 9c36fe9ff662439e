import csv
import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from html import escape
from pathlib import Path

import pytest

from pipelines import pagedates
from pipelines.extract import extract_body
from pipelines.htmlpage import parse_html
from pipelines.pagedates import HTMLDATE_EVIDENCE, TEXT_EVIDENCE, visible_date
from pipelines.structured import read_metadata

DATA = Path(__file__).parent / "data"
TEXTS = json.loads((DATA / "pagedates_texts.json").read_text(encoding="utf-8"))
ACCURACY_FLOOR = 0.98  # acceptance: right to the minute, with its offset
DECOY_NOW = datetime.fromisoformat("2026-01-05T12:00:00+05:00")
URL = "https://example.kz/news/123456-story"  # no date in it: the URL never helps here
# Other stories' cards, each with its date: a sidebar div, Kazinform's link cards, a WordPress widget.
CARDS = {
    "cards": '<div class="news-card"><a href="/n/{i}/">{title}</a><span class="date">{date}</span></div>',
    "cards_a": '<a href="/n/{i}/" class="news-card"><time class="meta">{date}</time><h3>{title}</h3></a>',
    "cards_li": '<li class="post"><a href="/n/{i}/">{title}</a> <span class="post-date">{date}</span></li>',
}


def _load_cases() -> list[tuple[str, ...]]:
    with (DATA / "pagedates_cases.tsv").open(encoding="utf-8", newline="") as fh:
        rows = [row for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE) if row]
    return [tuple(row) for row in rows if not row[0].startswith("#")]


def _load_layouts() -> dict[str, tuple[str, str]]:
    """Layout name -> (date block template, page body template)."""
    text = (DATA / "pagedates_layouts.txt").read_text(encoding="utf-8")
    layouts = {}
    for section in text.split("\n=== ")[1:]:
        name, date_line, page = section.split("\n", 2)
        layouts[name] = (date_line.removeprefix("date: "), page)
    return layouts


LAYOUTS = _load_layouts()


def _clocks(t: dict, now: datetime) -> dict[str, str]:
    """Today's date as a site clock shows it: bare, with a weekday, after a "today" label."""
    month = t["months"][now.month - 1]
    bare = f"{month} {now.day}, {now.year}" if t["clock_order"] == "mdy" else f"{now.day} {month} {now.year}"
    weekday = f"{t['weekdays'][now.weekday()]}, {bare}"
    return {"clock_bare": bare, "clock_weekday": weekday, "clock_today": f"{t['today_label']} {bare}"}


def render(layout: str, t: dict, date: str, now: datetime) -> str:
    """A whole page in ``layout`` and the language of ``t``, showing ``date`` (no date line when empty)."""
    date_template, body = LAYOUTS[layout]
    # The story holds decoys: a dated sentence and a paragraph that is only a date.
    story = [t["story"][0], t["story"][1], t["story_date_line"], t["story"][2], t["story"][3]]
    keys = ("site", "title", "lead", "rubric", "author", "author_label", "caption", "footer")
    fields = {key: escape(t[key]) for key in keys} | _clocks(t, now)
    cards = [
        {"i": i, "title": escape(title), "date": escape(shown)} for i, (title, shown) in enumerate(t["cards"])
    ]
    fields |= {name: "".join(card.format(**c) for c in cards) for name, card in CARDS.items()}
    fields |= {
        "home": escape(t["nav"][0]),
        "nav": "".join(f'<a href="/section/{i}/">{escape(item)}</a> ' for i, item in enumerate(t["nav"])),
        "story": "".join(f"<p>{escape(p)}</p>" for p in story),
        "date_block": date_template.format(date=escape(date)) if date else "",
    }
    head = f'<meta charset="utf-8"><title>{fields["title"]} | {fields["site"]}</title>'
    head += '<meta property="og:type" content="website">'  # diapazon.kz: no article markup at all
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body.format_map(fields)}</body></html>"


@dataclass(frozen=True)
class Page:
    id: str
    html: str
    now: datetime
    expected: str | None  # isoformat of the page's date; None on a decoy-only page


def _build_pages() -> dict[str, Page]:
    """Each date line in two layouts (rotating: every layout meets every language), then decoy-only pages."""
    pages, names = [], sorted(LAYOUTS)
    for index, (lang, shown, now, expected, _seen) in enumerate(_load_cases()):
        fetched_at = datetime.fromisoformat(now)
        for layout in (names[index % len(names)], names[(index + 3) % len(names)]):
            html = render(layout, TEXTS[lang], shown, fetched_at)
            pages.append(Page(f"{layout}-{lang}-{shown}", html, fetched_at, expected))
    for layout in names:
        for lang, texts in TEXTS.items():
            html = render(layout, texts, "", DECOY_NOW)
            pages.append(Page(f"decoys-{layout}-{lang}", html, DECOY_NOW, None))
    return {page.id: page for page in pages}


PAGES = _build_pages()


@cache
def _run(page_id: str) -> tuple[tuple[str, str] | None, bool]:
    """(isoformat, evidence) of visible_date called as the core would; whether read_metadata saw a date."""
    page = PAGES[page_id]
    tree = parse_html(page.html)
    meta = read_metadata(tree, URL)
    body = extract_body(tree, URL)
    title = meta.title or body.title
    found = visible_date(tree, title=title, body=body.paragraphs, now=page.now, tz="Asia/Almaty", url=URL)
    return (found[0].value.isoformat(), found[1]) if found else None, bool(meta.published)


class TestPageSet:
    def test_set_is_big_enough_and_has_no_structured_dates(self):
        assert sum(page.expected is not None for page in PAGES.values()) >= 100
        assert len(LAYOUTS) == 10
        assert not any(_run(page_id)[1] for page_id in PAGES)

    @pytest.mark.parametrize("page_id", sorted(PAGES))
    def test_page(self, page_id):
        page, (found, _) = PAGES[page_id], _run(page_id)
        assert found == ((page.expected, TEXT_EVIDENCE) if page.expected else None)

    def test_accuracy_and_no_decoy_taken(self):
        results = {page_id: _run(page_id)[0] for page_id in PAGES}
        dated = [p for p in PAGES.values() if p.expected]
        right = sum(results[p.id] == (p.expected, TEXT_EVIDENCE) for p in dated)
        wrong = {p.id: found for p in PAGES.values() if (found := results[p.id]) and found[0] != p.expected}
        print(f"visible dates right: {right}/{len(dated)} ({right / len(dated):.1%}); wrong taken: {wrong}")
        assert right / len(dated) >= ACCURACY_FLOOR
        assert not wrong


# --- single behaviours -----------------------------------------------------------------------------------
NOW = datetime.fromisoformat("2024-03-06T12:00:00+05:00")
RU = TEXTS["ru"]
STORY = "".join(f"<p>{escape(p)}</p>" for p in RU["story"])


def _visible(head: str, header: str, now: datetime = NOW, url: str | None = URL, chrome: str = ""):
    """visible_date of a page with ``head`` markup, ``header`` between the headline and the story."""
    html = f"<html><head>{head}</head><body>{chrome}<h1>{RU['title']}</h1>{header}{STORY}</body></html>"
    tree = parse_html(html)
    assert not read_metadata(tree, url).published
    body = extract_body(tree, url).paragraphs
    found = visible_date(tree, title=RU["title"], body=body, now=now, tz="Asia/Almaty", url=url)
    return (found[0].value.isoformat(), found[1]) if found else None


class TestVisibleDate:
    def test_htmldate_reads_a_date_our_structured_reader_does_not(self):
        found = _visible('<meta name="date" content="2024-03-05T10:15:00+05:00">', "")
        assert found == ("2024-03-05T10:15:00+05:00", HTMLDATE_EVIDENCE)

    def test_htmldate_date_after_now_is_refused(self):
        # htmldate then falls back to the month, 2024-03-01: a date-only 1st is never taken from it
        assert _visible('<meta name="date" content="2024-03-07T10:15:00+05:00">', "") is None

    @pytest.mark.parametrize(
        ("url", "content", "expected"),
        [
            ("https://x.kz/2024/03/04/story", "2024-03-05T10:15:00+05:00", None),  # another day: URL wins
            ("https://x.kz/2024/03/05/story", "2024-03-05T10:15:00+05:00", "2024-03-05T10:15:00+05:00"),
            ("https://x.kz/2024/03/05/story", "2024-03-05", None),  # adds nothing to the URL's day
        ],
    )
    def test_htmldate_beside_a_url_date_counts_only_on_its_day_with_a_time(self, url, content, expected):
        found = _visible(f'<meta name="date" content="{content}">', "", url=url)
        assert found == ((expected, HTMLDATE_EVIDENCE) if expected else None)

    def test_htmldate_never_runs_when_a_line_is_visible(self, monkeypatch):
        monkeypatch.setattr(pagedates, "find_date", lambda *a, **k: pytest.fail("htmldate ran"))
        assert _visible("", "<div>05.03.2024, 10:15</div>") == ("2024-03-05T10:15:00+05:00", TEXT_EVIDENCE)

    def test_modified_line_is_never_the_publication_date(self):
        header = (
            '<div class="meta"><span>Обновлено: 6 марта 2024, 09:00</span> <span>5 марта 2024, 10:15</span>'
        )
        assert _visible("", header + "</div>") == ("2024-03-05T10:15:00+05:00", TEXT_EVIDENCE)
        assert _visible("", '<div class="date-updated">6 марта 2024, 09:00</div>') is None

    def test_naive_now_is_wall_time_in_tz(self):
        naive = _visible("", "<div>Вчера, 23:41</div>", now=NOW.replace(tzinfo=None))
        assert (
            naive == _visible("", "<div>Вчера, 23:41</div>") == ("2024-03-05T23:41:00+05:00", TEXT_EVIDENCE)
        )

    def test_date_only_line_also_in_the_page_header_is_a_clock(self):
        clock = "<header><span>6 марта 2024</span></header>"
        assert _visible("", '<div class="date">6 марта 2024</div>', chrome=clock) is None

    def test_day_only_date_of_the_fetch_day_above_the_headline_is_a_clock(self):
        assert _visible("", "", chrome='<div class="current-date">6 марта 2024</div>') is None
        found = _visible("", "", chrome='<div class="article__info">5 марта 2024</div>')  # phys.org (AEB)
        assert found == ("2024-03-05T00:00:00+05:00", TEXT_EVIDENCE)

    def test_site_name_heading_is_not_the_headline(self):
        masthead = (
            f'<div class="masthead"><h1>{RU["site"]}</h1><div class="date-time">6 марта 2024</div></div>'
        )
        found = _visible("", "<div>5 марта 2024, 10:15</div>", chrome=masthead)
        assert found == ("2024-03-05T10:15:00+05:00", TEXT_EVIDENCE)

    def test_day_and_month_without_year_or_time_is_refused(self):
        assert _visible("", '<div class="post-date">13 Aug</div>') is None

    def test_year_less_date_with_a_time_takes_the_latest_year(self):
        assert _visible("", "<div>24 июля 10:00</div>") == ("2023-07-24T10:00:00+06:00", TEXT_EVIDENCE)

    @pytest.mark.parametrize(
        "shown", ["19 ноября 2099, 10:00", "19.11.2099 10:00 | Политика", "19 ноября 2099"]
    )
    def test_a_line_after_now_is_no_date(self, shown):
        assert _visible("", f'<div class="date">{shown}</div>') is None

    @pytest.mark.parametrize("shown", ["19 ноября 2099, 10:00", "19.11.2099 10:00 | Политика"])
    def test_without_now_a_line_after_the_real_clock_is_no_date(self, shown):
        assert _visible("", f'<div class="date">{shown}</div>', now=None) is None
        assert _visible("", '<div class="date">5 марта 2024, 10:15</div>', now=None) == (
            "2024-03-05T10:15:00+05:00",
            TEXT_EVIDENCE,
        )

    def test_without_now_htmldate_stops_at_the_real_clock(self):
        assert _visible('<meta name="date" content="2099-03-07T10:15:00+05:00">', "", now=None) is None


# Forms parse_date does not read (dates.py is not ours to change): never a wrong date, at worst None or the
# right day from htmldate.
MISSING_FORMS = [
    ("March 5, 2024 3:15 PM", "2024-03-05T15:15:00+05:00"),  # 12-hour clock: loosely read as 03:15
    ("Mar 5, 2024 10:15 AM", "2024-03-05T10:15:00+05:00"),
    ("05.03.2024 10.15", "2024-03-05T10:15:00+05:00"),  # time with a dot
    ("2024.03.05 10:15", "2024-03-05T10:15:00+05:00"),  # year first with dots
    ("только что", "2024-03-06T12:00:00+05:00"),  # "just now"
    ("наурыздың 5-і, 2024", "2024-03-05T00:00:00+05:00"),  # kk genitive month + ordinal suffix
]


@pytest.mark.parametrize(("shown", "right"), MISSING_FORMS)
def test_forms_parse_date_misses_never_give_a_wrong_date(shown, right):
    found = _visible("", f'<div class="date">{shown}</div>')
    assert found is None or found[0] in (right, f"{right[:10]}T00:00:00{right[-6:]}")
