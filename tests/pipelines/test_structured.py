import codecs
import json
import time

import lxml.etree
import pytest

from pipelines import htmlpage
from pipelines.article import Translation
from pipelines.htmlpage import decode_html, parse_html
from pipelines.structured import DateCandidate, read_metadata
from tests.conftest import SHARED

HTML = SHARED / "research" / "html"
NUR_ARTICLE = HTML / "nur" / "nur_article_2086925_2024-04-18_blade-modified.html"
NUR_URL = (
    "https://www.nur.kz/politics/kazakhstan/"
    "2086925-bolshe-17-mlrd-tenge-hoteli-neratsionalno-potratit-na-borbu-s-pavodkami-v-kazahstane/"
)
NUR_LISTING = HTML / "nur" / "nur_politics_listing_2024_blade-modified.html"
TENGRI_HOME = HTML / "tengrinews" / "tengrinews_homepage_2024-10_nuraiymb-index.html"

KAZINFORM_URL = "https://www.inform.kz/ru/skolko-stoyat-uslugi-advokatov-v-kazahstane-cdaf32"
# Head of a 2026 Kazinform article as its scrapers describe it (kz-sites.md §2): meta NAME= for
# article:published_time, meta author, og:title with the agency suffix, hreflang per edition.
KAZINFORM_HEAD = f"""<!DOCTYPE html>
<html lang="ru"><head>
<meta charset="UTF-8">
<title>Сколько стоят услуги адвокатов в Казахстане | Kazinform</title>
<meta name="description" content="Минюст назвал  средние  расценки на услуги адвокатов.">
<meta name="article:published_time" content="2026-01-25T02:46:00+05:00">
<meta name="author" content="Айгерим Тлеубаева">
<meta property="og:type" content="article">
<meta property="og:title" content="Сколько стоят услуги адвокатов в Казахстане | Kazinform">
<meta property="og:url" content="{KAZINFORM_URL}">
<meta property="og:image" content="https://static.inform.kz/photos/2026/01/25/a1.jpg">
<link rel="alternate" hreflang="ru" href="{KAZINFORM_URL}">
<link rel="alternate" hreflang="kk" href="https://www.inform.kz/kz/advokattar-kyzmetinin-baghasy-4be1c0">
<link rel="alternate" hreflang="en" href="https://qazinform.com/news/how-much-do-lawyers-cost-9d2e11">
<link rel="alternate" hreflang="qz" href="https://qz.inform.kz/news/advokattar-qyzmetininn-bagasy-77a0f1/">
<link rel="alternate" hreflang="x-default" href="https://www.inform.kz/">
</head><body>
<div class="article__date">02:46, 25 Январь 2026 | GMT +5</div>
<h1 class="article__title">Сколько стоят услуги адвокатов в Казахстане</h1>
<div class="article__body-text"><p>АСТАНА. KAZINFORM – Текст новости.</p></div>
</body></html>"""


def meta_of(html: str, url: str | None = "https://example.kz/news/a-1/"):
    return read_metadata(parse_html(html), url)


def page(head: str = "", body: str = "", lang: str = "ru") -> str:
    head = f'<meta charset="utf-8">{head}'
    return f'<!DOCTYPE html><html lang="{lang}"><head>{head}</head><body>{body}</body></html>'


def ld(json_text: str) -> str:
    return f'<script type="application/ld+json">{json_text}</script>'


class TestDecodeHtml:
    RU = "Главные новости Казахстана: погода, курс тенге и происшествия за сегодня."

    def test_content_type_header_charset_decodes_cp1251(self):
        body = f"<html><head><title>{self.RU}</title></head><body></body></html>".encode("cp1251")
        assert self.RU in decode_html(body, {"Content-Type": "text/html; charset=windows-1251"})

    def test_meta_charset_alone_decodes_cp1251(self):
        body = f'<html><head><meta charset="windows-1251"><title>{self.RU}</title></head></html>'.encode(
            "cp1251"
        )
        assert self.RU in decode_html(body, {})

    def test_meta_http_equiv_decodes_cp1251(self):
        head = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
        body = f"<html><head>{head}<title>{self.RU}</title></head></html>".encode("cp1251")
        assert self.RU in decode_html(body)

    def test_header_wins_over_a_wrong_meta(self):
        body = f'<html><head><meta charset="utf-8"><title>{self.RU}</title></head></html>'.encode("cp1251")
        assert self.RU in decode_html(body, {"content-type": "text/html; charset=cp1251"})

    def test_bom_wins_over_header(self):
        body = codecs.BOM_UTF8 + f"<html><title>{self.RU}</title></html>".encode()
        text = decode_html(body, {"Content-Type": "text/html; charset=windows-1251"})
        assert self.RU in text and not text.startswith("\ufeff")

    def test_scrapy_style_headers_with_bytes(self):
        body = f"<html><title>{self.RU}</title></html>".encode("cp1251")
        assert self.RU in decode_html(body, {b"Content-Type": [b"text/html; charset=windows-1251"]})

    def test_undeclared_cp1251_is_detected(self):
        text = " ".join(
            [self.RU] * 3 + ["Министр рассказал журналистам о планах правительства на следующий год."]
        )
        body = f"<html><head><title>Новости</title></head><body><p>{text}</p></body></html>".encode("cp1251")
        assert text in decode_html(body)

    def test_undeclared_utf8_stays_utf8(self):
        body = f"<html><body><p>{self.RU} Қазақстан жаңалықтары</p></body></html>".encode()
        assert "Қазақстан жаңалықтары" in decode_html(body)

    @pytest.mark.parametrize(
        "label",
        ["base64", "hex", "zlib", "rot13", "uu", "idna", "punycode", "undefined", "unicode_escape", "bogus"],
    )
    def test_a_charset_that_is_no_text_encoding_counts_as_undeclared(self, label):
        body = f"<html><body><p>{self.RU} Қазақстан</p></body></html>".encode()
        assert f"{self.RU} Қазақстан" in decode_html(body, {"Content-Type": f"text/html; charset={label}"})
        assert f"{self.RU} Қазақстан" in decode_html(f'<meta charset="{label}">'.encode() + body)
        cp1251 = f'<meta charset="windows-1251"><p>{self.RU}</p>'.encode("cp1251")
        assert self.RU in decode_html(cp1251, {"Content-Type": f"text/html; charset={label}"})  # the meta

    def test_a_header_s_utf8_over_a_cp1251_page_naming_its_encoding_is_a_server_default(self):
        body = f'<html><head><meta charset="windows-1251"></head><p>{self.RU}</p></html>'
        assert self.RU in decode_html(body.encode("cp1251"), {"Content-Type": "text/html; charset=utf-8"})
        utf8 = {"Content-Type": "text/html; charset=utf-8"}  # and UTF-8 bytes keep the header
        assert self.RU in decode_html(body.encode(), utf8)

    def test_a_meta_naming_utf16_in_an_ascii_page_is_utf8(self):
        body = f'<html><head><meta charset="utf-16"></head><body><p>{self.RU}</p></body></html>'.encode()
        assert self.RU in decode_html(body)

    def test_utf8_with_a_few_broken_bytes_stays_utf8(self):
        damaged = f"<html>\n<body><p>{self.RU}</p><p>{self.RU}</p></body></html>".encode().replace(
            b"\n", b"\xff"
        )
        decoded = decode_html(damaged + "Қ".encode()[:1])  # a flipped byte, a cut sequence
        assert decoded.count(self.RU) == 2 and decoded.count("\ufffd") == 2  # the page is not cp1250 etc.


class TestParseHtml:
    def test_bytes_are_decoded_once_and_meta_charset_is_not_reapplied(self):
        text = '<html><head><meta charset="windows-1251"><title>Қазақстан</title></head></html>'
        assert parse_html(text).findtext(".//title") == "Қазақстан"
        body = '<html><head><meta charset="windows-1251"><title>Новости дня</title></head></html>'.encode(
            "cp1251"
        )
        assert parse_html(body).findtext(".//title") == "Новости дня"

    def test_header_charset_is_used_for_bytes(self):
        body = "<html><head><title>Погода</title></head></html>".encode("cp1251")
        tree = parse_html(body, {"Content-Type": "text/html; charset=windows-1251"})
        assert tree.findtext(".//title") == "Погода"

    def test_str_with_xml_encoding_declaration(self):
        text = '<?xml version="1.0" encoding="windows-1251"?><html><head><title>Астана</title></head></html>'
        assert parse_html(text).findtext(".//title") == "Астана"

    @pytest.mark.parametrize("empty", [b"", "   ", b"<!-- nothing -->"])
    def test_empty_document_gives_an_empty_html_element(self, empty):
        tree = parse_html(empty)
        assert tree.tag == "html" and len(tree) == 0
        assert read_metadata(tree).title is None

    def test_returns_the_document_root_even_for_a_fragment(self):
        assert parse_html("<p>Текст</p>").tag == "html"

    @pytest.mark.parametrize(
        "reference", ["&#11;", "&#x0B;", "&#0011", "&#1;", "&#x1f;", "&#xFFFE;", "&#65535;"]
    )
    def test_references_to_characters_xml_forbids_are_deleted(self, reference):
        tree = parse_html(f"<html><body><h1>Ат{reference}ау</h1><p title='a{reference}b'>x</p></body></html>")
        assert tree.findtext(".//h1") == "Атау" and tree.find(".//p").get("title") == "ab"
        lxml.etree.Element("copy").text = tree.findtext(".//h1")  # what trafilatura does with it

    @pytest.mark.parametrize("reference", ["&#9;", "&#10;", "&#13;", "&#110;", "&#x7f;", "&#x1F600;", "&#0;"])
    def test_other_references_are_left_to_the_parser(self, reference):
        expected = parse_html(f"<html><body><h1>a{reference}b</h1></body></html>").findtext(".//h1")
        assert len(expected) == 3

    def test_a_tag_of_whitespace_runs_is_read_in_linear_time(self):
        started = time.perf_counter()
        tree = parse_html(b"<html><body><div" + b" " * 400_000 + b'"x>x</div><p>Text</p></body></html>')
        assert tree.findtext(".//p") == "Text" and time.perf_counter() - started < 1  # was minutes

    def test_an_element_keeps_at_most_max_attributes(self):
        attributes = " ".join(f'a{i}="{i}"' for i in range(100_000))
        tree = parse_html(f"<html><body><div {attributes}>x</div><p>Текст</p></body></html>")
        assert len(tree.find(".//div").attrib) == htmlpage.MAX_ATTRIBUTES and tree.findtext(".//p") == "Текст"
        svg = '<path d="' + "M 1 2 L 3 4 " * 2000 + '" fill="red">'
        assert parse_html(f"<html><body>{svg}</body></html>").find(".//path").get("fill") == "red"

    def test_read_metadata_does_not_change_the_tree(self):
        tree = parse_html(NUR_ARTICLE.read_bytes())
        before = lxml.etree.tostring(tree)
        read_metadata(tree, NUR_URL)
        assert lxml.etree.tostring(tree) == before


@pytest.fixture(scope="module")
def nur_meta():
    return read_metadata(parse_html(NUR_ARTICLE.read_bytes()), NUR_URL)


@pytest.fixture(scope="module")
def kazinform_meta():
    return meta_of(KAZINFORM_HEAD, KAZINFORM_URL)


class TestNurArticle:
    """Real nur.kz head + JSON-LD (2024-04-18); the blade placeholders are only in the visible body."""

    @pytest.fixture
    def meta(self, nur_meta):
        return nur_meta

    def test_title_from_json_ld_headline(self, meta):
        assert meta.title == "Госорганы хотели нерационально потратить 17 млрд тенге в Казахстане"

    def test_published_candidates_in_priority_order(self, meta):
        assert meta.published == (
            DateCandidate("json_ld", "2024-04-18T10:35:00+05:00"),
            DateCandidate("meta_article", "2024-04-18T10:35:00+05:00"),
            DateCandidate("time_element", "2024-04-18T10:35:00+05:00"),
        )

    def test_modified_candidates_in_priority_order(self, meta):
        assert [c.source for c in meta.modified] == ["json_ld", "meta_article", "og"]
        assert {c.raw for c in meta.modified} == {"2024-04-18T11:50:12+05:00"}

    def test_author_from_json_ld_list_not_the_facebook_url(self, meta):
        assert meta.author == "Кристина Кривцанова"

    def test_section_json_ld_wins_over_article_section(self, meta):
        assert meta.section == "Казахстан"  # article:section says "Политика"

    def test_tags_from_article_tag(self, meta):
        assert meta.tags == ("Казахстан", "Коррупция в Казахстане", "Асхат Жумагали")

    def test_json_ld_body_is_unescaped_full_text(self, meta):
        assert meta.json_ld_body.startswith("Как сообщается в Telegram-канале Агентства")
        assert '"окрашивания денег"' in meta.json_ld_body and "&quot;" not in meta.json_ld_body
        assert meta.json_ld_body.endswith("дадут отсрочку по кредитам.")

    def test_other_fields(self, meta):
        assert meta.description.startswith("В Антикоррупционной службе сегодня прошло совещание")
        assert meta.canonical_url == NUR_URL
        assert meta.site_name == "NUR.KZ"
        assert meta.image_credit == "NUR.KZ / Владимир Третьяков"
        assert meta.lang_hint == "ru"
        assert meta.is_article is True
        assert meta.translations == ()  # the header's kz button leads to the kaz.nur.kz front page


class TestRealNonArticles:
    def test_tengrinews_homepage(self):
        meta = read_metadata(parse_html(TENGRI_HOME.read_bytes()), "https://tengrinews.kz/")
        assert meta.is_article is False
        assert meta.published == () and meta.author is None and meta.json_ld_body is None
        assert meta.canonical_url == "https://tengrinews.kz/"
        assert meta.site_name == "Tengrinews.kz"  # JSON-LD Organization; no og:site_name there
        assert meta.lang_hint == "ru"
        assert meta.description.startswith("Tengrinews.kz - главные новости Казахстана")
        # "Қазақша | Русский | English" header links; Русский is the page itself
        assert meta.translations == (
            Translation("kk", "https://kaz.tengrinews.kz/"),
            Translation("en", "https://en.tengrinews.kz/"),
        )

    def test_tengrinews_homepage_title_loses_the_site_suffix(self):
        tree = parse_html(TENGRI_HOME.read_bytes())
        tree.find(".//h1").drop_tree()
        assert read_metadata(tree, "https://tengrinews.kz/").title == "Главные новости Казахстана"

    def test_nur_listing_hreflang_region_subtag(self):
        meta = read_metadata(parse_html(NUR_LISTING.read_bytes()), "https://www.nur.kz/politics/")
        assert meta.is_article is False  # og:type website
        assert meta.translations == (Translation("kk", "https://kaz.nur.kz/politics/"),)


class TestKazinformHead:
    @pytest.fixture
    def meta(self, kazinform_meta):
        return kazinform_meta

    def test_meta_name_published_time(self, meta):
        assert meta.published == (DateCandidate("meta_article", "2026-01-25T02:46:00+05:00"),)
        assert meta.is_article is True

    def test_title_without_agency_suffix(self, meta):
        assert meta.title == "Сколько стоят услуги адвокатов в Казахстане"

    def test_author_from_meta_name(self, meta):
        assert meta.author == "Айгерим Тлеубаева"

    def test_translations_skip_self_and_x_default_and_keep_the_site_s_own_qz(self, meta):
        assert meta.translations == (  # qz -> kk-Latn is Kazinform's hook (tests/crawler/test_hooks.py)
            Translation("kk", "https://www.inform.kz/kz/advokattar-kyzmetinin-baghasy-4be1c0"),
            Translation("en", "https://qazinform.com/news/how-much-do-lawyers-cost-9d2e11"),
            Translation("qz", "https://qz.inform.kz/news/advokattar-qyzmetininn-bagasy-77a0f1/"),
        )

    def test_canonical_falls_back_to_og_url_and_description_is_collapsed(self, meta):
        assert meta.canonical_url == KAZINFORM_URL
        assert meta.description == "Минюст назвал средние расценки на услуги адвокатов."
        assert meta.lang_hint == "ru"


class TestJsonLd:
    def test_broken_json_trailing_commas_and_raw_control_characters(self):
        broken = (
            '{"@type": "NewsArticle", "headline": "Заголовок\x01 один",\n "datePublished": "2025-05-01",}'
        )
        meta = meta_of(page(ld(broken)))
        assert meta.title == "Заголовок один"
        assert meta.published == (DateCandidate("json_ld", "2025-05-01"),)

    def test_raw_newline_inside_a_string_and_html_comment_wrapper(self):
        text = '<!-- {"@type": "NewsArticle", "articleBody": "Первый абзац.\nВторой абзац."} -->'
        assert meta_of(page(ld(text))).json_ld_body == "Первый абзац.\nВторой абзац."

    def test_entity_escaped_script(self):
        text = "{&quot;@type&quot;: &quot;Article&quot;, &quot;headline&quot;: &quot;Тест&quot;}"
        assert meta_of(page(ld(text))).title == "Тест"

    def test_invalid_escape(self):
        meta = meta_of(page(ld(r'{"@type": "NewsArticle", "headline": "Это \'цитата\'"}')))
        assert meta.title == "Это 'цитата'"

    def test_hopeless_json_never_raises_and_meta_still_counts(self):
        head = ld('{"@type": "NewsArticle", "headline": ') + '<meta property="og:title" content="Из OG">'
        meta = meta_of(page(head))
        assert meta.title == "Из OG" and meta.is_article is False

    def test_several_values_in_one_script_and_several_scripts(self):
        head = ld('{"@type": "BreadcrumbList"} {"@type": "NewsArticle", "headline": "Второй"}')
        head += ld('{"@type": "Organization", "name": "Agency"}')
        meta = meta_of(page(head))
        assert meta.title == "Второй" and meta.site_name == "Agency" and meta.is_article

    def test_graph_with_id_references(self):
        graph = """{"@context": "https://schema.org", "@graph": [
          {"@type": "WebPage", "@id": "https://ex.kz/a/#webpage", "inLanguage": "kk-KZ"},
          {"@type": ["Article", "NewsArticle"], "@id": "https://ex.kz/a/#article",
           "headline": "Жаңалық", "datePublished": "2025-03-02T09:00:00+05:00",
           "dateModified": "2025-03-02T10:00:00+05:00",
           "author": {"@id": "https://ex.kz/#/person/1"}, "publisher": {"@id": "https://ex.kz/#org"},
           "keywords": ["саясат", "Астана"], "articleSection": ["Саясат", "Қоғам"]},
          {"@type": "Person", "@id": "https://ex.kz/#/person/1", "name": "Әлия Сәрсенова"},
          {"@type": "Organization", "@id": "https://ex.kz/#org", "name": "Ex.kz"}]}"""
        meta = meta_of(page(ld(graph), lang=""))
        assert meta.title == "Жаңалық"
        assert meta.published == (DateCandidate("json_ld", "2025-03-02T09:00:00+05:00"),)
        assert meta.modified == (DateCandidate("json_ld", "2025-03-02T10:00:00+05:00"),)
        assert meta.author == "Әлия Сәрсенова"
        assert meta.site_name == "Ex.kz"
        assert meta.tags == ("саясат", "Астана")
        assert meta.section == "Саясат"
        assert meta.lang_hint == "kk"

    def test_fullest_article_node_wins(self):
        head = ld('[{"@type": "Article", "name": "related"}, {"@type": "NewsArticle", "headline": "Главная",'
                  ' "datePublished": "2025-01-01"}]')  # fmt: skip
        assert meta_of(page(head)).title == "Главная"

    def test_type_as_url(self):
        assert meta_of(page(ld('{"@type": "http://schema.org/ReportageNewsArticle"}'))).is_article

    def test_item_list_cards_are_not_the_article(self):
        listing = '{"@type": "ItemList", "itemListElement": [{"@type": "NewsArticle", "headline": "Card"}]}'
        meta = meta_of(page(ld(listing)))
        assert meta.is_article is False and meta.title is None

    def test_html_in_article_body_becomes_lines(self):
        body = '{"@type": "NewsArticle", "articleBody": "<p>Один &amp; два.</p><p>Три<br>четыре</p>"}'
        assert meta_of(page(ld(body))).json_ld_body == "Один & два.\nТри\nчетыре"

    @pytest.mark.parametrize(
        ("author", "expected"),
        [
            ('"Иван Петров"', "Иван Петров"),
            ('{"@type": "Person", "name": "Иван Петров"}', "Иван Петров"),
            ('[{"@type": "Person", "name": "Иван Петров"}, {"name": "Асель Нурланова"}]',
             "Иван Петров, Асель Нурланова"),
            ('["Иван Петров", "Иван Петров"]', "Иван Петров"),
        ],
    )  # fmt: skip
    def test_author_shapes(self, author, expected):
        assert meta_of(page(ld(f'{{"@type": "NewsArticle", "author": {author}}}'))).author == expected

    @pytest.mark.parametrize("raw", ["By Иван Петров", "Автор: Иван Петров", "автор  Иван Петров"])
    def test_byline_prefix_is_dropped(self, raw):
        assert meta_of(page(f'<meta name="author" content="{raw}">')).author == "Иван Петров"

    def test_author_url_falls_back_to_meta(self):
        head = (
            ld('{"@type": "NewsArticle", "author": "https://ex.kz/authors/7"}')
            + '<meta name="author" content="Ким">'
        )
        assert meta_of(page(head)).author == "Ким"

    @pytest.mark.parametrize("headline", ["[]", "{}", "null", "5", "[[]]", '[null, ""]', '{"@value": "x"}'])
    def test_a_headline_of_no_text_gives_way_to_the_h1(self, headline):
        html = page(ld(f'{{"@type": "NewsArticle", "headline": {headline}}}'), "<h1>Заголовок</h1>")
        assert meta_of(html).title == "Заголовок"

    def test_a_numeric_reference_of_thousands_of_digits_is_no_character(self):
        huge = "&#" + "0" * 5000 + "65;"  # html.unescape raises ValueError (Python's 4,300-digit limit)
        head = ld(f'{{"@type": "NewsArticle", "headline": "Заголовок {huge}", "articleBody": "a {huge}"}}')
        meta = meta_of(page(head))
        assert meta.title == "Заголовок \ufffd" and meta.json_ld_body == "a \ufffd"

    @pytest.mark.parametrize("bomb", [" " * 200_000 + "x", "<a" * 100_000])
    def test_keywords_and_article_body_are_read_in_linear_time(self, bomb):
        started = time.perf_counter()
        node = json.dumps({"@type": "NewsArticle", "keywords": bomb, "articleBody": bomb})
        meta = meta_of(page(ld(node) + f'<meta name="keywords" content="{bomb}">'))
        assert meta.is_article and time.perf_counter() - started < 1  # were seconds to minutes

    def test_a_title_longer_than_any_headline_is_no_title(self):
        huge = "Слово " * 200
        head = ld(f'{{"@type": "NewsArticle", "headline": "{huge}"}}') + f"<title>{huge}</title>"
        assert meta_of(page(head, "<h1>Заголовок</h1>")).title == "Заголовок"

    def test_the_first_text_of_a_headline_list_is_the_headline(self):
        assert (
            meta_of(page(ld('{"@type": "NewsArticle", "headline": [null, "", "Второй"]}'))).title == "Второй"
        )

    @pytest.mark.parametrize(
        "value", ["[]", "{}", "null", "5", "[[]]", '[{"name": []}]', '{"@id": 1}', "[[[[1]]]]"]
    )
    def test_fields_of_any_type_never_raise(self, value):
        keys = ["headline", "datePublished", "dateModified", "author", "publisher", "keywords", "image"]
        keys += ["articleSection", "inLanguage", "description", "articleBody", "@type", "@id", "@graph"]
        node = ", ".join(f'"{key}": {value}' for key in keys)
        meta = meta_of(page(ld(f'{{"@type": "NewsArticle", {node}}}') + ld(f'{{"@graph": {value}}}')))
        assert meta.author is None and meta.tags == ()

    def test_image_credit_from_a_list_of_images(self):
        head = ld(
            '{"@type": "NewsArticle", "image": ["https://ex.kz/1.jpg", {"creditText": "Фото: Акорда"}]}'
        )
        assert meta_of(page(head)).image_credit == "Фото: Акорда"


class TestDatePriority:
    JSON_LD = ld('{"@type": "NewsArticle", "datePublished": "2025-06-01T08:00:00+05:00"}')
    META = '<meta property="article:published_time" content="2025-06-01T09:00:00+05:00">'
    OG = '<meta property="og:article:published_time" content="2025-06-01T09:30:00+05:00">'
    ITEMPROP = '<span itemprop="datePublished" content="2025-06-01T10:00:00+05:00"></span>'
    TIME = '<article><time datetime="2025-06-01T11:00:00+05:00">1 июня</time></article>'

    def test_all_sources_in_order(self):
        meta = meta_of(page(self.JSON_LD + self.OG + self.META, self.TIME + self.ITEMPROP))
        assert [c.source for c in meta.published] == [
            "json_ld",
            "meta_article",
            "og",
            "itemprop",
            "time_element",
        ]
        assert meta.published[0].raw == "2025-06-01T08:00:00+05:00"

    def test_meta_wins_over_time(self):
        meta = meta_of(page(self.META, self.TIME))
        assert meta.published[0] == DateCandidate("meta_article", "2025-06-01T09:00:00+05:00")

    def test_itemprop_wins_over_time_and_reads_datetime_or_text(self):
        body = '<time itemprop="datePublished" datetime="2025-06-01">1 июня</time>' + self.TIME
        assert meta_of(page(body=body)).published[0] == DateCandidate("itemprop", "2025-06-01")
        body = '<span itemprop="datePublished dateCreated"> 1 июня 2025 </span>'
        assert meta_of(page(body=body)).published == (DateCandidate("itemprop", "1 июня 2025"),)

    def test_publication_class_wins_over_first_time_in_article(self):
        body = (
            '<article><time datetime="2025-01-01">related</time>'
            '<time class="datetime datetime--publication" datetime="2025-06-01T11:00">x</time></article>'
        )
        assert meta_of(page(body=body)).published == (DateCandidate("time_element", "2025-06-01T11:00"),)

    def test_a_time_outside_article_without_class_is_not_a_candidate(self):
        assert meta_of(page(body='<aside><time datetime="2025-01-01">x</time></aside>')).published == ()

    def test_modified_sources(self):
        head = '<meta property="og:updated_time" content="2025-06-02">'
        head += '<meta name="dateModified" content="2025-06-03">'
        body = '<meta itemprop="dateModified" content="2025-06-04">'
        body += '<time class="updated" datetime="2025-06-05">x</time>'
        meta = meta_of(page(head, body))
        assert meta.modified == (
            DateCandidate("og", "2025-06-02"),
            DateCandidate("meta", "2025-06-03"),
            DateCandidate("itemprop", "2025-06-04"),
            DateCandidate("time_element", "2025-06-05"),
        )


class TestFields:
    @pytest.mark.parametrize(
        ("head", "body", "expected"),
        [
            ('<meta property="og:title" content="Заголовок | Kazinform">', "", "Заголовок"),
            ('<meta property="og:title" content="Заголовок - Tengrinews.kz">', "", "Заголовок"),
            ('<meta property="og:site_name" content="Время"><title>Заголовок — Время</title>', "",
             "Заголовок"),
            ("<title>Kazinform | Заголовок</title>", "", "Заголовок"),
            ("<title>Казахстан - Россия: переговоры</title>", "", "Казахстан - Россия: переговоры"),
            ("<title>Заголовок | Example</title>", "", "Заголовок"),  # the host's own name
            # the <title> suffix after the <h1> text marks "Время" as the site, also for og:title
            ('<title>Заголовок | Время</title><meta property="og:title" content="Другой | Время">',
             "<h1>Заголовок</h1>", "Другой"),
            ("<title>Из title</title>", "<h1> Из \n h1 </h1>", "Из h1"),
        ],
    )  # fmt: skip
    def test_title(self, head, body, expected):
        assert meta_of(page(head, body), "https://www.example.kz/a/").title == expected

    def test_headline_wins_over_og_title(self):
        head = (
            ld('{"@type": "NewsArticle", "headline": "Из JSON-LD"}')
            + '<meta property="og:title" content="Из OG">'
        )
        assert meta_of(page(head, "<h1>Из h1</h1>")).title == "Из JSON-LD"

    def test_values_are_unescaped_collapsed_and_empty_is_none(self):
        head = (
            '<meta property="og:title" content="  &amp;quot;Астана&amp;quot;\n  &amp; Алматы ">'
            '<meta property="og:description" content="   "><meta name="description" content="Лид">'
            '<meta name="author" content="">'
        )
        meta = meta_of(page(head))
        assert meta.title == '"Астана" & Алматы'
        assert meta.description == "Лид" and meta.author is None

    def test_article_author_url_is_skipped_itemprop_author_name_is_read(self):
        head = '<meta property="article:author" content="https://facebook.com/someone">'
        body = (
            '<div itemprop="author" itemscope><img alt=""><span itemprop="name">Данияр Ахметов</span></div>'
        )
        assert meta_of(page(head, body)).author == "Данияр Ахметов"

    def test_tags_sources_and_dedup(self):
        json_ld = ld('{"@type": "NewsArticle", "keywords": "Астана, экономика; Астана"}')
        tags = '<meta property="article:tag" content="Спорт"><meta name="news_keywords" content="a, b">'
        assert meta_of(page(json_ld + tags)).tags == ("Астана", "экономика")
        assert meta_of(page(tags)).tags == ("Спорт",)
        assert meta_of(page('<meta name="keywords" content="нефть, Нефть , газ,">')).tags == ("нефть", "газ")

    def test_section_falls_back_to_article_section(self):
        assert meta_of(page('<meta property="article:section" content="Общество">')).section == "Общество"

    @pytest.mark.parametrize(
        ("head", "expected"),
        [
            ('<meta property="og:type" content="article">', True),
            ('<meta property="article:published_time" content="2025-01-01">', True),
            (ld('{"@type": "BlogPosting"}'), True),
            ('<meta property="og:type" content="website">', False),
            ("", False),
        ],
    )
    def test_is_article(self, head, expected):
        assert meta_of(page(head)).is_article is expected

    @pytest.mark.parametrize(
        ("html_lang", "head", "expected"),
        [
            ("kz", "", "kk"),
            ("kk-KZ", '<meta property="og:locale" content="ru_RU">', "kk"),
            ("", '<meta property="og:locale" content="ru_RU">', "ru"),
            ("", ld('{"@type": "NewsArticle", "inLanguage": "en-US"}'), "en"),
            ("kk-Latn", "", "kk"),
            ("", "", None),
        ],
    )
    def test_lang_hint(self, html_lang, head, expected):
        assert meta_of(page(head, lang=html_lang)).lang_hint == expected


class TestUrls:
    def test_relative_canonical_is_resolved(self):
        meta = meta_of(
            page('<link rel="canonical" href="/ru/news-1">'), "https://www.inform.kz/ru/news-1?utm=x"
        )
        assert meta.canonical_url == "https://www.inform.kz/ru/news-1"

    def test_protocol_relative_canonical_and_base_href(self):
        assert meta_of(page('<link rel="canonical" href="//ex.kz/a">')).canonical_url == "https://ex.kz/a"
        head = '<base href="https://other.kz/dir/"><link rel="Canonical" href="page">'
        assert meta_of(page(head)).canonical_url == "https://other.kz/dir/page"

    def test_non_http_canonical_falls_back_to_og_url(self):
        head = '<link rel="canonical" href="javascript:void(0)"><meta property="og:url" content="https://ex.kz/b/">'
        assert meta_of(page(head)).canonical_url == "https://ex.kz/b/"
        assert meta_of(page('<link rel="canonical" href="mailto:a@b.kz">'), None).canonical_url is None

    @pytest.mark.parametrize(
        "bad",
        [
            "http://[::1",
            "https://[::1/a",
            "http://a b/",
            "javascript:x",
            "http://a:port/",
            "http://[",
            "http://a<b/",
        ],
    )
    def test_an_unparsable_link_is_ignored(self, bad):
        head = (
            f'<base href="{bad}"><link rel="canonical" href="{bad}"><meta property="og:url" content="{bad}">'
            f'<link rel="alternate" hreflang="kk" href="{bad}">'
            '<link rel="alternate" hreflang="en" href="/en/a-1/">'
        )
        body = f'<nav><a href="{bad}">Қазақша</a><a href="/ru/a-1/">Русский</a></nav>'
        meta = meta_of(page(head, body), "https://ex.kz/ru/a-1/")
        assert meta.canonical_url is None
        assert meta.translations == (Translation("en", "https://ex.kz/en/a-1/"),)  # the base ignored too

    def test_relative_canonical_without_page_url_is_none(self):
        assert meta_of(page('<link rel="canonical" href="/a">'), None).canonical_url is None

    def test_hreflang_kz_and_relative_href(self):
        head = '<link rel="alternate" hreflang="kz" href="/kz/news-1">'
        head += '<link rel="alternate" hreflang="ru" href="/ru/news-1/">'
        meta = meta_of(page(head), "https://www.ex.kz/ru/news-1")
        assert meta.translations == (Translation("kk", "https://www.ex.kz/kz/news-1"),)  # ru is this page

    def test_switcher_to_a_front_page_is_dropped_from_an_article(self):
        body = (
            '<a hreflang="kk" href="https://kaz.ex.kz/">Қаз</a>'
            '<a lang="en" href="https://en.ex.kz/news/story-5/">Eng</a>'
        )
        meta = meta_of(page(body=body), "https://ex.kz/news/story-5/")
        assert meta.translations == (Translation("en", "https://en.ex.kz/news/story-5/"),)

    def test_site_wide_alternates_to_edition_homes_are_no_translations_of_an_article(self):
        head = (
            '<link rel="alternate" hreflang="kk" href="https://ex.kz/kz/">'
            '<link rel="alternate" hreflang="en" href="https://ex.kz/eng">'
            '<link rel="alternate" hreflang="zh" href="https://ex.kz/tv/">'  # one segment, but no language
        )
        meta = meta_of(page(head), "https://ex.kz/ru/news/story-5/")
        assert meta.translations == (Translation("zh", "https://ex.kz/tv/"),)
        home = meta_of(page(head), "https://ex.kz/ru/")  # between homes they are translations
        assert [t.lang for t in home.translations] == ["kk", "en", "zh"]

    def test_hreflang_link_wins_over_switcher_for_the_same_language(self):
        head = '<link rel="alternate" hreflang="kk" href="https://ex.kz/kz/a-1/">'
        body = '<nav><a href="https://ex.kz/kz/other/">Қазақша</a><a href="https://ex.kz/ru/a-1/">Русский</a></nav>'
        meta = meta_of(page(head, body), "https://ex.kz/ru/a-1/")
        assert meta.translations == (Translation("kk", "https://ex.kz/kz/a-1/"),)

    def test_same_language_links_are_variants_not_translations(self):
        head = '<link rel="alternate" hreflang="en-GB" href="https://uk.ex.com/a-1/">'
        body = '<a hreflang="en" href="https://ex.com/other-story/">Related</a>'
        meta = meta_of(page(head, body, lang="en-US"), "https://ex.com/a-1/")
        assert meta.translations == ()

    def test_a_kazakh_page_keeps_its_other_script_edition(self):
        head = '<link rel="alternate" hreflang="kk" href="https://www.inform.kz/kz/zhanalyk-4be1c0">'
        head += '<link rel="alternate" hreflang="qz" href="https://qz.inform.kz/news/janalyq-77a0f1/">'
        meta = meta_of(page(head, lang="kk"), "https://qz.inform.kz/news/janalyq-77a0f1/")
        assert meta.translations == (Translation("kk", "https://www.inform.kz/kz/zhanalyk-4be1c0"),)
