"""The validate log an operator reads: one line per failed expectation (classifier, statistic, observed vs
allowed), and none of Great Expectations' INFO chatter (it logged ~230 registration lines per suite run)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from semtel_core.config import Settings
from semtel_core.errors import DataQualityError
from semtel_core.quality import validate_week
from semtel_core.schema.results import RESULT_SCHEMA, ClassificationResult

pytestmark = [pytest.mark.integration]


def test_one_line_per_failed_expectation_and_no_gx_chatter(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
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
    pq.write_table(pa.Table.from_pylist(rows, schema=RESULT_SCHEMA), tmp_path / "results.parquet")
    summary = {"inputs": [], "read": 20, "accepted": 20, "rejected": 0, "rejected_by_reason": {}, "sampled": 20,
               "sample_rate": 1.0, "unique_content": 20, "duplicate_content": 0, "conversations_path": "c",
               "rejects_path": "r"}  # fmt: skip
    (tmp_path / "extract_summary.json").write_text(json.dumps(summary))
    with caplog.at_level(logging.INFO), pytest.raises(DataQualityError):
        validate_week(
            str(tmp_path / "results.parquet"),
            str(tmp_path / "extract_summary.json"),
            None,
            Settings(classifiers=["topic"]),
        )
    assert not [
        r for r in caplog.records if r.name.startswith("great_expectations") and r.levelno < logging.WARNING
    ]
    failed = [r.getMessage() for r in caplog.records if r.getMessage().startswith("failed expectation")]
    assert failed == [
        "failed expectation results: classifier=topic label: observed 1 unexpected, e.g. ['astrology']; "
        "allowed one of 21 labels",
        "failed expectation classifiers: unlabelled_rate: observed classifier=topic, unlabelled_rate=0.25; "
        "allowed [0.0, 0.05]",
    ]
