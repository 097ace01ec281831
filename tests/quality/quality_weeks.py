"""Helpers of the quality tests: synthetic weeks of result rows (RESULT_SCHEMA) plus their extract summary."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from semtel_core.config import QualitySettings, Settings
from semtel_core.schema.results import RESULT_SCHEMA, ClassificationResult

CLASSIFIERS = ("topic", "satisfaction")
CYCLES = {
    "topic": ["coding", "math", "writing", "science"],
    "satisfaction": ["satisfied", "neutral", "dissatisfied", "satisfied"],
}


@dataclass
class WeekSpec:
    """What to put into a week; every ``*_every`` = k marks conversations with index % k == 0 (0: none)."""

    n: int = 40
    cycles: dict[str, list[str]] = field(default_factory=lambda: {k: list(v) for k, v in CYCLES.items()})
    invalid_every: int = 0
    graded_every: int = 4
    flipped_every: int = 0
    drop_rows: int = 0
    foreign_label: str | None = None
    extract_read_extra: int = 0


def _row(spec: WeekSpec, i: int, classifier: str) -> dict[str, object]:
    label: str | None = spec.cycles[classifier][i % len(spec.cycles[classifier])]
    status = "ok"
    if spec.invalid_every and i % spec.invalid_every == 0:
        label, status = None, "invalid"
    if spec.foreign_label and i == 1:
        label = spec.foreign_label
    graded = spec.graded_every and i % spec.graded_every == 0
    flipped = bool(spec.flipped_every and i % spec.flipped_every == 0)
    return ClassificationResult(
        run_id="run-1",
        conversation_id=f"c{i:04d}",
        content_hash=f"h{i:04d}",
        classifier=classifier,
        classifier_version="v1",
        label=label,
        status=status,  # type: ignore[arg-type]
        strategy="multi",
        prompt_tokens=100,
        completion_tokens=10,
        grader_verdict=("incorrect" if flipped else "correct") if graded or flipped else None,
        label_before_grader="other" if flipped else None,
        flipped=flipped if graded or flipped else None,
        created_at=datetime(2026, 11, 16, tzinfo=UTC),
    ).model_dump()


def write_week(folder: Path, spec: WeekSpec, classifiers: Sequence[str] = CLASSIFIERS) -> tuple[str, str]:
    """Write ``results/bucket=00000.parquet`` and ``extract_summary.json``; returns their paths."""
    rows = [_row(spec, i, c) for i in range(spec.n) for c in classifiers]
    rows = rows[spec.drop_rows :]
    results = folder / "results"
    results.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=RESULT_SCHEMA), results / "bucket=00000.parquet")
    summary = {
        "inputs": ["sample.jsonl"],
        "read": spec.n + 3 + spec.extract_read_extra,
        "accepted": spec.n,
        "rejected": 3,
        "rejected_by_reason": {"empty": 3},
        "sampled": spec.n,
        "sample_rate": 1.0,
        "unique_content": spec.n,
        "duplicate_content": 0,
        "conversations_path": str(folder / "conversations.parquet"),
        "rejects_path": str(folder / "rejects.parquet"),
    }
    summary_path = folder / "extract_summary.json"
    summary_path.write_text(json.dumps(summary), encoding="utf-8")
    return str(results), str(summary_path)


def settings(**quality: float) -> Settings:
    return Settings(classifiers=list(CLASSIFIERS), quality=QualitySettings(**quality))
