"""`kznews extract` of a saved page finds its site from the page itself when no --site or --url is given."""

import json

import pytest

from crawler.cli import main
from crawler.fixturesite import DEFAULT_MANIFEST, FIXTURE_NOW, load_manifest
from crawler.profiles import profile_for_url
from tests.fixture_data import GOLDENS

PAGES = load_manifest()


def extract(capsys, *argv):
    assert main(["extract", "--now", FIXTURE_NOW.isoformat(), *argv]) == 0
    (record,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    record.pop("source")
    return record


@pytest.mark.parametrize("url", sorted(GOLDENS), ids=lambda url: url.rsplit("/", 2)[-2][:40])
def test_a_page_alone_gives_the_article_it_gives_with_its_site_and_url(url, capsys):
    path = str(DEFAULT_MANIFEST.parent / PAGES[url].file)
    alone = extract(capsys, path)
    told = extract(capsys, path, "--url", url, "--site", profile_for_url(url).name)
    assert alone == told


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        ("tengrinews/ru_listing_news_page_1.html", "listing"),
        ("tengrinews/404.html", "error_page"),
        ("kazinform/challenge_cloudflare_403.html", "challenge_page"),
    ],
)
def test_a_page_that_is_no_article_gets_a_verdict_line_and_exit_0(page, reason, capsys):
    path = str(DEFAULT_MANIFEST.parent / page)
    assert main(["extract", path]) == 0
    (record,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (record["source"], record["verdict"], record["reason"]) == (path, "not_article", reason)


def test_a_redirect_stub_gets_a_verdict(tmp_path, capsys):
    stub = tmp_path / "moved.html"
    stub.write_text(
        "<html><head><title>301 Moved Permanently</title></head><body><h1>Moved Permanently</h1>"
        '<p>The document has moved <a href="https://www.inform.kz/ru/x-1a2b3c4d">here</a>.</p></body></html>'
    )
    assert main(["extract", str(stub)]) == 0
    assert json.loads(capsys.readouterr().out)["reason"] == "redirect_stub"
