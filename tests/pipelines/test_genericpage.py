import lxml.html
import pytest

from pipelines.extract import extract_body
from pipelines.genericpage import generic_page, is_recall_paragraph, tables_as_blocks
from pipelines.htmlpage import parse_html
from pipelines.options import Layout

SENTENCES = [
    "Аким области провел совещание по вопросам подготовки к весенним паводкам в районах региона.",
    "По его словам, в этом году уровень воды в реках может превысить прошлогодний на тридцать сантиметров.",
    "Спасатели установили дополнительные посты наблюдения на мостах и дамбах вдоль реки Урал.",
    "Жителей прибрежных поселков просят заранее подготовить документы и запас питьевой воды.",
    "В акимате добавили, что эвакуационные пункты развернут в школах трех районов области.",
    "Для жителей открыта горячая линия, по которой можно сообщить о подтоплении двора или дома.",
]
AD = "Рассрочка 0-0-24 на смартфоны: оформите за 5 минут в приложении банка"
RECALL = "Ранее сообщалось, что в области начали укреплять дамбы вдоль реки Урал."
TITLE = "В области готовятся к весенним паводкам"


def _page(body: str, around: str = "") -> str:
    return (
        f"<html><head><title>{TITLE}</title></head><body><nav><a href='/'>Главная</a></nav>"
        f"<main><h1>{TITLE}</h1><div class='content'>{body}</div></main>{around}</body></html>"
    )


def _story(*inserts: str) -> str:
    """The story paragraphs with each insert after the second one."""
    paragraphs = [f"<p>{s}</p>" for s in SENTENCES]
    return "".join(paragraphs[:2] + list(inserts) + paragraphs[2:])


def _texts(tree: lxml.html.HtmlElement) -> str:
    return " ".join(tree.text_content().split())


class TestChrome:
    @pytest.mark.parametrize(
        "slot",
        [
            f'<div class="LpWqzc yandex_rtb_R-A-1716413-3"><p>{AD}</p></div>',  # the id inside a class token
            f'<div id="adfox_170834310001"><p>{AD}</p></div>',
            f'<div class="adfox"><p>{AD}</p></div>',
        ],
    )
    def test_an_ad_slot_between_story_paragraphs_goes(self, slot):
        html = _page(_story(slot))
        assert AD in _texts(parse_html(html))
        assert AD not in extract_body(parse_html(html), source=html).paragraphs
        assert extract_body(parse_html(html)).paragraphs[:3] == tuple(SENTENCES[:3])

    def test_the_page_itself_is_kept_when_nothing_applies(self):
        tree = parse_html(_page(_story('<div id="adfox_1"></div>', '<ins class="adsbygoogle"></ins>')))
        assert generic_page(tree) is tree  # an empty placeholder changes nothing: no copy

    def test_the_tree_is_never_modified(self):
        tree = parse_html(_page(_story(f'<div class="adfox"><p>{AD}</p></div>')))
        before = lxml.html.tostring(tree)
        page = generic_page(tree, ("h1",))
        assert page is not tree and AD not in _texts(page)
        assert lxml.html.tostring(tree) == before

    def test_the_site_drops_apply_in_order_before_trafilatura(self):
        tags = "<div class='tags'>Теги: <a href='/t/1'>паводок</a></div><p>Читайте нас в Telegram</p>"
        page = generic_page(parse_html(_page(_story(), tags)), (".tags ~ *", ".tags"))
        assert "Теги" not in _texts(page) and "Telegram" not in _texts(page)
        assert SENTENCES[-1] in _texts(page)

    def test_a_name_absent_from_the_source_spares_the_selector(self):
        tree = parse_html(_page(_story(f'<div class="adfox"><p>{AD}</p></div>')))
        assert generic_page(tree, source="<html>no such name</html>") is tree
        assert generic_page(tree, source=b"<html>no such name</html>") is tree

    def test_utf16_source_bytes_are_not_searched(self):
        html = _page(_story(f'<div class="adfox"><p>{AD}</p></div>'))
        tree = parse_html(html)
        assert AD not in _texts(generic_page(tree, source=html.encode("utf-16")))


class TestRecalledStory:
    @pytest.mark.parametrize(
        "line",
        [
            f"<p><a href='/ru/earlier-1'>{RECALL}</a></p>",
            "<p>Ранее сообщалось, что <a href='/ru/1'>в области начали укреплять дамбы вдоль реки</a>.</p>",
            "<p><a href='/kz/1'>Бұған дейін облыста 40 бөгет жөнделетіні хабарланған еді.</a></p>",
            "<p><a href='/news/1'>Buǵan deıin oblysta 40 bóget jóndeletini habarlanǵan edi.</a></p>",
            "<p><a href='/en/1'>Earlier, Kazinform reported that dams on the Ural would be mended.</a></p>",
        ],
    )
    def test_a_recall_line_made_of_a_link_is_story(self, line):
        tree = parse_html(_page(_story() + line))
        assert is_recall_paragraph(next(p for p in tree.iter("p") if p.find(".//a") is not None))
        text = lxml.html.fromstring(line).text_content()
        assert extract_body(tree).paragraphs[-1] == text

    @pytest.mark.parametrize(
        "line",
        [
            "<p>Ранее: <a href='/ru/1'>В области начали укреплять дамбы вдоль реки Урал</a></p>",  # a label
            "<p><a href='/ru/1'>Ранее в области начали укреплять дамбы вдоль реки Урал</a></p>",  # a headline
            "<p><a href='/ru/1'>Напомним о правилах</a></p>",  # too short for a sentence of news
            f"<p>{RECALL}</p>",  # no link: nothing to unlink
            f"<p><a href='/ru/1'>{' '.join(SENTENCES)} {RECALL}</a></p>",  # a whole block, not a line
        ],
    )
    def test_other_paragraphs_are_no_recall_line(self, line):
        assert not is_recall_paragraph(lxml.html.fromstring(line))

    def test_the_recall_line_is_unlinked_only_when_asked(self):
        tree = parse_html(_page(_story(), f"<p><a href='/ru/earlier-1'>{RECALL}</a></p>"))
        assert generic_page(tree) is tree
        page = generic_page(tree, unlink_recalls=True)
        assert [p.text for p in page.iter("p") if p.text == RECALL] and not page.findall(".//main//a")


class TestLayoutTables:
    @pytest.mark.parametrize(
        "cell",
        [
            f"<h1>{TITLE}</h1>" + "".join(f"<p>{s}</p>" for s in SENTENCES),
            "".join(f"<p>{s}</p>" for s in SENTENCES),
            f"<table><tr><td><h1>{TITLE}</h1></td></tr><tr><td>{_story()}</td></tr></table>",  # nested
        ],
    )
    def test_a_page_laid_out_in_a_table_gives_its_paragraphs(self, cell):
        html = (
            "<html><body><table width='100%'><tr><td class='menu'><a href='/'>Главная</a><br>"
            f"<a href='/news'>Новости</a></td><td class='main'>{cell}</td><td><a href='/ad'>Реклама</a></td>"
            "</tr></table></body></html>"
        )
        assert extract_body(parse_html(html)).paragraphs[-len(SENTENCES) :] == tuple(SENTENCES)

    def test_a_data_table_stays_a_table(self):
        table = (
            "<table><tr><th>Район</th><th>Уровень воды, см</th></tr>"
            "<tr><td>Бурлинский</td><td>412</td></tr><tr><td>Теректинский</td><td>388</td></tr></table>"
        )
        tree = parse_html(_page(_story(table)))
        assert tables_as_blocks(tree) is None
        assert "| Бурлинский | 412 |" in extract_body(tree).paragraphs


class TestOnTheLayoutPath:
    def test_a_layout_without_body_selector_still_drops_its_chrome(self):
        html = _page(_story("<div class='tn-inpage'><p>Кредит наличными до 7 млн тенге онлайн</p></div>"))
        layout = Layout(title="h1", drop=(".tn-inpage",))
        assert "Кредит" not in " ".join(extract_body(parse_html(html), layout=layout).paragraphs)
