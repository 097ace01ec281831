"""Counting in hash passes (semtel_core.hash_passes) gives the one-pass answers: distinct conversations per
classifier, repeated ids, distinct contents and duplicate result pairs, with a pass per 7 keys."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from semtel_core import hash_passes
from semtel_core.config import load_settings
from semtel_core.errors import ReconciliationError
from semtel_core.extract import extract
from semtel_core.load.dataset import _check_unique
from semtel_core.load.reading import scan_results
from semtel_core.quality import week_counts
from semtel_core.quality.week_counts import count_week
from semtel_core.schema.results import RESULT_SCHEMA, result_row

pytestmark = [pytest.mark.unit]


def _results(path: Path) -> str:
    rows = [
        result_row(
            run_id="r",
            conversation_id=None if i == 5 else f"c{i % 40}",  # ids repeat across the 3 classifiers and twice
            content_hash=f"h{i}",
            classifier=name,
            classifier_version="1",
            status="ok",
            label="coding",
            strategy="multi",
            created_at=datetime(2026, 10, 6, tzinfo=UTC),
        )
        for i in range(60)
        for name in ("topic", "satisfaction", None)
    ]
    path.mkdir()
    pq.write_table(pa.Table.from_pylist(rows, schema=RESULT_SCHEMA), path / "part-0.parquet")
    return str(path)


def test_counts_in_passes_equal_one_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    results = _results(tmp_path / "results")
    monkeypatch.setattr(week_counts, "CROSS_TABS", (("topic", "satisfaction"),))  # pairs joined in passes too
    once = count_week(results)
    with pytest.raises(ReconciliationError) as one_pass:
        _check_unique(scan_results(results))
    monkeypatch.setattr(hash_passes, "KEYS_PER_PASS", 7)
    assert hash_passes.passes_for(180) == 26
    passes = count_week(results)
    assert passes.per_classifier.equals(once.per_classifier) and passes.combinations.equals(once.combinations)
    assert passes.equals(once) and once.conversations == 41
    # ids c0..c19 twice on each side (4 pairs each), c5 once (its other row has a null id), c20..c39 once
    assert once.pairs["conversations"].to_list() == [19 * 4 + 1 + 20]
    topic = once.row("topic")
    assert topic is not None and topic["distinct_conversations"] == 41  # 40 ids and a null
    with pytest.raises(ReconciliationError) as in_passes:
        _check_unique(scan_results(results))
    assert in_passes.value.details == one_pass.value.details


def test_extract_in_passes_equals_one_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [
        {"conversation_id": f"c{i % 50}", "messages": [{"role": "user", "content": f"text {i % 30}"}]}
        for i in range(80)
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(line) + "\n" for line in lines))
    settings = load_settings()
    once = extract([str(source)], str(tmp_path / "once"), settings)
    monkeypatch.setattr(hash_passes, "KEYS_PER_PASS", 7)
    passes = extract([str(source)], str(tmp_path / "passes"), settings)
    paths = {"conversations_path", "rejects_path"}
    assert passes.model_dump(exclude=paths) == once.model_dump(exclude=paths)
    assert (once.rejected_by_reason, once.unique_content) == ({"duplicate_id": 30}, 30)
    assert pq.read_table(passes.conversations_path).equals(pq.read_table(once.conversations_path))
    assert pq.read_table(passes.rejects_path).equals(pq.read_table(once.rejects_path))
