"""`kznews extract` end to end through the console entry point (crawler.cli.main)."""

import gzip
import io
import json
import shutil
from pathlib import Path

import pytest

from crawler.cli import main

REPO = Path(__file__).resolve().parents[2]
SEED_002 = next((REPO / "seeds").glob("002_*.txt"))
SEED_004 = next((REPO / "seeds").glob("004_*.txt"))
KK_PAGE = REPO / "crawler/fixture_site/kazinform/kk_2026_04_27_astanada-zhana-mektep.html"
CP1251_PAGE = REPO / "crawler/fixture_site/kazinform/ru_2026_04_26_kostanay-vesenniy-sev.cp1251.html"
REQUIRED = {
    "source", "url", "canonical_url", "site", "lang", "script", "title", "text", "lead", "published_at",
    "modified_at", "date_source", "author", "tags", "section", "dateline", "source_credit", "translations",
    "damaged_chars", "word_count",
}  # fmt: skip


def run(capsys, *argv):
    status = main(["extract", *argv])
    out, err = capsys.readouterr()
    return status, [json.loads(line) for line in out.splitlines()], err


def test_text_file_prints_one_json_line_with_every_field(capsys):
    status, records, err = run(capsys, str(SEED_002))
    assert status == 0 and err == ""
    [record] = records
    assert REQUIRED <= set(record)
    assert record["source"] == str(SEED_002)
    assert record["title"] == "Аким Астаны встретился с губернатором Челябинской области"
    assert record["lang"] == "ru" and record["script"] == "Cyrl"
    assert record["word_count"] == len(record["text"].split())


def test_html_and_html_gz_take_the_html_path(capsys, tmp_path):
    gz = tmp_path / "page.html.gz"
    gz.write_bytes(gzip.compress(KK_PAGE.read_bytes()))
    status, records, _ = run(capsys, str(KK_PAGE), str(gz))
    assert status == 0
    assert (
        records[0]["title"] == records[1]["title"] == "Астанада 1200 орындық жаңа мектеп пайдалануға берілді"
    )
    assert records[0]["lang"] == "kk" and records[0]["published_at"] == "2026-04-27T09:30:00+05:00"
    assert records[0]["translations"] == []  # its language switcher links only to edition front pages


def test_cp1251_page_is_decoded_from_its_declared_charset(capsys):
    status, [record], _ = run(capsys, str(CP1251_PAGE))
    assert status == 0
    assert "Костанайской" in record["title"]
    assert "\ufffd" not in record["text"] and record["damaged_chars"] == 0


def test_url_picks_the_site_rules_and_is_reported(capsys):
    url = "https://www.inform.kz/kz/astanada-zhana-mektep-paidalanugha-berildi-7d2e40"
    status, [record], _ = run(capsys, str(KK_PAGE), "--url", url)
    assert status == 0
    assert record["site"] == "kazinform" and record["url"] == url


def test_stdin_is_read_with_a_dash(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(SEED_004.read_bytes())))
    status, [record], _ = run(capsys, "-")
    assert status == 0
    assert record["title"] == "Astana and Chelyabinsk plan to open direct air flight"
    assert record["source_credit"] == "Kazakhstan 2050"


def test_now_resolves_relative_dates(capsys, tmp_path):
    page = tmp_path / "lenta.txt"
    page.write_text("Сегодня | 08:02\nВ Астане открыли новую школу\n" + "Текст новости о школе. " * 20)
    status, [record], _ = run(capsys, str(page), "--now", "2026-04-28T12:00:00+05:00")
    assert status == 0
    assert record["published_at"] == "2026-04-28T08:02:00+05:00"
    assert record["date_source"] == "text_date_line"


def test_unreadable_file_is_named_on_stderr_others_still_print_and_status_is_2(capsys, tmp_path):
    missing = tmp_path / "missing.html"
    broken = tmp_path / "broken.html.gz"
    broken.write_bytes(b"not gzip at all")
    odd = tmp_path / "notes.pdf"
    shutil.copy(SEED_002, odd)
    status, records, err = run(capsys, str(missing), str(SEED_002), str(broken), str(odd))
    assert status == 2
    assert len(records) == 1 and records[0]["source"] == str(SEED_002)
    for name in (missing, broken, odd):
        assert str(name) in err


def test_unknown_site_is_a_usage_error(capsys):
    status, records, err = run(capsys, str(SEED_002), "--site", "nosuchsite")
    assert status == 2 and records == []
    assert "nosuchsite" in err


def test_now_without_offset_is_refused(capsys):
    with pytest.raises(SystemExit):
        main(["extract", str(SEED_002), "--now", "2026-04-28T12:00:00"])
    assert "offset" in capsys.readouterr().err
