"""The core's public surface: usable with no Scrapy, validation reasons."""

import subprocess
import sys

from pipelines import Article, Rejection, extract_html, extract_text
from pipelines.core import validate_article
from pipelines.options import CleanOptions


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
