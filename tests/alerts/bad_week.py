"""A deliberately bad week of results (a module of its own: test modules import it by name)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from semtel_core.schema.results import RESULT_SCHEMA, ClassificationResult


def bad_week(folder: Path) -> tuple[str, str]:
    """20 conversations, topic only; every 4th invalid (25 % > 5 %), one label outside the topic set."""
    rows = [
        ClassificationResult(
            run_id="r",
            conversation_id=f"c{i}",
            content_hash=f"h{i}",
            classifier="topic",
            classifier_version="v1",
            label=None if i % 4 == 0 else ("astrology" if i == 1 else "coding"),
            status="invalid" if i % 4 == 0 else "ok",
            strategy="single",
            created_at=datetime(2026, 11, 16, tzinfo=UTC),
        ).model_dump()
        for i in range(20)
    ]
    pq.write_table(pa.Table.from_pylist(rows, schema=RESULT_SCHEMA), folder / "results.parquet")
    summary = {"inputs": [], "read": 20, "accepted": 20, "rejected": 0, "rejected_by_reason": {}, "sampled": 20,
               "sample_rate": 1.0, "unique_content": 20, "duplicate_content": 0, "conversations_path": "c",
               "rejects_path": "r"}  # fmt: skip
    (folder / "extract_summary.json").write_text(json.dumps(summary))
    return str(folder / "results.parquet"), str(folder / "extract_summary.json")
