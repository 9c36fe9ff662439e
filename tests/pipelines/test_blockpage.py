"""pipelines/blockpage.py: block pages of every vendor, and of none, are recognised; real pages are not."""

import json
import re
from pathlib import Path

import pytest

from bench.aeb import AEB_DIR, load_pages
from crawler.fixturesite import load_manifest
from crawler.goldens import load_goldens
from pipelines.article import RawPage
from pipelines.blockpage import (
    BLOCK_MAX_LINKS,
    BLOCK_TEXT_MAX_WORDS,
    INTERSTITIAL_MAX_LINKS,
    SHORT_BODY_BYTES,
    detect_block_page,
    is_block_text,
)
from pipelines.core import clean_page
from tests.services import require_shared

PAGES = load_manifest()
CHALLENGE = next(p for p in PAGES.values() if p.status == 403)
ARTICLE_PAGES = [
    p for p in PAGES.values() if p.status == 200 and p.headers["Content-Type"].startswith("text/html")
]


def _links(n):
    return "".join(f'<a href="/x{i}">x</a>' for i in range(n))


class TestChallengePages:
    def test_cloudflare_header_fires_first(self):
        assert detect_block_page(CHALLENGE.status, CHALLENGE.headers, CHALLENGE.body) == "header:cf-mitigated"

    def test_challenge_markup_fires_without_the_header(self):
        marker = detect_block_page(200, {"Content-Type": "text/html"}, CHALLENGE.body)
        assert marker == 'markup:id="challenge-running"'

    def test_header_values_as_bytes_lists(self):
        assert detect_block_page(403, {b"CF-Mitigated": [b"challenge"]}, b"") == "header:cf-mitigated"

    @pytest.mark.parametrize(
        ("body", "marker"),
        [
            ("<html><head><title>Один момент…</title></head><body>…</body></html>", "title:один момент"),
            ("<title>Attention Required! | Cloudflare</title>", "title:attention required"),
            (
                "<html><body><p>Проверка браузера перед переходом на сайт</p></body></html>",
                "phrase:проверка браузера",
            ),
            (
                "<body>Verifying you are human. This may take a few seconds.</body>",
                "phrase:verifying you are human",
            ),
        ],
    )
    def test_weak_markers_fire_on_short_link_less_pages(self, body, marker):
        assert detect_block_page(200, {}, body) == marker


class TestOrdinaryPages:
    @pytest.mark.parametrize("page", ARTICLE_PAGES, ids=lambda p: p.file)
    def test_no_fixture_page_is_taken_for_a_challenge(self, page):
        assert detect_block_page(page.status, page.headers, page.body) is None

    def test_long_article_about_browser_checks_is_not_a_challenge(self):
        page = PAGES["https://tengrinews.kz/internet/moshenniki-poddelyivayut-proverku-brauzera-587250/"]
        assert "проверка браузера" in page.body.decode("utf-8")
        assert len(page.body) > SHORT_BODY_BYTES
        assert detect_block_page(200, page.headers, page.body) is None

    def test_short_listing_with_such_a_headline_is_not_a_challenge(self):
        body = f"<title>Новости</title><p>Мошенники подделывают окно проверка браузера</p>{_links(20)}"
        assert detect_block_page(200, {}, body) is None

    def test_injected_cloudflare_script_on_a_long_page_is_not_a_challenge(self):
        body = (
            "<script src='/cdn-cgi/challenge-platform/scripts/jsd/main.js'></script>" + "x" * SHORT_BODY_BYTES
        )
        assert detect_block_page(200, {}, body) is None
        assert detect_block_page(503, {}, body) == "phrase:/cdn-cgi/challenge-platform"

    def test_story_titled_podozhdite_is_not_a_challenge_when_long(self):
        body = "<title>Подождите с покупкой валюты - Tengrinews.kz</title>" + "<p>текст</p>" * 8000
        assert detect_block_page(200, {}, body) is None


# --- every vendor, and pages that say so without one ----------------------------------------------------
DATA = Path(__file__).parent / "data" / "blockpages"
CASES = json.loads((DATA / "cases.json").read_text("utf-8"))
STORY_URL = "https://tengrinews.kz/internet/moshenniki-poddelyivayut-proverku-brauzera-587250/"
STORY, STORY_GOLDEN = PAGES[STORY_URL], load_goldens(PAGES)[STORY_URL]
VENDOR_HEADERS_ON = {  # what a site behind the vendors sends with every page, its articles too
    "Server": "ddos-guard",
    "Set-Cookie": "__ddg1_=abc; Path=/",
    "X-Iinfo": "8-1-0 NNNN",
    "X-Sucuri-ID": "11005",
    "X-Qrator-RequestId": "1",
}
STORED_ROWS = json.loads((DATA / "stored_rows.json").read_text("utf-8"))[
    "rows"
]  # the fault pass's, as stored
GENERIC = [  # 403/429 answers and captchas served as 200 by no vendor we know: (lang, html, marker)
    ("en", "<html><head><title>403 Forbidden</title></head><body><center><h1>403 Forbidden</h1></center><hr>"
     "<center>nginx</center></body></html>", "title:403 forbidden"),
    ("en", "<title>Forbidden</title><h1>Forbidden</h1><p>You don't have permission to access this resource."
     "</p><address>Apache Server at example.kz</address>", "phrase:you don't have permission to access"),
    ("en", "<title>ERROR: The request could not be satisfied</title><h2>403 ERROR</h2><h2>Request blocked. "
     "We can't connect to the server for this app or website at this time.</h2>", "phrase:request blocked"),
    ("en", "<title>429 Too Many Requests</title><h1>Too Many Requests</h1><p>Please slow down.</p>",
     "title:too many requests"),
    ("ru", "<title>Доступ запрещён</title><h1>Доступ запрещён</h1><p>У вас нет прав на просмотр этой "
     "страницы.</p>", "title:доступ запрещен"),
    ("ru", "<title>Проверка, что вы не робот</title><p>Отметьте флажок, чтобы продолжить.</p>",
     "title:проверка, что вы не робот"),
    ("ru", "<title>Вы робот?</title><p>Решите пример, чтобы продолжить: 3 + 4 =</p>", "title:вы робот?"),
    ("ru", "<title>Новости Казахстана</title><h1>Подтвердите, что вы человек</h1><form><button>Я не робот"
     "</button></form>", "h1:подтвердите, что вы человек"),
    ("ru", "<title>Новости</title><p>Мы зафиксировали подозрительную активность с вашего IP-адреса. "
     "Попробуйте зайти позже.</p>", "phrase:мы зафиксировали подозрительную активность"),
    ("ru", "<title>Ошибка</title><p>Слишком много запросов. Повторите попытку через минуту.</p>",
     "phrase:слишком много запросов"),
    ("kk", "<title>Қол жеткізу тыйым салынған</title><h1>Қол жеткізу тыйым салынған</h1><p>Бұл бетті көруге "
     "рұқсатыңыз жоқ.</p>", "title:қол жеткізу тыйым салынған"),
    ("kk", "<title>Жаңалықтар</title><h1>Робот емес екеніңізді растаңыз</h1><form><button>Жалғастыру"
     "</button></form>", "h1:робот емес екеніңізді растаңыз"),
    ("kk", "<title>Қате</title><p>Сұраулар тым көп. Бір минуттан кейін қайталап көріңіз.</p>",
     "phrase:сұраулар тым көп"),
]  # fmt: skip
SHORT_STORIES = {  # real short stories about blocks and captchas, each on a page with article markup
    "ru": ("Доступ запрещён: сайт акимата закрыли для иностранных IP", "Сайт акимата Алматы с понедельника "
           "недоступен для посетителей из-за рубежа: вместо страницы они видят надпись «Доступ запрещён». "
           "В акимате объяснили, что так сайт защищают от DDoS-атак, а доступ ограничен на время проверки. "
           "Вы не робот? Такой вопрос теперь задают и жителям города, если они открывают сайт через VPN."),
    "kk": ("Сайттарға қол жеткізу тыйым салынған жағдайлар көбейді", "Қазақстандық пайдаланушылар "
           "шетелдік сайттарға кіргенде «Қол жеткізу тыйым салынған» деген жазбаны жиі көре бастады. "
           "Мамандардың айтуынша, бұл сайттардың DDoS-шабуылдардан қорғанысы: кейде олар робот емес "
           "екеніңізді растаңыз деп сұрайды."),
    "en": ("Access denied: why news sites ask readers if they are robots", "Readers in Kazakhstan "
           "increasingly meet pages saying access denied or asking them to verify you are human before a "
           "story opens. Security firms say the checks stop bots that copy articles, but too many requests "
           "from one mobile operator can block a whole city."),
}  # fmt: skip


def _article_page(title, text, links=3, markup='<meta property="og:type" content="article">'):
    nav = "".join(f'<a href="/news/{n}/">Новость {n}</a>' for n in range(links))
    head = f"<head><title>{title}</title>{markup}</head>"
    return f"<html>{head}<body><h1>{title}</h1><p>{text}</p>{nav}</body></html>"


class TestVendorPages:
    @pytest.mark.parametrize("name", sorted(CASES))
    def test_each_vendor_page_is_recognised_with_its_headers(self, name):
        case = CASES[name]
        assert (
            detect_block_page(case["status"], case["headers"], (DATA / name).read_bytes()) == case["marker"]
        )

    @pytest.mark.parametrize("name", sorted(set(CASES) - {"variti_js_check.html"}))
    def test_each_is_recognised_by_its_body_alone_as_the_core_sees_it(self, name):
        assert detect_block_page(200, {"Content-Type": "text/html"}, (DATA / name).read_bytes())

    def test_every_vendor_and_language_has_a_page(self):
        vendors = {case["vendor"] for case in CASES.values()}
        assert vendors >= {"cloudflare", "ddos-guard", "yandex", "qrator", "variti", "imperva", "sucuri",
                           "stormwall", "akamai"}  # fmt: skip
        assert {case["lang"] for case in CASES.values() if case["vendor"] == "yandex"} == {"ru", "kk", "en"}

    def test_a_textless_script_page_is_a_check_only_behind_a_vendor(self):
        body = (DATA / "variti_js_check.html").read_bytes()
        assert detect_block_page(200, {"Server": "nginx"}, body) is None
        assert detect_block_page(200, {b"Set-Cookie": [b"ipp_uid=1/2/3==; Path=/"]}, body) == "vendor:variti"

    @pytest.mark.parametrize(("name", "value"), [("X-Sucuri-Block", "1"), ("X-FireWall-Protection", "1")])
    def test_block_only_headers_fire_on_any_body(self, name, value):
        assert detect_block_page(200, {name: value}, STORY.body) == f"header:{name.lower()}"

    def test_a_qrator_check_answered_with_401_counts_whatever_its_size(self):
        body = (DATA / "qrator_js_check.html").read_bytes() + b" " * SHORT_BODY_BYTES
        assert detect_block_page(200, {}, body) is None
        assert detect_block_page(401, {"Server": "QRATOR"}, body) == "phrase:qrator"

    @pytest.mark.parametrize("name", sorted(STORED_ROWS))
    def test_the_fault_pass_pages_are_blocked_by_the_core(self, name):
        raw = RawPage(
            url="https://tengrinews.kz/kazakhstan_news/story-587400/",
            body=(DATA / name).read_bytes(),
            headers={"Content-Type": "text/html; charset=UTF-8"},
            site="tengrinews",
            edition="ru",
        )
        assert clean_page(raw).reason == "blocked_page"


class TestGenericBlockPages:
    @pytest.mark.parametrize(("lang", "body", "marker"), GENERIC, ids=[f"{c[0]}-{c[2]}" for c in GENERIC])
    def test_a_403_or_captcha_served_as_200(self, lang, body, marker):
        assert detect_block_page(200, {}, body) == marker

    def test_heading_wording_tolerates_a_vendor_footer_but_not_a_site_menu(self):
        body = "<title>Доступ запрещён</title><p>У вас нет прав на просмотр этой страницы.</p>"
        assert detect_block_page(200, {}, body + _links(BLOCK_MAX_LINKS)) == "title:доступ запрещен"
        assert detect_block_page(200, {}, body + _links(BLOCK_MAX_LINKS + 1)) is None

    def test_body_wording_needs_a_nearly_link_less_page(self):
        body = "<title>Новости</title><p>Доступ ограничен до конца проверки.</p>"
        assert detect_block_page(200, {}, body + _links(INTERSTITIAL_MAX_LINKS)) == "phrase:доступ ограничен"
        assert detect_block_page(200, {}, body + _links(INTERSTITIAL_MAX_LINKS + 1)) is None

    def test_feeds_and_sitemaps_are_never_block_pages(self):
        feed = "<rss><channel><title>Доступ запрещён</title><item><title>Too many requests</title></item>"
        assert detect_block_page(200, {}, feed) is None


class TestFalsePositives:
    def test_the_browser_check_story_not_even_behind_every_vendor(self):
        assert detect_block_page(200, {**STORY.headers, **VENDOR_HEADERS_ON}, STORY.body) is None
        assert not is_block_text(STORY_GOLDEN["title"], "\n".join(STORY_GOLDEN["paragraphs"]))

    @pytest.mark.parametrize("page", list(PAGES.values()), ids=lambda p: p.file or "-")
    def test_no_fixture_document_of_any_type_behind_a_vendor(self, page):
        if page.status != 403:  # the one Cloudflare challenge
            assert detect_block_page(page.status, {**page.headers, **VENDOR_HEADERS_ON}, page.body) is None

    def test_no_aeb_page_and_no_aeb_text(self):
        offenders = []
        for aeb in load_pages(require_shared(AEB_DIR)):
            if marker := detect_block_page(200, VENDOR_HEADERS_ON, aeb.html):
                offenders.append((aeb.id, marker))
            title = re.search(r"(?is)<title[^>]*>(.*?)</title>", aeb.html)
            if is_block_text(title.group(1) if title else None, aeb.truth):
                offenders.append((aeb.id, "text"))
        assert offenders == []

    @pytest.mark.parametrize("lang", SHORT_STORIES)
    def test_short_stories_about_blocks(self, lang):
        title, text = SHORT_STORIES[lang]
        assert len(text.split()) < BLOCK_TEXT_MAX_WORDS
        assert detect_block_page(200, {}, _article_page(title, text)) is None  # declared an article
        assert detect_block_page(200, {}, _article_page(title, text, 30, markup="")) is None  # a site's menu
        assert not is_block_text(title, text)


class TestStoredText:
    @pytest.mark.parametrize("name", sorted(STORED_ROWS))
    def test_the_fault_pass_rows(self, name):
        row = STORED_ROWS[name]
        assert is_block_text(row["title"], "\n".join(row["paragraphs"]))

    @pytest.mark.parametrize(
        ("title", "text"),
        [
            ("Вы не робот?", "Нажмите на кнопку, чтобы продолжить."),  # the title is block wording
            (
                "Access Denied - Sucuri Website Firewall",
                "If you are the site owner, please whitelist your IP.",
            ),
            ("DDoS-Guard", "Это займёт не более пяти секунд."),
            ("Сіз робот емессіз бе?", "Жалғастыру үшін түймені басыңыз."),
            ("Tengrinews.kz", "Проверка браузера перед переходом на сайт\nЭто займёт не более пяти секунд."),
            (
                "Tengrinews.kz",
                "Checking your browser before accessing en.tengrinews.kz\nThis takes a second.",
            ),
        ],
    )
    def test_block_page_rows(self, title, text):
        assert is_block_text(title, text)

    def test_block_wording_as_a_headline_label_is_a_story(self):
        text = "Парк в центре Алматы закрыли на ремонт до конца лета."
        assert not is_block_text("Доступ запрещён: парк закрыли на ремонт", text)
        assert not is_block_text("Парк закрыли", "Доступ запрещён — такую табличку повесили у входа в парк.")

    def test_a_long_text_is_never_a_block_page(self):
        text = "Доступ запрещён. Вы не робот? " * (BLOCK_TEXT_MAX_WORDS // 5 + 1)
        assert len(text.split()) > BLOCK_TEXT_MAX_WORDS
        assert not is_block_text("Доступ запрещён", text)
