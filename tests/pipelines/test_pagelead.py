import pytest

from pipelines.core import extract_html
from pipelines.htmlpage import parse_html
from pipelines.options import SiteRules
from pipelines.pagelead import visible_lead

SENTENCES = [
    "По данным бюро, на 1 апреля в стране работали 1,94 млн индивидуальных предпринимателей.",
    "Почти половина предпринимателей занята в торговле, еще около 15% - в сфере услуг.",
    "Эксперты связывают рост с упрощенным порядком регистрации через портал электронного правительства.",
    "При этом доля предпринимателей, которые за год не сдали отчетность, снизилась с 18 до 13 процентов.",
    "Больше всего предпринимателей зарегистрировано в Алматы, Туркестанской области и Астане.",
]
LEAD = "Число индивидуальных предпринимателей в Казахстане за год выросло на 7,4%, передает корреспондент."
TITLE = "В Казахстане выросло число индивидуальных предпринимателей"


def _page(lead_box: str = f"<div class='article__description'>{LEAD}</div>", description: str = LEAD) -> str:
    body = "".join(f"<p>{s}</p>" for s in SENTENCES)
    return (
        f"<html><head><title>{TITLE}</title><meta name='description' content='{description}'></head><body>"
        f"<main><h1>{TITLE}</h1>{lead_box}<figure><img src='/a.jpg'></figure>"
        f"<div class='article__content'>{body}</div></main></body></html>"
    )


class TestVisibleLead:
    @pytest.mark.parametrize(
        "box",
        [
            f"<div class='article__description'>{LEAD}</div>",
            f"<div class='content_main_desc'><p>{LEAD}</p></div>",  # tengrinews: a <p> in the box
            f"<div class='lead'><strong>{LEAD[:40]}</strong>{LEAD[40:]}</div>",  # inline markup splits it
        ],
    )
    def test_the_description_shown_after_the_headline_is_the_lead(self, box):
        assert visible_lead(parse_html(_page(box)), LEAD, SENTENCES) == LEAD

    def test_a_description_cut_short_finds_its_box(self):
        cut = LEAD[:70].rstrip() + "..."
        assert visible_lead(parse_html(_page(description=cut)), cut, SENTENCES) == LEAD

    @pytest.mark.parametrize(
        ("box", "description", "body"),
        [
            (f"<div>{LEAD}</div>", LEAD, [LEAD, *SENTENCES]),  # the body holds it already
            (f"<div><a href='/ru/1'>{LEAD}</a></div>", LEAD, SENTENCES),  # a teaser card's link
            (
                "<div>Другой текст под заголовком страницы про предпринимателей и статистику.</div>",
                LEAD,
                SENTENCES,
            ),
            (f"<div>{LEAD} Еще одна фраза, которой нет в описании страницы.</div>", LEAD, SENTENCES),  # more
            ("<div>Новости бизнеса</div>", "Новости бизнеса", SENTENCES),  # a tagline, not a lead
        ],
    )
    def test_no_lead_otherwise(self, box, description, body):
        assert visible_lead(parse_html(_page(box, description)), description, body) is None

    def test_a_box_above_the_headline_is_no_lead(self):
        html = _page().replace(f"<h1>{TITLE}</h1>", "").replace("</main>", f"<h1>{TITLE}</h1></main>")
        assert visible_lead(parse_html(html), LEAD, SENTENCES) is None

    def test_the_description_in_json_ld_is_not_the_box(self):
        script = f'<script type="application/ld+json">{{"description": "{LEAD}"}}</script>'
        assert visible_lead(parse_html(_page(script)), LEAD, SENTENCES) is None


class TestLeadOfAPage:
    def test_a_page_of_a_known_site_opens_with_its_lead(self):
        article = extract_html(_page(), rules=SiteRules(name="kazinform"))
        assert article.paragraphs[0] == LEAD and article.lead == LEAD

    def test_a_page_of_no_known_site_keeps_what_trafilatura_took(self):
        """AEB's annotators leave a standfirst outside the body out: 33 of the 35 pages where one is found."""
        assert LEAD not in extract_html(_page()).paragraphs
