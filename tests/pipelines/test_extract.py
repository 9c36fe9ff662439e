from unittest import mock

import lxml.html
import pytest

import pipelines.extract as extract_module
from bench.aeb import AEB_DIR, load_pages, shingle_match
from pipelines.extract import ExtractedBody, extract_body
from pipelines.htmlpage import parse_html
from pipelines.options import Layout

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


def _page(extra_paragraphs: str = "", head: str = "") -> str:
    body = "".join(f"<p>{s}</p>" for s in SENTENCES)
    return (
        f"<html><head><title>{TITLE} | City News</title>{head}</head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>{TITLE}</h1>{body}{extra_paragraphs}</article>"
        "<footer><p>© City News 2024. All rights reserved.</p></footer></body></html>"
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


@pytest.mark.skipif(not AEB_DIR.exists(), reason=f"AEB not found at {AEB_DIR}")
def test_recall_fallback_recovers_an_article_precision_mode_misses():
    # AEB barrons.com page: precision mode keeps only a 260-character reprint notice
    page = next(p for p in load_pages() if p.url.startswith("https://www.barrons.com/"))
    tree = parse_html(page.html)
    with mock.patch.object(extract_module, "FALLBACK_MAX_CHARS", 0):
        tp, _, fn = shingle_match(page.truth, "\n".join(extract_body(tree, page.url).paragraphs))
        assert tp / (tp + fn) < 0.1
    tp, _, fn = shingle_match(page.truth, "\n".join(extract_body(tree, page.url).paragraphs))
    assert tp / (tp + fn) > 0.9
