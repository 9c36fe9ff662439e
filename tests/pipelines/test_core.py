"""The core's public surface: usable with no Scrapy, validation reasons."""

import json
import subprocess
import sys
from dataclasses import replace
from datetime import datetime

import pytest

from pipelines import Article, RawPage, Rejection, clean_page, core, extract_html, extract_text
from pipelines.article import UNSTORABLE, storable
from pipelines.core import validate_article
from pipelines.options import DEFAULT_RULES, CleanOptions, SiteRules


def test_the_core_imports_and_runs_without_scrapy():
    code = (
        "import sys; from pipelines import extract_text; "
        "a = extract_text('Заголовок новости о школе\\n' + 'Текст новости о новой школе в Астане. ' * 10); "
        "assert a.title and 'scrapy' not in sys.modules, sorted(m for m in sys.modules if 'scrapy' in m)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_extract_html_and_extract_text_return_articles():
    html = (
        "<html><head><title>Т</title></head><body><article><p>Один абзац новости.</p></article></body></html>"
    )
    assert isinstance(extract_html(html), Article)
    assert isinstance(extract_text("Один абзац новости."), Article)


def test_validation_names_the_reason():
    empty = Article(title="Заголовок", paragraphs=())
    short = Article(title="Заголовок", paragraphs=("Слишком короткий текст.",))
    untitled = Article(paragraphs=("Текст без заголовка и без даты. " * 20,))
    assert validate_article(empty).reason == "empty_body"
    assert validate_article(Article()).reason == "not_article"
    assert validate_article(short, CleanOptions(min_words=40)).reason == "too_short"
    assert validate_article(untitled).reason == "not_article"
    assert isinstance(validate_article(short), Rejection)
    assert validate_article(short, CleanOptions(min_words=3)) is None


def test_clean_page_rejects_error_statuses_and_challenge_pages():
    from pipelines import RawPage, clean_page

    challenge = (
        b"<html><head><title>Just a moment...</title></head><body><div id='challenge-running'></div>"
        b"<script src='/cdn-cgi/challenge-platform/h/b/orchestrate/jsch/v1'></script></body></html>"
    )
    assert clean_page(RawPage(url="https://www.inform.kz/ru/x-1a2b3c", body=b"", status=404)).reason == (
        "http_status"
    )
    blocked = clean_page(RawPage(url="https://www.inform.kz/ru/x-1a2b3c", body=challenge, status=200))
    assert isinstance(blocked, Rejection) and blocked.reason == "blocked_page"


STORY = "Текст новости о новой школе в Астане и ее учениках. " * 10
URL = "https://tengrinews.kz/news/story-2/"
SITE = SiteRules(hosts=("tengrinews.kz", "kaz.tengrinews.kz"))


def article_page(head: str = "", h1: str = "Заголовок новости", title: str = "Заголовок новости") -> bytes:
    return (
        f'<html lang="ru"><head><meta charset="utf-8"><title>{title}</title>{head}</head><body><article>'
        f"<h1>{h1}</h1><p>{STORY}</p></article></body></html>"
    ).encode()


def cleaned(
    head: str | bytes = "", url: str = URL, rules: SiteRules = DEFAULT_RULES, **raw: object
) -> Article:
    """clean_page of ``article_page(head)`` (or of the page itself, given as bytes): an Article."""
    body = head if isinstance(head, bytes) else article_page(head)
    result = clean_page(RawPage(url=url, body=body, **raw), rules)  # type: ignore[arg-type]
    assert isinstance(result, Article), result
    return result


def ld(node: str) -> str:
    return f'<script type="application/ld+json">{node}</script>'


class TestLastNet:
    def test_anything_a_page_raises_becomes_an_extract_error_with_its_class(self, monkeypatch):
        message = "bad value: " + "страница " * 500 + "\udfff\x00\n"

        def explode(*args, **kwargs):
            raise ValueError(message)

        monkeypatch.setattr(core, "extract_html", explode)
        result = clean_page(RawPage(url=URL, body=article_page()))
        assert (result.reason, result.url) == ("extract_error", URL)
        assert result.detail.startswith("ValueError: bad value: страница страница")
        assert len(result.detail) == len("ValueError: ") + core.MAX_ERROR_CHARS  # never the whole message
        assert "\n" not in result.detail and not UNSTORABLE.search(result.detail)

    def test_an_exception_without_a_message_is_named_by_its_class(self, monkeypatch):
        monkeypatch.setattr(core, "extract_html", lambda *args, **kwargs: next(iter([])))
        assert clean_page(RawPage(url=URL, body=b"<p>x</p>")).detail == "StopIteration"

    def test_what_stops_the_process_is_not_caught(self, monkeypatch):
        def interrupt(*args, **kwargs):
            raise KeyboardInterrupt

        monkeypatch.setattr(core, "extract_html", interrupt)
        with pytest.raises(KeyboardInterrupt):
            clean_page(RawPage(url=URL, body=b"<p>x</p>"))


class TestKnownFaults:
    @pytest.mark.parametrize("headline", ["[]", "{}", "null", "[[]]"])
    def test_a_json_ld_headline_of_no_text_leaves_the_h1_title(self, headline):
        article = cleaned(article_page(ld(f'{{"@type": "NewsArticle", "headline": {headline}}}'), title=""))
        assert article.title == "Заголовок новости" and article.text == STORY.strip()

    @pytest.mark.parametrize("label", ["base64", "hex", "zlib", "rot13", "uu", "idna", "x-bogus"])
    def test_a_charset_that_is_no_text_encoding_is_sniffed(self, label):
        article = cleaned(headers={"Content-Type": f"text/html; charset={label}"})
        assert article.text == STORY.strip() and article.title == "Заголовок новости"

    @pytest.mark.parametrize("bad", ["http://[::1", "http://a b/c", "javascript:void(0)", "https://[::1/a"])
    def test_an_unparsable_link_is_ignored(self, bad):
        head = (
            f'<base href="{bad}"><link rel="canonical" href="{bad}"><meta property="og:url" content="{bad}">'
        )
        head += f'<link rel="alternate" hreflang="kk" href="{bad}">'
        assert cleaned(head).canonical_url == URL

    @pytest.mark.parametrize("control", ["\x0b", "&#11;", "&#x0B;", "\x00", "&#1;", "\ufffe"])
    def test_control_characters_in_the_head_and_headline_on_the_generic_path(self, control):
        head = f'<meta property="og:title" content="Заго{control}ловок">'
        head += f'<meta name="description" content="a{control}">'
        article = cleaned(article_page(head, h1=f"Заголовок{control} новости", title=f"Заголовок{control}"))
        assert article.title == "Заголовок" and article.text == STORY.strip()


class TestStorableText:
    def test_surrogates_and_nul_are_replaced_and_counted_in_every_field(self):
        node = (
            '{"@type": "NewsArticle", "headline": "Заголовок\\udfff", "author": "Ким\\u0000",'
            ' "keywords": ["тег\\ud800"], "articleSection": "Раздел\\udc00",'
            ' "image": {"creditText": "Фото\\udfff"}}'
        )
        article = cleaned(article_page(ld(node), title=""))
        assert (article.title, article.author, article.tags, article.section, article.photo_credits) == (
            "Заголовок\ufffd", "Ким\ufffd", ("тег\ufffd",), "Раздел\ufffd", ("Фото\ufffd",)
        )  # fmt: skip
        assert article.damaged_chars == 5
        json.dumps(article.to_json(), ensure_ascii=False).encode("utf-8")

    def test_a_clean_article_is_returned_as_it_is(self):
        article = Article(title="Заголовок", paragraphs=("Текст.",), tags=("тег",))
        assert storable(article) is article


class TestCanonicalUrl:
    def test_a_canonical_on_another_host_is_ignored(self):
        head = '<link rel="canonical" href="https://elsewhere.kz/news/original-1/">'
        assert cleaned(head, rules=SITE).canonical_url == URL
        assert extract_html(article_page(head), URL, rules=SITE).canonical_url == URL
        assert cleaned(head).canonical_url == URL  # generic rules: not the fetched host either

    def test_extract_html_alone_keeps_a_canonical_it_cannot_check(self):
        head = '<link rel="canonical" href="https://elsewhere.kz/news/original-1/">'
        assert extract_html(article_page(head), URL).canonical_url == "https://elsewhere.kz/news/original-1/"
        other = '<link rel="canonical" href="https://tengrinews.kz/news/story-1/">'
        assert extract_html(article_page(other), URL, rules=SITE).canonical_url.endswith("/story-1/")

    def test_a_canonical_naming_another_story_never_takes_its_key(self):
        head = '<meta property="og:url" content="https://tengrinews.kz/news/story-1/">'
        assert cleaned(head, rules=SITE).canonical_url == URL

    @pytest.mark.parametrize(
        "canonical",
        [URL, "https://www.tengrinews.kz/news/story-2", "https://tengrinews.kz/news/story-%32/#top"],
    )
    def test_the_fetched_page_itself_keeps_its_canonical_form(self, canonical):
        assert cleaned(f'<link rel="canonical" href="{canonical}">', rules=SITE).canonical_url == canonical

    def test_a_canonical_never_downgrades_an_https_page_to_http(self):
        head = '<link rel="canonical" href="http://www.tengrinews.kz/news/story-2">'
        assert cleaned(head, rules=SITE).canonical_url == "https://www.tengrinews.kz/news/story-2"
        plain = URL.replace("https:", "http:")  # fetched over http: an https canonical is kept as it is
        assert cleaned(f'<link rel="canonical" href="{URL}">', plain, SITE).canonical_url == URL

    def test_a_redirect_the_crawler_followed_keeps_the_canonical(self):
        head = f'<link rel="canonical" href="{URL}">'
        assert cleaned(head, URL + "?utm_source=rss", SITE, aliases=(URL,)).canonical_url == URL
        assert cleaned(head, URL + "?utm_source=rss", SITE).canonical_url == URL + "?utm_source=rss"
        moved = "https://kaz.tengrinews.kz/news/story-2/"  # another host of the site: not the same page
        assert cleaned(head, moved, SITE, aliases=(URL,)).canonical_url == moved

    @pytest.mark.parametrize(
        "amp",
        [
            "https://tengrinews.kz/amp/news/story-2/",
            "https://tengrinews.kz/news/story-2/amp",
            "https://tengrinews.kz/news/story-2/?amp",
            "https://tengrinews.kz/news/story-2/?amp=1",
            "https://amp.tengrinews.kz/news/story-2/",
        ],
    )
    def test_an_amp_twin_is_stored_under_its_canonical_page(self, amp):
        assert cleaned(f'<link rel="canonical" href="{URL}">', amp, SITE).canonical_url == URL

    def test_an_amp_url_of_another_story_is_not_its_twin(self):
        head = '<link rel="canonical" href="https://tengrinews.kz/news/story-1/">'
        amp = "https://tengrinews.kz/amp/news/story-2/"
        assert cleaned(head, amp, SITE).canonical_url == amp


class TestFutureDates:
    NOW = datetime.fromisoformat("2026-04-28T12:00:00+05:00")

    def test_a_date_after_now_from_any_source_is_refused(self):
        head = ld('{"@type": "NewsArticle", "datePublished": "2099-11-19T10:00:00+05:00"}')
        head += '<meta property="article:modified_time" content="2099-11-19T10:00:00+05:00">'
        article = cleaned(head, "https://ex.kz/news/2099/11/19/story/", fetched_at=self.NOW)
        assert article.published_at is None and article.modified_at is None

    def test_without_now_the_real_clock_bounds_every_source(self):
        head = ld('{"@type": "NewsArticle", "datePublished": "2099-11-19T10:00:00+05:00"}')
        article = extract_html(article_page(head), "https://ex.kz/news/2099/11/19/story/")
        assert article.published_at is None
        past = ld('{"@type": "NewsArticle", "datePublished": "2024-11-19T10:00:00+05:00"}')
        assert extract_html(article_page(head + past), "https://ex.kz/s/").published_at.year == 2024

    def test_a_future_date_line_of_a_page_text_is_refused(self):
        text = "Заголовок новости о школе\n19 ноября 2099, 10:00\n" + STORY
        assert extract_text(text, "https://ex.kz/2024/05/06/a", now=self.NOW).published_at.year == 2024


def test_a_body_over_the_cap_is_rejected_as_too_long():
    long = Article(title="Заголовок", paragraphs=("слово " * (core.MAX_TEXT_CHARS // 6 + 1),))
    assert validate_article(long).reason == "text_too_long"
    assert validate_article(replace(long, paragraphs=("слово " * 1000,))) is None
