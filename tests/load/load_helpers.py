"""Result rows built from the bundled sample's expected labels (real conversations, known labels)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from semtel_core.schema.results import RESULT_SCHEMA, ClassificationResult


def expected_labels() -> list[dict[str, Any]]:
    text = resources.files("semtel_core.sample_data").joinpath("expected_labels.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def result_rows(
    classifiers: tuple[str, ...] = ("user_expertise", "topic", "satisfaction"),
    *,
    run_id: str = "run-1",
    limit: int | None = None,
    invalid_every: int = 0,
) -> list[dict[str, Any]]:
    rows = []
    for i, expected in enumerate(expected_labels()[:limit]):
        for name in classifiers:
            invalid = invalid_every > 0 and i % invalid_every == 0
            rows.append(
                ClassificationResult(
                    run_id=run_id,
                    conversation_id=expected["conversation_id"],
                    content_hash=f"h{i}",
                    classifier=name,
                    classifier_version="1",
                    label=None if invalid else expected[name],
                    status="invalid" if invalid else "ok",
                    strategy="multi",
                    model="local-zeroshot",
                    prompt_tokens=100 + i,
                    completion_tokens=10,
                    cost_usd=0.001,
                    created_at=datetime(2026, 11, 16, tzinfo=UTC),
                ).model_dump()
            )
    return rows


def write_results(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=RESULT_SCHEMA), path)
    return path
