"""Entity-level precision and recall on the labelled corpus, with floors set just below what we reach.

The numbers themselves are printed by ``benchmarks/pii_eval.py`` and recorded in ``docs/privacy.md``.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from semtel_core.config import PrivacySettings
from semtel_core.errors import InputFileError
from semtel_core.privacy import build_scrubber
from semtel_core.privacy.evaluation import EvalReport, Score, evaluate, format_table, load_corpus

pytestmark = [pytest.mark.unit]

CORPUS = Path(__file__).with_name("pii_corpus.jsonl")

# Floors: a little below the measured figures (docs/privacy.md), so a regression of one or two entities fails.
OVERALL_PRECISION, OVERALL_RECALL = 0.98, 0.95
PER_TYPE_FLOORS = {  # entity: (precision, recall)
    "EMAIL": (0.97, 0.95),
    "PHONE": (0.95, 0.85),
    "CREDIT_CARD": (0.97, 0.97),
    "IBAN": (0.97, 0.97),
    "IP_ADDRESS": (0.97, 0.97),
    "SECRET": (0.95, 0.95),
    "URL_WITH_CREDENTIALS": (0.95, 0.95),
    "NATIONAL_ID": (0.95, 0.9),
    "PASSPORT": (0.9, 0.85),
}


@pytest.fixture(scope="module")
def report() -> EvalReport:
    return evaluate(build_scrubber(PrivacySettings()), load_corpus(CORPUS))


def test_corpus_is_large_and_covers_every_type_and_hard_negatives() -> None:
    cases = load_corpus(CORPUS)
    assert len(cases) >= 250
    assert len({case.case_id for case in cases}) == len(cases)
    per_type = Counter(entity for case in cases for entity, _ in case.entities)
    assert set(per_type) == set(PER_TYPE_FLOORS)
    assert min(per_type.values()) >= 10
    negatives = [case for case in cases if not case.entities]
    assert len(negatives) >= 100, "hard negatives (look-alikes) are half the point of the corpus"


def test_overall_precision_and_recall_floors(report: EvalReport) -> None:
    overall = report.overall
    assert overall.precision >= OVERALL_PRECISION, format_table(report)
    assert overall.recall >= OVERALL_RECALL, format_table(report)


@pytest.mark.parametrize("entity", sorted(PER_TYPE_FLOORS))
def test_per_type_precision_and_recall_floors(report: EvalReport, entity: str) -> None:
    precision_floor, recall_floor = PER_TYPE_FLOORS[entity]
    score = report.scores[entity]
    assert score.precision >= precision_floor, format_table(report)
    assert score.recall >= recall_floor, format_table(report)


def test_scores_count_wrong_extent_as_one_false_positive_and_one_false_negative(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    rows = [
        # The scrubber finds "+1 415-555-2671"; the label claims a shorter extent.
        {"id": "a", "category": "t", "text": "call +1 415-555-2671", "entities": [{"type": "PHONE", "text": "415-555-2671"}]},
        {"id": "b", "category": "t", "text": "mail x@example.com", "entities": [{"type": "EMAIL", "text": "x@example.com"}]},
        {"id": "c", "category": "t", "text": "nothing here", "entities": [{"type": "EMAIL", "text": "here"}]},
    ]  # fmt: skip
    corpus.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    result = evaluate(build_scrubber(PrivacySettings()), load_corpus(corpus))
    assert (result.scores["PHONE"].tp, result.scores["PHONE"].fp, result.scores["PHONE"].fn) == (0, 1, 1)
    assert (result.scores["EMAIL"].tp, result.scores["EMAIL"].fp, result.scores["EMAIL"].fn) == (1, 0, 1)
    assert result.overall.precision == pytest.approx(1 / 2)
    assert result.overall.recall == pytest.approx(1 / 3)
    assert {(e.case_id, e.kind) for e in result.errors} == {("a", "fp"), ("a", "fn"), ("c", "fn")}


def test_score_of_nothing_is_perfect_not_a_division_by_zero() -> None:
    assert (Score().precision, Score().recall) == (1.0, 1.0)


def test_a_label_that_is_not_in_its_text_is_rejected(tmp_path: Path) -> None:
    corpus = tmp_path / "bad.jsonl"
    row = {"id": "x", "category": "t", "text": "abc", "entities": [{"type": "EMAIL", "text": "zzz"}]}
    corpus.write_text(json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="not found") as info:
        load_corpus(corpus)
    assert info.value.details["line"] == 1
