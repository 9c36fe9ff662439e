from unittest import mock

import lxml.html

import pipelines.extract as extract_module
from bench.aeb import AEB_DIR, load_pages, shingle_match
from pipelines.extract import ExtractedBody, extract_body
from pipelines.htmlpage import parse_html
from pipelines.options import Layout
from tests.services import require_shared

SENTENCES = [
    "The regional administration approved a new plan for the river embankment on Tuesday morning.",
    "Officials said the work would start in spring and last about two years, depending on the weather.",
    "Residents of the nearby district asked for more bus routes while the main road is being rebuilt.",
    "The plan also includes a park, two playgrounds and a cycle path along the whole length of the river.",
    "According to the akimat, the total cost of the project is estimated at four billion tenge this year.",
    "Contractors will be chosen through an open tender that is to be announced at the end of the month.",
    "Local deputies promised to publish regular reports on how the money is spent during construction.",
    "Environmental groups welcomed the decision but asked that old trees along the bank be preserved.",
    "The first stage covers the central part of the embankment between the two oldest bridges in town.",
    "Engineers expect the new walls to protect the district from spring floods for the next fifty years.",
]
TITLE = "Akimat approves river embankment plan for the city"
PROMO = "Subscribe to our weekly newsletter and never miss the most important stories of the week again"
INTRODUCTION = [*SENTENCES, *(f"{s[:-1]}, the akimat said of the plan in 2019." for s in SENTENCES[:6])]
LEAD = "The city will rebuild its river embankment over two years, the akimat decided after months of debate."
EVENTS = [
    ("July 15, 1960", "The first expedition reached the northern shore of the lake after a long march."),
    ("March 3, 1961", "Engineers finished the survey of the valley and proposed a site near the village."),
    ("May 9, 1965", "The regional newspaper published the first photographs of the builders at work."),
    ("August 21, 1968", "A flood damaged the lower camp, and the builders moved their machines uphill."),
    ("1972", "The minister opened the dam, and water reached the irrigation channels in the south."),
    ("1975", "Farmers in three districts planted rice for the first time with water from the dam."),
    ("1979", "A second turbine hall doubled the power the station sends to the railway towns."),
    ("1983", "The builders' settlement became a town with its own school, hospital and station."),
    ("1986", "Biologists counted the fish of the reservoir and found two native species had returned."),
    ("1991", "The station passed to the new national grid company together with its two hundred workers."),
    ("1995", "Fishing from boats was allowed again on the eastern shore after a decade of bans."),
    ("1998", "Volunteers cleaned the reservoir and pulled old boats, nets and tyres from its bays."),
    ("2004", "A museum of the construction opened in the old administration building by the dam."),
    ("2011", "Divers inspected the foundations and found them sound after forty years of service."),
    ("2016", "New gates were fitted to the spillway, as the divers' report had recommended."),
    ("2019", "The akimat approved a plan for a cycle path along the whole length of the reservoir."),
]


def _page(extra_paragraphs: str = "", head: str = "") -> str:
    body = "".join(f"<p>{s}</p>" for s in SENTENCES)
    return (
        f"<html><head><title>{TITLE} | City News</title>{head}</head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>{TITLE}</h1>{body}{extra_paragraphs}</article>"
        "<footer><p>© City News 2024. All rights reserved.</p></footer></body></html>"
    )


def _timeline_page() -> str:
    """A chronology after an introduction: precision mode deletes its dated paragraphs, the bulk of the text.

    The dates follow an empty anchor or sit in <strong><time>, which trafilatura's cleaning empties.
    """
    source = "The museum's chronicle names everyone who took part in these events."
    events = "".join(
        f'<p><span class="anchor" id="e{i}"></span>{date}: {text} {source}</p>'
        if i % 2
        else f'<p><strong><time datetime="{date}">{date}</time></strong> — {text} {source}</p>'
        for i, (date, text) in enumerate(EVENTS)
    )
    intro = "".join(f"<p>{s}</p>" for s in INTRODUCTION)
    return (
        "<html><head><title>History of the dam</title></head><body><article><h1>History of the dam</h1>"
        f"{intro}{events}</article></body></html>"
    )


def _blog_post_page() -> str:
    """A post laid out with <br>, no <p>, each line after an empty <span> an editor left behind."""
    lines = "".join(f'<span class="s1"></span>{s}<br>' for s in SENTENCES)
    return (
        "<html><head><title>My trip</title></head><body><div id='blog'><div class='post'>"
        "<div class='post-date'>Sunday, March 3, 2019</div>"
        f"<div class='post-body entry-content'>{lines}</div></div></div></body></html>"
    )


def _split_page() -> str:
    """The body cut into two chunks of one class, each in its own ad-rail wrapper, an ad between them."""
    chunk = '<div class="grid"><div class="article-body">{}</div><aside class="rail">Ad</aside></div>'
    first, second = ("".join(f"<p>{s}</p>" for s in part) for part in (SENTENCES[:5], SENTENCES[5:]))
    return (
        f"<html><head><title>{TITLE}</title></head><body><article><h1>{TITLE}</h1><div class='chunks'>"
        f"{chunk.format(first)}<div class='ad'>Advertisement</div>{chunk.format(second)}</div></article>"
        "</body></html>"
    )


LAYOUT_PAGE = """<html><head><title>Title tag</title></head><body>
<h1 class="headline">Layout headline</h1>
<div class="lead">The lead paragraph.</div>
<time class="pub" datetime="2024-04-18T10:15:00+05:00">18 April, 10:15</time>
<span class="author"> Aigerim  Tleubayeva </span>
<a class="section">Politics</a>
<div class="tags"><a class="tag">floods</a><a class="tag">budget</a><a class="tag">floods</a></div>
<div class="article-body">
  <p>First paragraph with <b>bold</b> words.</p>
  <div class="banner"><p>Read also: another story</p></div>
  <ul><li>first item</li><li>second item</li></ul>
  <h2>A subheading</h2>
  <p>Line one<br>line two</p>
  <script>var ad = 1;</script>
  <blockquote><p>A quoted paragraph.</p></blockquote>
</div>
</body></html>"""

UNMATCHED = Layout(body="div.no-such-body")
LAYOUT = Layout(
    title="h1.headline",
    lead="div.lead",
    body="div.article-body",
    published="time.pub",
    author="span.author",
    section="a.section",
    tags="a.tag",
    drop=(".banner",),
)


class TestLayoutPath:
    def test_takes_paragraph_like_elements_without_dropped_ones(self):
        result = extract_body(lxml.html.fromstring(LAYOUT_PAGE), layout=LAYOUT)
        assert result.paragraphs == (
            "First paragraph with bold words.",
            "first item",
            "second item",
            "A subheading",
            "Line one",
            "line two",
            "A quoted paragraph.",
        )

    def test_reads_title_lead_and_raw_fields(self):
        result = extract_body(lxml.html.fromstring(LAYOUT_PAGE), layout=LAYOUT)
        assert (result.title, result.lead) == ("Layout headline", "The lead paragraph.")
        assert dict(result.layout_fields) == {
            "published": "2024-04-18T10:15:00+05:00",
            "author": "Aigerim Tleubayeva",
            "section": "Politics",
            "tags": "floods, budget",
        }

    def test_leaves_the_tree_unchanged(self):
        tree = lxml.html.fromstring(LAYOUT_PAGE)
        before = lxml.html.tostring(tree)
        extract_body(tree, layout=LAYOUT)
        assert lxml.html.tostring(tree) == before

    def test_unmatched_body_selector_falls_back_to_trafilatura(self):
        result = extract_body(parse_html(_page()), layout=Layout(body="div.no-such-body"))
        assert result.paragraphs == tuple(SENTENCES)
        assert result.layout_fields == {}

    def test_says_how_the_body_was_found(self):
        assert extract_body(lxml.html.fromstring(LAYOUT_PAGE), layout=LAYOUT).extraction == "layout"
        for layout, extraction in (
            (None, "generic"),
            (Layout(title="h1"), "generic"),
            (UNMATCHED, "fallback"),
        ):
            assert extract_body(parse_html(_page()), layout=layout).extraction == extraction

    def test_a_selector_left_on_a_remnant_falls_back_to_trafilatura(self):
        # after a redesign the old body selector still matches the first paragraph only
        html = _page().replace(f"<p>{SENTENCES[0]}</p>", f'<div class="old-body"><p>{SENTENCES[0]}</p></div>')
        result = extract_body(parse_html(html), layout=Layout(body="div.old-body"))
        assert result.extraction == "fallback"
        assert result.paragraphs == tuple(SENTENCES)

    def test_a_short_article_found_by_its_layout_stays_with_the_layout(self):
        html = _page().replace("<article>", '<article class="body">')
        with mock.patch.object(extract_module, "LAYOUT_MIN_COVERAGE", 2.0):  # force the comparison
            result = extract_body(parse_html(html), layout=Layout(body="article.body", drop=("h1",)))
        assert result.extraction == "layout"
        assert result.paragraphs == tuple(SENTENCES)

    def test_a_layout_holding_the_text_never_runs_trafilatura(self):
        with mock.patch.object(extract_module, "bare_extraction") as trafilatura:
            extract_body(lxml.html.fromstring(LAYOUT_PAGE), layout=LAYOUT)
        trafilatura.assert_not_called()


class TestTrafilaturaPath:
    def test_returns_paragraphs_without_the_repeated_headline(self):
        result = extract_body(parse_html(_page()))
        assert isinstance(result, ExtractedBody)
        assert result.paragraphs == tuple(SENTENCES)
        assert result.title == TITLE

    def test_keeps_the_headline_when_the_check_is_off(self):
        with mock.patch.object(extract_module, "TITLE_LOOKAHEAD", 0):
            assert extract_body(parse_html(_page())).paragraphs[0] == TITLE

    def test_leaves_the_tree_unchanged(self):
        tree = parse_html(_page())
        before = lxml.html.tostring(tree)
        extract_body(tree)
        assert lxml.html.tostring(tree) == before

    def test_json_ld_body_drops_paragraphs_it_does_not_contain(self):
        html = _page(f"<p>{PROMO}</p>")
        assert PROMO in extract_body(parse_html(html)).paragraphs
        result = extract_body(parse_html(html), json_ld_body="\n".join(SENTENCES))
        assert result.paragraphs == tuple(SENTENCES)

    def test_short_json_ld_body_is_not_evidence(self):
        html = _page(f"<p>{PROMO}</p>")
        assert PROMO in extract_body(parse_html(html), json_ld_body=SENTENCES[0]).paragraphs

    def test_empty_page_gives_no_paragraphs(self):
        assert extract_body(parse_html("<html><body></body></html>")).paragraphs == ()

    def test_an_ordinary_page_runs_trafilatura_once(self):
        with mock.patch.object(
            extract_module, "bare_extraction", wraps=extract_module.bare_extraction
        ) as run:
            assert extract_body(parse_html(_page())).paragraphs == tuple(SENTENCES)
        assert run.call_count == 1

    def test_json_ld_cross_check_keeps_a_lead_equal_to_the_description(self):
        # nur.kz: the articleBody leaves out the bold lead, which is the page's og:description
        html = _page(f"<p>{PROMO}</p>").replace(f"<h1>{TITLE}</h1>", f"<h1>{TITLE}</h1><p><b>{LEAD}</b></p>")
        json_ld = "\n".join(SENTENCES)
        assert LEAD not in extract_body(parse_html(html), json_ld_body=json_ld).paragraphs
        for description in (LEAD, LEAD[:60] + "..."):
            result = extract_body(parse_html(html), json_ld_body=json_ld, description=description)
            assert result.paragraphs == (LEAD, *SENTENCES)

    def test_drops_paragraphs_made_of_another_story_s_link(self):
        related = (
            '<p>Read also: <a href="/floods">Floods hit the northern districts again this spring</a></p>'
        )
        inline = '<p>The <a href="/akimat">akimat</a> will publish the tender documents next week.</p>'
        result = extract_body(parse_html(_page(related + inline)))
        assert result.paragraphs == (*SENTENCES, "The akimat will publish the tender documents next week.")

    def test_merges_a_body_split_into_chunks_on_a_copy(self):
        tree = parse_html(_split_page())
        before = lxml.html.tostring(tree)
        assert extract_body(tree).paragraphs == tuple(SENTENCES)
        assert lxml.html.tostring(tree) == before
        with mock.patch.object(extract_module, "merged_chunks", return_value=None):
            assert extract_body(tree).paragraphs == tuple(SENTENCES[:5])  # trafilatura keeps the first chunk


class TestRecallFallback:
    def test_recovers_dated_paragraphs_precision_mode_deletes(self):
        # "July 15, 1960: ..." after an empty anchor, "1998 — ..." after <strong><time>: precision mode
        # deletes the text following an element it empties, and still keeps over 1,500 characters
        tree = parse_html(_timeline_page())
        with mock.patch.object(extract_module, "FALLBACK_COVERAGE", 0):
            kept = "\n".join(extract_body(tree).paragraphs)
        assert len(kept) > 1500
        assert not any(text in kept for _, text in EVENTS)
        paragraphs = "\n".join(extract_body(tree).paragraphs)
        assert all(text in paragraphs for _, text in EVENTS)
        assert all(sentence in paragraphs for sentence in INTRODUCTION)

    def test_counts_text_laid_out_with_br_outside_p(self):
        # precision mode keeps the date line only; the page has no <p> text to compare it with
        tree = parse_html(_blog_post_page())
        with mock.patch.object(extract_module, "FALLBACK_COVERAGE", 0):
            assert extract_body(tree).paragraphs == ("Sunday, March 3, 2019",)
        assert extract_body(tree).paragraphs[-len(SENTENCES) :] == tuple(SENTENCES)


class TestControlCharacters:
    def test_are_deleted_before_parsing_as_trafilatura_does(self):
        # trafilatura's loader deletes them; lxml keeps them, and trafilatura then drops the page or raises
        html = _page().replace(f"<h1>{TITLE}</h1>", "<h1>Akimat\x0b approves\x0c plan\x00</h1>")
        html = html.replace(SENTENCES[0], SENTENCES[0] + "\x0b\x1f\ufffe")
        for page in (html, html.encode("utf-8")):
            tree = parse_html(page)
            assert "\x0b" not in tree.text_content() and "\ufffe" not in tree.text_content()
            assert extract_body(tree).paragraphs == tuple(SENTENCES)

    def test_tab_and_newline_stay(self):
        tree = parse_html("<html><body><pre>a\tb\nc</pre></body></html>")
        assert tree.findtext(".//pre") == "a\tb\nc"


def test_recall_fallback_recovers_an_article_precision_mode_misses():
    # AEB barrons.com page: precision mode keeps only a 260-character reprint notice
    page = next(
        p for p in load_pages(require_shared(AEB_DIR)) if p.url.startswith("https://www.barrons.com/")
    )
    tree = parse_html(page.html)
    with mock.patch.object(extract_module, "FALLBACK_COVERAGE", 0):
        tp, _, fn = shingle_match(page.truth, "\n".join(extract_body(tree, page.url).paragraphs))
        assert tp / (tp + fn) < 0.1
    tp, _, fn = shingle_match(page.truth, "\n".join(extract_body(tree, page.url).paragraphs))
    assert tp / (tp + fn) > 0.9
