"""crawler/logformatter.py: item messages name the page, never carry it."""

from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawler.logformatter import QuietLogFormatter
from pipelines.article import RawPage


def rendered(entry):
    return entry["msg"] % entry["args"]


def test_a_dropped_or_failed_item_is_named_by_its_url_not_its_body():
    page = RawPage("https://www.inform.kz/ru/x-a1f3c9", b"<p>" + b"x" * 100_000)
    formatter, spider = QuietLogFormatter(), Spider.from_crawler(get_crawler(Spider), "t")
    dropped = rendered(formatter.dropped(page, DropItem("too_short: 3 words"), None, spider))
    failed = rendered(formatter.item_error(page, ValueError("odd"), None, spider))
    for line in (dropped, failed):
        assert "<RawPage https://www.inform.kz/ru/x-a1f3c9>" in line and len(line) < 200


def test_scraped_is_skipped_above_debug_and_short_at_debug():
    page = RawPage("https://www.inform.kz/ru/x-a1f3c9", b"x" * 100_000)
    assert QuietLogFormatter(level=20).scraped(page, None, None) is None
    assert len(rendered(QuietLogFormatter().scraped(page, None, None))) < 200
