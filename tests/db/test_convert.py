from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from db.convert import article_key, article_values, content_hash, jsonable, offset_minutes, strip_nul
from pipelines.article import Article

NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def test_content_hash_ignores_whitespace_and_unicode_composition_only():
    base = content_hash("Заголовок", "Первый абзац.\nВторой.")
    assert base == content_hash(" Заголовок ", "Первый  абзац.\n\nВторой. ")
    assert base == content_hash("Заголовок", "Первый абзац.\nВторой.".replace("й", "и\u0306"))  # NFD й
    assert base != content_hash("Заголовок", "Первый абзац.\nВторой!")
    assert base != content_hash("Другой", "Первый абзац.\nВторой.")
    assert len(base) == 64


def test_article_key_prefers_canonical_url():
    assert article_key(Article(url="https://a/1?x", canonical_url="https://a/1")) == "https://a/1"
    assert article_key(Article(url="https://a/1?x")) == "https://a/1?x"
    with pytest.raises(ValueError, match="without url"):
        article_key(Article(title="t"))


@pytest.mark.parametrize(("hours", "minutes"), [(6, 360), (5, 300), (0, 0), (-3, -180)])
def test_offset_minutes(hours, minutes):
    assert offset_minutes(datetime(2025, 1, 1, tzinfo=timezone(timedelta(hours=hours)))) == minutes


def test_article_values_fill_times_from_seen_at_and_strip_nul():
    values = article_values(Article(url="https://a/\x001", paragraphs=("x\x00 y",)), site_id=3, seen_at=NOW)
    assert values["url"] == values["canonical_url"] == "https://a/1"
    assert (values["text"], values["word_count"], values["site_id"]) == ("x y", 2, 3)
    assert values["fetched_at"] == values["first_seen_at"] == values["updated_at"] == NOW
    assert values["published_at"] is None and values["published_offset_minutes"] is None


def test_jsonable_makes_scrapy_stats_storable():
    stats = {"start_time": NOW, "a\x00": ("x", 1), "ratio": 0.5, "none": None, "obj": object}
    out = jsonable(stats)
    json.dumps(out)
    assert out["start_time"] == "2025-03-01T08:00:00+00:00"
    assert out["a"] == ["x", 1]
    assert out["obj"].startswith("<class")
    assert strip_nul("\x00a\x00") == "a"
