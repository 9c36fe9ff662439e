import pytest

from crawler.fixturesite import load_manifest
from pipelines.blockpage import SHORT_BODY_BYTES, detect_block_page

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
