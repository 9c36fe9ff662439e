import json

import pytest

from bench.aeb import AEB_DIR, Scores, corpus_scores, shingle_match, shingles, tokenize
from bench.quality_gate import (
    BASELINE_PATH,
    EPSILON,
    GateResult,
    aeb_corpus,
    check,
    fingerprint,
    load_baseline,
    update_baseline,
)
from tests.services import require_shared

needs_aeb = pytest.mark.usefixtures("aeb")


@pytest.fixture
def aeb():
    """The AEB pages: skipped without ../shared, a failure under KZNEWS_REQUIRE_SERVICES=1 (CI)."""
    return require_shared(AEB_DIR)


class TestMetric:
    def test_tokenizes_unicode_words(self):
        assert tokenize("Қазақстан, 2024-ші жыл! it's") == ["Қазақстан", "2024", "ші", "жыл", "it", "s"]

    def test_one_shingle_differs(self):
        # true: (a b c d) (b c d e); pred: (a b c d) (b c d x) -> tp 1, fp 1, fn 1, normalised to thirds
        tp, fp, fn = shingle_match("a b c d e", "a b c d x")
        assert (tp, fp, fn) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
        scores = corpus_scores([(tp, fp, fn)])
        assert (scores.precision, scores.recall, scores.f1) == pytest.approx((0.5, 0.5, 0.5))

    def test_repeated_text_counts_as_false_positives(self):
        tp, fp, fn = shingle_match("a b c d", "a b c d. a b c d")
        # pred multiset: (a b c d) x2, (b c d a) (c d a b) (d a b c): the true shingle once, 4 fp
        assert (tp, fp, fn) == pytest.approx((1 / 5, 4 / 5, 0))

    def test_text_shorter_than_a_shingle_is_one_shingle(self):
        assert shingles("hello world") == {("hello", "world"): 1}
        assert shingle_match("hello world", "hello world") == (1.0, 0.0, 0.0)

    def test_empty_prediction_scores_recall_zero_and_skips_precision(self):
        rows = [shingle_match("a b c d", ""), shingle_match("a b c d", "a b c d")]
        scores = corpus_scores(rows)
        assert (scores.precision, scores.recall) == (1.0, 0.5)
        assert scores.f1 == pytest.approx(2 / 3)

    def test_both_empty_counts_in_neither_average(self):
        rows = [shingle_match("", ""), shingle_match("a b c d e", "a b c d x")]
        assert corpus_scores(rows) == corpus_scores(rows[1:])

    def test_f1_is_harmonic_mean_of_the_averages(self):
        rows = [shingle_match("a b c d e f", "a b c d e f x y z"), shingle_match("a b c d e f", "a b c d")]
        # page 1: tp 3, fp 3 -> P 0.5 R 1; page 2: tp 1, fn 2 -> P 1 R 1/3
        scores = corpus_scores(rows)
        assert (scores.precision, scores.recall) == pytest.approx((0.75, 2 / 3))
        assert scores.f1 == pytest.approx(2 * 0.75 * (2 / 3) / (0.75 + 2 / 3))


class TestFingerprint:
    def test_changes_with_a_byte(self, tmp_path):
        path = tmp_path / "ground-truth.json"
        path.write_text('{"x": 1}')
        before = fingerprint([path])
        path.write_text('{"x": 2}')
        assert fingerprint([path]) != before

    @needs_aeb
    def test_aeb_matches_the_pinned_corpus(self):
        assert fingerprint(aeb_corpus().files) == load_baseline()["aeb"]["sha256"]


def _result(f1: float, floor: float | None, sha: str = "s", pinned: str | None = "s") -> GateResult:
    return GateResult("aeb", Scores(f1, f1, f1), 181, sha, floor, pinned)


class TestBaseline:
    def test_passes_within_noise_and_fails_below(self):
        assert _result(0.9700 - EPSILON / 2, 0.97).passed
        assert not _result(0.9700 - 2 * EPSILON, 0.97).passed
        assert not _result(0.99, None).passed

    def test_a_changed_corpus_fails_even_above_the_floor(self):
        assert not _result(0.99, 0.97, sha="new").passed

    def test_update_raises_a_floor(self, tmp_path):
        path = tmp_path / "baseline.json"
        path.write_text(json.dumps({"aeb": {"f1": 0.97, "sha256": "s"}}))
        assert update_baseline([_result(0.98127, 0.97)], allow_regression=False, path=path) == []
        assert json.loads(path.read_text())["aeb"]["f1"] == 0.9812

    def test_update_refuses_to_lower_a_floor_without_allow_regression(self, tmp_path):
        path = tmp_path / "baseline.json"
        path.write_text(json.dumps({"aeb": {"f1": 0.97, "sha256": "s"}}))
        assert update_baseline([_result(0.95, 0.97)], allow_regression=False, path=path) == ["aeb"]
        assert json.loads(path.read_text())["aeb"]["f1"] == 0.97
        assert update_baseline([_result(0.95, 0.97)], allow_regression=True, path=path) == []
        assert json.loads(path.read_text())["aeb"]["f1"] == 0.95


@needs_aeb
class TestGateOnAeb:
    def test_extractor_stays_above_the_floor(self):
        (result,) = check(names=["aeb"])
        assert result.floor is not None, f"no floor pinned in {BASELINE_PATH}"
        assert result.passed, f"AEB F1 {result.scores.f1:.4f} below floor {result.floor:.4f}"

    def test_gate_fails_an_extractor_that_returns_nothing(self):
        (result,) = check(lambda html, url=None: "", names=["aeb"])
        assert result.scores.recall == 0.0
        assert not result.passed
