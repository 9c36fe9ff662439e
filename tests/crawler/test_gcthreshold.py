import gc

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.extensions.gcthreshold import GcThresholdExtension, parse_thresholds


@pytest.mark.parametrize(
    ("value", "expected"),
    [([50_000, 10, 10], (50_000, 10, 10)), ("20000,5", (20_000, 5)), ("0", (0,)), ((1000,), (1000,))],
)
def test_thresholds_parse(value, expected):
    assert parse_thresholds(value) == expected


@pytest.mark.parametrize("value", ["", "a,b", "1,2,3,4", "-1", [700, -5]])
def test_bad_thresholds_are_a_clear_error(value):
    with pytest.raises(ValueError, match=r"KZNEWS_GC_THRESHOLD=.*expected 1 to 3 non-negative integers"):
        parse_thresholds(value)


def test_the_engine_start_applies_the_setting_and_an_empty_one_disables_it():
    previous = gc.get_threshold()
    try:
        extension = GcThresholdExtension.from_crawler(
            get_crawler(settings_dict={"KZNEWS_GC_THRESHOLD": "12345,7,3"})
        )
        assert gc.get_threshold() == previous  # nothing before the engine starts
        extension.engine_started()
        assert gc.get_threshold() == (12345, 7, 3)
    finally:
        gc.set_threshold(*previous)
    with pytest.raises(NotConfigured):
        GcThresholdExtension.from_crawler(get_crawler(settings_dict={"KZNEWS_GC_THRESHOLD": []}))


def test_the_project_setting_is_valid():
    from crawler import settings

    assert parse_thresholds(settings.KZNEWS_GC_THRESHOLD)[0] > 700
