"""`kznews fixture rerun` on a temp copy of tests/fixtures/goldens, through the console entry point."""

import json
import shutil

import pytest

from crawler.cli import main
from crawler.fixturesite import DEFAULT_MANIFEST, load_manifest
from crawler.goldens import GOLDENS_DIR, build_golden, clean_fixture_page, golden_path, render_golden

PAGES = load_manifest()
PAGE_FILE = "tengrinews/ru_2026_04_28_almatyi-elektrobusy.html"
PAGE = next(page for page in PAGES.values() if page.file == PAGE_FILE)
GOLDEN_NAME = "tengrinews/ru_2026_04_28_almatyi-elektrobusy.json"
NOT_ARTICLE_PAGES = {  # target -> what its error says
    str(DEFAULT_MANIFEST.parent / "tengrinews/ru_listing_news_page_1.html"): "not an article URL",
    "tengrinews/ru_2026_04_27_sinoptiki-zamorozki.amp.html": "not an article URL",
    "tengrinews/404.html": "HTTP 404",
    "kazinform/challenge_cloudflare_403.html": "HTTP 403",
    "https://example.org/news/1/": "not a page of the fixture site",
    "no/such/page.html": "not a page of the fixture site",
}


@pytest.fixture
def goldens(tmp_path):
    root = tmp_path / "goldens"
    shutil.copytree(GOLDENS_DIR, root)
    return root


def rerun(capsys, root, *argv):
    status = main(["fixture", "rerun", "--goldens", str(root), *argv])
    out, err = capsys.readouterr()
    return status, out, err


def edit_golden(root, **changes):
    """Change keys of the page's golden; returns the golden as it was."""
    path = golden_path(PAGE_FILE, root)
    golden = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(render_golden({**golden, **changes}), encoding="utf-8")
    return golden


class TestRerun:
    def test_an_edited_golden_is_rewritten_to_the_current_output_and_the_diff_printed(self, goldens, capsys):
        golden = edit_golden(goldens, title="Wrong title", paragraphs=["junk", "kept"])
        status, out, err = rerun(capsys, goldens, str(DEFAULT_MANIFEST.parent / PAGE_FILE))
        assert (status, err) == (0, "")
        assert out.startswith(f"--- a/{GOLDEN_NAME}\n+++ b/{GOLDEN_NAME}\n@@ ")
        assert '\n- "title": "Wrong title",\n' in out and f'\n+ "title": "{golden["title"]}",\n' in out
        assert '\n-  "junk",\n' in out
        current = render_golden(build_golden(clean_fixture_page(PAGE), golden))
        assert golden_path(PAGE_FILE, goldens).read_text(encoding="utf-8") == current
        assert current == golden_path(PAGE_FILE).read_text(encoding="utf-8")  # the checkout's is current too

    def test_dry_run_prints_the_diff_and_writes_nothing(self, goldens, capsys):
        edit_golden(goldens, title="Wrong title")
        edited = golden_path(PAGE_FILE, goldens).read_text(encoding="utf-8")
        status, out, _ = rerun(capsys, goldens, "--dry-run", PAGE.url)
        assert status == 0 and '\n- "title": "Wrong title",\n' in out
        assert golden_path(PAGE_FILE, goldens).read_text(encoding="utf-8") == edited

    def test_human_written_keys_are_kept_and_a_current_golden_is_unchanged(self, goldens, capsys):
        edit_golden(goldens, crawled=False, without=["a snippet a person wrote"])
        edited = golden_path(PAGE_FILE, goldens).read_text(encoding="utf-8")
        status, out, _ = rerun(capsys, goldens, PAGE.url)
        assert (status, out) == (0, f"{golden_path(PAGE_FILE, goldens)}: unchanged\n")
        assert golden_path(PAGE_FILE, goldens).read_text(encoding="utf-8") == edited

    def test_a_page_without_a_golden_gets_one_with_the_default_human_keys(self, goldens, capsys):
        golden_path(PAGE_FILE, goldens).unlink()
        status, out, _ = rerun(capsys, goldens, PAGE_FILE)  # a path relative to crawler/fixture_site
        assert status == 0 and out.startswith(f"--- a/{GOLDEN_NAME}\n+++ b/{GOLDEN_NAME}\n@@ -0,0 ")
        written = json.loads(golden_path(PAGE_FILE, goldens).read_text(encoding="utf-8"))
        assert (written["crawled"], written["without"]) == (True, [])
        assert written == build_golden(clean_fixture_page(PAGE))

    def test_all_reruns_every_page_with_a_golden(self, goldens, capsys):
        status, out, err = rerun(capsys, goldens, "--all")
        assert (status, err) == (0, "")
        assert sorted(out.splitlines()) == sorted(f"{path}: unchanged" for path in goldens.rglob("*.json"))

    @pytest.mark.parametrize(("target", "reason"), NOT_ARTICLE_PAGES.items())
    def test_a_page_that_is_no_fixture_article_page_is_one_error_line(self, goldens, capsys, target, reason):
        status, out, err = rerun(capsys, goldens, target)
        assert (status, out) == (2, "")
        assert err.startswith("kznews fixture: error: ") and reason in err and err.count("\n") == 1

    def test_without_a_goldens_directory_it_says_so_in_one_line(self, tmp_path, capsys):
        status, out, err = rerun(capsys, tmp_path / "missing", "--all")
        assert (status, out) == (2, "")
        assert err.startswith("kznews fixture: error: no goldens directory") and err.count("\n") == 1
