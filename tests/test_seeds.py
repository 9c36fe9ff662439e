"""The five seed documents against the goldens a human editor wrote (seeds/NNN_*.expected.json)."""

import json
from pathlib import Path

import pytest

from pipelines.core import extract_text
from tests.services import require_shared

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SHARED_SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
GOLDENS = sorted(SEEDS.glob("*.expected.json"))
FIELDS = (
    "title",
    "lang",
    "script",
    "published_at",
    "date_source",
    "dateline",
    "source_credit",
    "damaged_chars",
    "lead",
    "paragraphs",
)
# Lines that must never reach the stored text (the widgets, share, promo, navigation and related
# blocks of the seed pages).
JUNK_SNIPPETS = (
    "ПОДЕЛИТЬСЯ",
    "Читайте также",
    "Join Telegram",
    "Курс валют",
    "course down",
    "Погода",
    "location-current",
    "Алматы -2",
    "Редакция Реклама",
    "Социальные сети",
    "Skip to Content",
    "Monday, November 30th",
    "Source: Kazakhstan 2050",
)


def _extract(golden: Path):
    text = golden.with_name(golden.name.replace(".expected.json", ".txt")).read_text(encoding="utf-8")
    return extract_text(text)


@pytest.fixture(scope="module", params=GOLDENS, ids=lambda p: p.name[:3])
def seed(request):
    return _extract(request.param).to_json(), json.loads(request.param.read_text(encoding="utf-8"))


def test_there_are_five_goldens_with_sorted_keys_and_no_empty_body():
    assert len(GOLDENS) == 5
    for golden in GOLDENS:
        data = json.loads(golden.read_text(encoding="utf-8"))
        assert list(data) == sorted(data)
        assert data["paragraphs"] and all(p.strip() for p in data["paragraphs"])


def test_seed_texts_are_the_shared_documents_unchanged():
    for path in require_shared(SHARED_SEEDS).glob("*.txt"):
        assert (SEEDS / path.name).read_bytes() == path.read_bytes()


@pytest.mark.parametrize("field", FIELDS)
def test_seed_field_matches_golden(seed, field):
    got, expected = seed
    if field not in expected:
        pytest.skip(f"the golden does not state {field}")
    assert got[field] == expected[field]


def test_seed_has_no_junk_and_every_paragraph_once(seed):
    got, _ = seed
    assert len(got["paragraphs"]) == len(set(got["paragraphs"]))
    for snippet in JUNK_SNIPPETS:
        assert snippet not in got["text"]


def test_seed_text_is_the_paragraphs_joined(seed):
    got, _ = seed
    assert got["text"] == "\n".join(got["paragraphs"])
    assert got["word_count"] == len(got["text"].split())
