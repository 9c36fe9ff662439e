"""page_verdict: no real article gets a verdict; homepages, listings, stubs, error and challenge pages do."""

from pathlib import Path

import pytest

from bench.aeb import AEB_DIR, load_pages
from crawler.fixturesite import load_manifest
from crawler.goldens import load_goldens
from crawler.profiles import rules_for
from pipelines.extract import extract_body
from pipelines.htmlpage import parse_html
from pipelines.structured import read_metadata
from pipelines.verdict import page_verdict
from tests.conftest import SHARED
from tests.services import require_shared

DATA = Path(__file__).parent / "data" / "verdict"
RESEARCH = SHARED / "research" / "html"
SITE = load_manifest()
FILES = {page.file: url for url, page in SITE.items() if page.file}
SITE_ARTICLES = [*load_goldens(SITE), *(url for file, url in FILES.items() if file.endswith(".amp.html"))]
SITE_ARTICLES.append(FILES["tengrinews/ru_2026_04_28_press-release-disallowed.html"])  # 13 words, no golden
SITE_LISTINGS = [url for file, url in FILES.items() if "listing" in file or "lenta" in file]
TENGRI_HOME = RESEARCH / "tengrinews" / "tengrinews_homepage_2024-10_nuraiymb-index.html"
NUR = RESEARCH / "nur"


def verdict(html, url=None, *, site_page=None):
    """page_verdict as extract_html would call it (the site's layout of that day for a fixture page)."""
    tree = parse_html(html)
    meta = read_metadata(tree, url)
    layout = rules_for(url=url).layout_for(site_page.fetched_at.date()) if site_page else None
    return page_verdict(tree, meta, extract_body(tree, url, layout, meta.json_ld_body), url=url)


def reason(html, url=None):
    found = verdict(html, url)
    return found.reason if found else None


# --- synthetic pages in three languages ----------------------------------------------------------------
LANGS = {
    "ru": dict(
        subjects=["В Алматы", "В Астане", "В Шымкенте", "В Караганде", "В Актобе", "В Павлодаре",
                  "В Таразе", "В Костанае"],
        predicates=["открыли новую школу на 1200 мест", "запустили двадцать новых электробусов",
                    "отремонтируют 140 улиц за лето", "выпал первый снег этой осени",
                    "прошел весенний субботник"],
        teaser="{h}, сообщили в городском акимате. Подробности читайте в материале.",
        tag="Алматы", search="Результаты поиска", error=("Ошибка 404", "Страница не найдена"),
        title="Аким встретился с жителями микрорайона",
        text="Аким города встретился с жителями микрорайона и ответил на вопросы о ремонте дорог, освещении "
             "дворов и строительстве новой поликлиники. По его словам, работы начнутся в мае и завершатся до "
             "конца сентября, а подрядчиков выберут на открытом конкурсе.",
    ),
    "kk": dict(
        subjects=["Алматыда", "Астанада", "Шымкентте", "Қарағандыда", "Ақтөбеде", "Павлодарда", "Таразда",
                  "Қостанайда"],
        predicates=["1200 орындық жаңа мектеп ашылды", "жиырма жаңа электробус жолға шықты",
                    "жазда 140 көше жөнделеді", "күзгі алғашқы қар жауды", "көктемгі сенбілік өтті"],
        teaser="{h}, деп хабарлады қала әкімдігі. Толығырақ материалда оқыңыз.",
        tag="Алматы", search="Іздеу нәтижелері", error=("Жаңалықтар.kz", "Бет табылмады"),
        title="Қала әкімі тұрғындармен кездесті",
        text="Қала әкімі шағын аудан тұрғындарымен кездесіп, жол жөндеу, аулаларды жарықтандыру және жаңа "
             "емхана салу туралы сұрақтарға жауап берді. Оның айтуынша, жұмыстар мамыр айында басталып, "
             "қыркүйектің соңына дейін аяқталады, ал мердігерлер ашық конкурста таңдалады.",
    ),
    "en": dict(
        subjects=["Almaty", "Astana", "Shymkent", "Karaganda", "Aktobe", "Pavlodar", "Taraz", "Kostanay"],
        predicates=["opens a new school for 1,200 pupils", "launches twenty new electric buses",
                    "to repair 140 streets this summer", "sees the first snow of the autumn",
                    "holds a spring clean-up day"],
        teaser="{h}, the city administration said on Monday. Read the details in our story.",
        tag="Almaty", search="Search results", error=("Page not found | News.kz", "Sorry"),
        title="Mayor meets residents of the district",
        text="The mayor met residents of the district and answered questions about road repairs, street "
             "lighting and a new clinic. He said the work would start in May and end by late September, "
             "and that contractors would be chosen in an open tender.",
    ),
}  # fmt: skip
ROOT = {"ru": "https://example.kz/", "kk": "https://example.kz/kz/", "en": "https://example.kz/en/"}


def headlines(lang, count, first=0):
    words = LANGS[lang]
    return [f"{s} {p}" for p in words["predicates"] for s in words["subjects"]][first : first + count]


def page(lang, title, main, head=""):
    nav = "".join(f'<a href="{ROOT[lang]}section-{i}/">Section {i}</a>' for i in range(8))
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="og:type" content="website">{head}</head><body><header><a href="{ROOT[lang]}">'
        f"News.kz</a><nav>{nav}</nav></header><main>{main}</main><footer><p>© 2008-2026 News.kz</p>"
        f'<a href="{ROOT[lang]}about/">About</a><a href="{ROOT[lang]}contacts/">Contacts</a></footer>'
        "</body></html>"
    )


def cards(lang, count, heading="h3"):
    teaser = LANGS[lang]["teaser"]
    return "".join(
        f'<div class="card"><a href="{ROOT[lang]}news/story-number-{587000 + i}/"><img src="/i/{i}.jpg"></a>'
        f'<{heading}><a href="{ROOT[lang]}news/story-number-{587000 + i}/">{h}</a></{heading}>'
        f'<p class="lead">{teaser.format(h=h)}</p><time>10:{i:02d}</time></div>'
        for i, h in enumerate(headlines(lang, count))
    )


def homepage(lang):
    canonical = f'<link rel="canonical" href="{ROOT[lang]}"><meta property="og:url" content="{ROOT[lang]}">'
    return page(lang, "News.kz", f"<h1>News.kz</h1>{cards(lang, 40)}", canonical)


def tag_page(lang):
    tag = LANGS[lang]["tag"]
    return page(lang, f"{tag} — News.kz", f'<h1>{tag}</h1>{cards(lang, 20, "h2")}<a href="?page=2">2</a>')


def search_page(lang):
    title = LANGS[lang]["search"]
    results = "".join(
        f'<div class="result"><a href="{ROOT[lang]}news/story-number-{587100 + i}/">{h}</a>'
        f"<p>{LANGS[lang]['teaser'].format(h=h)}</p></div>"
        for i, h in enumerate(headlines(lang, 10))
    )
    return page(lang, f"{title} — News.kz", f"<h1>{title}</h1>{results}")


def error_page(lang):
    title, heading = LANGS[lang]["error"]
    popular = "".join(f'<li><a href="{ROOT[lang]}news/x-{588000 + i}/">{h}</a></li>' for i, h in
                      enumerate(headlines(lang, 6)))  # fmt: skip
    return page(lang, title, f'<h1>{heading}</h1><p><a href="{ROOT[lang]}">News.kz</a></p><ul>{popular}</ul>')


def article(lang, title=None, *, head="", sidebar=30, paragraphs=2):
    """A short story beside a sidebar of headline links, declaring nothing but og:type=website by default."""
    title = title or LANGS[lang]["title"]
    side = "".join(
        f'<li><a href="{ROOT[lang]}news/story-number-{589000 + i}/">{h}</a></li>'
        for i, h in enumerate(headlines(lang, sidebar, first=40 - sidebar))
    )
    text = "".join(f"<p>{LANGS[lang]['text']}</p>" for _ in range(paragraphs))
    main = f'<article><h1>{title}</h1><time>28.04.2026 10:00</time><div class="text">{text}</div></article>'
    return page(lang, f"{title} — News.kz", f"{main}<aside><ul>{side}</ul></aside>", head)


# --- real articles -------------------------------------------------------------------------------------
class TestRealArticlesPass:
    def test_no_aeb_page_gets_a_verdict_with_or_without_its_url(self):
        offenders = []
        for aeb in load_pages(require_shared(AEB_DIR)):
            for url in (aeb.url, None):
                if found := verdict(aeb.html, url):
                    offenders.append((aeb.id, url, found.reason, found.detail))
        assert offenders == []

    @pytest.mark.parametrize("url", SITE_ARTICLES)
    def test_no_fixture_article_gets_a_verdict(self, url):
        assert verdict(SITE[url].body, url, site_page=SITE[url]) is None

    def test_the_nur_article_shell_gets_no_verdict(self):
        html = require_shared(NUR / "nur_article_2086925_2024-04-18_blade-modified.html").read_bytes()
        assert verdict(html, "https://www.nur.kz/politics/kazakhstan/2086925-bolshe-17-mlrd-tenge/") is None


class TestPagesThatLookOddPass:
    @pytest.mark.parametrize("lang", LANGS)
    def test_undeclared_short_story_beside_a_long_sidebar(self, lang):
        # og:type=website and no other article metadata, as diapazon.kz serves its stories; 33-42 words
        # outside cards, just above THIN_BODY_WORDS
        assert reason(article(lang, paragraphs=1), f"{ROOT[lang]}news/akim-meets-residents-587001/") is None

    def test_undeclared_story_whose_title_starts_with_a_status_code(self):
        html = article("ru", "404 человека заболели гриппом в Алматы")
        assert reason(html, "https://example.kz/news/404-cheloveka-zaboleli-587001/") is None

    def test_wordpress_post_addressed_by_query_at_the_site_root(self):
        assert reason(article("en"), "https://example.kz/?p=587001") is None

    def test_declared_story_whose_canonical_wrongly_names_the_site_root(self):
        head = '<meta property="og:type" content="article"><link rel="canonical" href="https://example.kz/">'
        assert reason(article("ru", head=head), "https://example.kz/akim-meets-residents/") is None

    def test_undeclared_story_on_a_url_with_a_page_number(self):
        assert reason(article("ru"), "https://example.kz/news/news_view.php?id=5&page=1") is None


# --- real pages that are not articles ----------------------------------------------------------------
class TestRealPagesRejected:
    def test_tengrinews_homepage(self):
        html = require_shared(TENGRI_HOME).read_bytes()
        found = verdict(html, "https://tengrinews.kz/")
        assert (found.reason, found.url) == ("homepage", "https://tengrinews.kz/")
        assert "site root" in found.detail
        assert reason(html) == "homepage"  # its canonical URL is the root, and its body is cards

    def test_nur_politics_listing_shell(self):
        html = require_shared(NUR / "nur_politics_listing_2024_blade-modified.html").read_bytes()
        found = verdict(html, "https://www.nur.kz/politics/")
        assert found.reason == "listing"
        assert "CollectionPage" in found.detail

    @pytest.mark.parametrize("url", SITE_LISTINGS)
    def test_fixture_listing_pages(self, url):
        assert verdict(SITE[url].body, url, site_page=SITE[url]).reason == "listing"

    def test_fixture_404_page(self):
        url = FILES["tengrinews/404.html"]
        assert verdict(SITE[url].body, url, site_page=SITE[url]).reason == "error_page"

    def test_fixture_challenge_page(self):
        url = FILES["kazinform/challenge_cloudflare_403.html"]
        found = verdict(SITE[url].body, url, site_page=SITE[url])
        assert (found.reason, found.detail) == ("challenge_page", 'markup:id="challenge-running"')


# --- synthetic pages that are not articles ----------------------------------------------------------
class TestSyntheticPagesRejected:
    @pytest.mark.parametrize("lang", LANGS)
    def test_homepage_with_forty_cards(self, lang):
        assert reason(homepage(lang), ROOT[lang]) == "homepage"
        assert reason(homepage(lang)) == "homepage"  # by its canonical URL and its body of cards

    @pytest.mark.parametrize("lang", LANGS)
    def test_tag_page(self, lang):
        assert reason(tag_page(lang), f"{ROOT[lang]}tag/almaty/") == "listing"
        assert reason(tag_page(lang)) == "listing"

    @pytest.mark.parametrize("lang", LANGS)
    def test_search_page(self, lang):
        assert reason(search_page(lang), f"{ROOT[lang]}search/?q=bus") == "listing"

    @pytest.mark.parametrize("lang", LANGS)
    def test_not_found_page_served_as_200(self, lang):
        assert reason(error_page(lang), f"{ROOT[lang]}news/deleted-story-587200/") == "error_page"

    @pytest.mark.parametrize(
        "name", ["apache_301.html", "nginx_301.html", "iis_object_moved.html", "meta_refresh.html"]
    )
    def test_redirect_stubs(self, name):
        assert reason((DATA / name).read_bytes(), "https://www.inform.kz/kz/old_a1234567") == "redirect_stub"

    @pytest.mark.parametrize("name", ["yandex_smartcaptcha.html", "ddos_guard.html"])
    def test_challenge_pages_of_other_vendors(self, name):
        assert reason((DATA / name).read_bytes(), "https://www.zakon.kz/6012345-x.html") == "challenge_page"
