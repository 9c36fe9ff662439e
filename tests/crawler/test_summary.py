"""The end-of-run summary: stored per edition, dropped per reason, a plain word when the site blocks us."""

import pytest
from scrapy import Spider
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.extensions.summary import RunSummaryExtension
from crawler.runview import format_summary, format_table

STATS = {
    "finish_reason": "finished",
    "response_received_count": 29,
    "kznews/article_pages": 10,
    "kznews/skipped/known": 4,
    "kznews/stored": 7,
    "kznews/stored/ru": 5,
    "kznews/stored/kk-Latn": 2,
    "kznews/updated": 1,
    "kznews/unchanged": 2,
    "kznews/dropped/too_short": 3,
    "kznews/dropped/duplicate": 1,
    "kznews/blocked": 2,
}


def test_summary_lists_editions_and_drop_reasons():
    text = format_summary("kazinform", STATS)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert lines[0] == "kznews run summary: kazinform (finished)"
    assert "stored [ru] 5" in lines and "stored [kk-Latn] 2" in lines
    assert "dropped: too_short 3" in lines and "dropped: duplicate 1" in lines
    assert "already stored 4 (not fetched again)" in lines
    assert any(line.startswith("BLOCKED: the site answered 2 request(s)") for line in lines)


def test_summary_of_a_quiet_run_has_no_block_warning():
    text = format_summary("tengrinews", {"finish_reason": "finished"})
    assert "BLOCKED" not in text and "stored (new) 0" in " ".join(text.split())


def test_extension_prints_the_summary_at_spider_close(capsys):
    crawler = get_crawler(Spider)
    crawler.stats.set_value("kznews/stored/en", 3)
    extension = RunSummaryExtension.from_crawler(crawler)
    extension.spider_closed(Spider("kazinform"), "finished")
    assert "stored [en]" in capsys.readouterr().out


def test_extension_can_be_switched_off():
    with pytest.raises(NotConfigured):
        RunSummaryExtension.from_crawler(get_crawler(Spider, {"KZNEWS_SUMMARY_ENABLED": False}))


def test_a_failed_runs_first_line_says_what_failed_and_what_to_do():
    stats = {
        "finish_reason": "site_unreachable",
        "kznews/gave_up_after": 10,
        "downloader/exception_count": 12,
        "kznews/connection_failed/www.inform.kz/connection_refused": 12,
    }
    lines = format_summary("kazinform", stats).splitlines()
    assert lines[0] == (
        "kznews run FAILED: kazinform: no response from the site (www.inform.kz: connection refused x 12):"
        " given up after 10 tries in a row: check the network (DNS, proxy, firewall) / KZNEWS_HOST_MAP"
    )
    assert lines[-1] == "  no answer: www.inform.kz: connection refused x 12"  # one line per host


def test_a_failed_harvests_first_line_names_the_sites_the_cause_and_the_fix():
    down = {"finish_reason": "finished", "downloader/exception_count": 4}
    table = format_table(
        [
            ("kazinform", "finished", None, {"finish_reason": "finished"}),
            ("tengrinews", "failed", "no response from the site (4 download errors)", down),
        ]
    ).splitlines()
    assert table[0] == (
        "kznews harvest FAILED: tengrinews: no response from the site:"
        " check the network (DNS, proxy, firewall) / KZNEWS_HOST_MAP"
    )
    assert table[-1] == "  tengrinews failed: no response from the site (4 download errors)"
