"""The comparison over result rows and the gate: an identical run passes, an injected shift fails."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from semtel_core.config import EvaluationSettings
from semtel_core.errors import EvaluationGateError, InputFileError
from semtel_core.evaluate.compare import compare_runs
from semtel_core.evaluate.gate import enforce_gate, gate_failures
from semtel_core.evaluate.report import write_report
from semtel_core.evaluate.results_io import load_run, run_labels
from semtel_core.schema.results import RESULT_SCHEMA, ClassificationResult

pytestmark = [pytest.mark.unit]

Rows = Callable[..., list[ClassificationResult]]

SETTINGS = EvaluationSettings(bootstrap_resamples=300)
TOPICS = ["coding", "math", "writing"]


def _labels(n: int, seed: int = 0) -> list[tuple[str, str | None]]:
    rng = np.random.default_rng(seed)
    return [(f"c{i:04d}", str(rng.choice(TOPICS))) for i in range(n)]


def _shifted(pairs: list[tuple[str, str | None]], every: int) -> list[tuple[str, str | None]]:
    """Every ``every``-th conversation labelled 'coding' in B becomes 'math': a one-directional shift."""
    return [
        (c, "math" if label == "coding" and i % every == 0 else label) for i, (c, label) in enumerate(pairs)
    ]


def test_identical_comparison_passes_the_gate(result_rows: Rows) -> None:
    pairs = _labels(400)
    a, b = run_labels(result_rows(pairs)), run_labels(result_rows(pairs, run_id="run-b", model="model-b"))
    comparison = compare_runs(a, b, SETTINGS)
    (topic,) = comparison.classifiers
    assert topic.agreement.estimate == 1.0 and topic.kappa.estimate == 1.0 and topic.jsd.estimate == 0.0
    assert topic.distribution_a == topic.distribution_b
    assert comparison.disagreements == []
    assert comparison.config_b["model"] == ["model-b"]
    enforce_gate(comparison, SETTINGS)  # does not raise


def test_injected_shift_fails_the_gate_with_each_breach_named(
    result_rows: Rows,
) -> None:
    pairs = _labels(400)
    a, b = run_labels(result_rows(pairs)), run_labels(result_rows(_shifted(pairs, every=2)))
    comparison = compare_runs(a, b, SETTINGS)
    failed = {f.metric for f in gate_failures(comparison, SETTINGS)}
    assert {"agreement", "kappa", "jsd", "chi_square_p"} <= failed
    with pytest.raises(EvaluationGateError) as info:
        enforce_gate(comparison, SETTINGS)
    assert {f["metric"] for f in info.value.details["failures"]} == failed


def test_small_shift_under_the_thresholds_passes(
    result_rows: Rows,
) -> None:
    pairs = _labels(1000, seed=3)
    b = _shifted(pairs, every=100)  # ~0.3% of rows move
    comparison = compare_runs(run_labels(result_rows(pairs)), run_labels(result_rows(b)), SETTINGS)
    assert gate_failures(comparison, SETTINGS) == []
    assert 0 < len(comparison.disagreements) < 10


def test_more_invalid_rows_in_b_fail_the_gate(result_rows: Rows) -> None:
    pairs = _labels(200)
    b = [(c, None if i % 10 == 0 else label) for i, (c, label) in enumerate(pairs)]
    comparison = compare_runs(run_labels(result_rows(pairs)), run_labels(result_rows(b)), SETTINGS)
    (topic,) = comparison.classifiers
    assert topic.unlabelled_b == pytest.approx(0.1) and topic.paired == 180
    assert [f.metric for f in gate_failures(comparison, SETTINGS)] == ["unlabelled_increase"]


def test_a_classifier_missing_from_b_fails(result_rows: Rows) -> None:
    a = run_labels(result_rows(_labels(50)))
    comparison = compare_runs(a, run_labels([]), SETTINGS)
    assert comparison.classifiers[0].paired == 0
    assert {f.metric for f in gate_failures(comparison, SETTINGS)} >= {"agreement", "kappa", "jsd"}


def test_repeat_runs_give_consistency_per_side(
    result_rows: Rows,
) -> None:
    pairs = _labels(300)
    repeat = [(c, "writing" if i < 30 else label) for i, (c, label) in enumerate(pairs)]
    changed = sum(label != "writing" for _, label in pairs[:30]) / 300
    a = run_labels(result_rows(pairs))
    comparison = compare_runs(a, a, SETTINGS, repeats_a=[run_labels(result_rows(repeat))])
    (topic,) = comparison.classifiers
    assert topic.consistency_a is not None and topic.consistency_b is None
    assert topic.consistency_a.changed_share.estimate == pytest.approx(changed)


def test_results_read_from_parquet_and_jsonl(tmp_path: Path, result_rows: Rows) -> None:
    rows = result_rows([("x1", "coding"), ("x2", None), ("x1", "math")])
    table = pa.Table.from_pylist([r.model_dump() for r in rows], schema=RESULT_SCHEMA)
    pq.write_table(table, tmp_path / "a.parquet")
    jsonl = tmp_path / "b.jsonl"
    jsonl.write_text("\n".join(r.model_dump_json() for r in rows) + "\n")
    for path in (tmp_path / "a.parquet", jsonl):
        run = load_run([path])
        assert run.labels == {"topic": {"x1": "coding", "x2": None}}
        assert run.duplicates == 1


def test_a_file_without_result_columns_is_refused(tmp_path: Path, result_rows: Rows) -> None:
    path = tmp_path / "conversations.jsonl"
    path.write_text(json.dumps({"conversation_id": "a", "messages": []}) + "\n")
    with pytest.raises(InputFileError, match="missing columns"):
        load_run([path])


def test_report_files_escape_user_text(tmp_path: Path, result_rows: Rows) -> None:
    pairs = _labels(40)
    comparison = compare_runs(
        run_labels(result_rows(pairs)), run_labels(result_rows(_shifted(pairs, 1))), SETTINGS
    )
    evil = {cid: "<script>alert(1)</script> user text" for cid, _ in pairs}
    paths = write_report(comparison, gate_failures(comparison, SETTINGS), tmp_path, evil)
    html = paths["disagreements.html"].read_text()
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)" in html
    assert "FAILED" in html
    with paths["disagreements.csv"].open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(comparison.disagreements) > 0
    assert {(r["label_a"], r["label_b"]) for r in rows} == {("coding", "math")}
    body = json.loads(paths["comparison.json"].read_text())
    assert body["gate"]["passed"] is False
    assert body["classifiers"][0]["confusion"] == comparison.classifiers[0].confusion
