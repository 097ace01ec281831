"""A realistic week of result rows: the bundled sample's expected labels for all five classifiers, with a mix of
online and batch rows, repaired / invalid / error rows, grader re-checks and flips, and one deliberately rare
label (2 conversations) that the report must suppress."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from semtel_core.schema.results import RESULT_SCHEMA, ClassificationResult

CLASSIFIERS = ("user_expertise", "topic", "satisfaction", "task_complexity", "knowledge_work")
RARE_LABEL = "rare_label_xyz"


def _expected() -> list[dict[str, Any]]:
    text = resources.files("semtel_core.sample_data").joinpath("expected_labels.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _status(i: int, name: str) -> str:
    if (i + len(name)) % 37 == 0:
        return "error"
    if (i + len(name)) % 23 == 0:
        return "invalid"
    return "repaired" if i % 11 == 0 else "ok"


def week_rows(*, skip: int = 0, created: datetime | None = None, rare: bool = True) -> list[dict[str, Any]]:
    created = created or datetime(2026, 11, 17, 9, tzinfo=UTC)
    rows = []
    for i, expected in enumerate(_expected()[skip:]):
        for name in CLASSIFIERS:
            status = _status(i, name)
            label = expected[name] if status in ("ok", "repaired") else None
            if rare and name == "topic" and i in (3, 4):
                label = RARE_LABEL
            graded = status == "repaired" or i % 17 == 0
            flipped = graded and i % 34 == 0
            batch = i % 3 == 0
            rows.append(
                ClassificationResult(
                    run_id="week-run",
                    conversation_id=expected["conversation_id"],
                    content_hash=f"h{i}",
                    classifier=name,
                    classifier_version="1",
                    label=label,
                    status=status,  # type: ignore[arg-type]
                    strategy="batch" if batch else "multi",
                    model="local-zeroshot",
                    prompt_tokens=300 + 7 * i % 200,
                    completion_tokens=12,
                    cost_usd=(0.5 if batch else 1.0) * (300 + 7 * i % 200) * 2.5e-6,
                    grader_verdict=("incorrect" if flipped else "correct") if graded else None,
                    label_before_grader="other" if flipped else None,
                    flipped=flipped if graded else None,
                    created_at=created,
                ).model_dump()
            )
    return rows


def write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=RESULT_SCHEMA), path)
    return path
