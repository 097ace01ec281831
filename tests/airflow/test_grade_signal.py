"""The grader sees its disagreement signal in the weekly run: with ``grader.signal_strategy: single``, every
shared-call (multi) row is compared with an independent single-task answer, rows that disagree are flagged
``disagreement`` and re-checked (the signal on another model: ``instant`` answers by a hash of the conversation,
so it always agrees with itself), and a rerun of the grade step pays nothing again for the signal."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx2
import pyarrow.parquet as pq
import pytest
from weekly_config import write_config

from semtel_core.errors import ReconciliationError
from semtel_core.pipeline.classify_step import classify_shard_task
from semtel_core.pipeline.grade_step import SIGNALS_DIR, finish_grading, grade_week
from semtel_core.pipeline.plan import plan_week
from semtel_core.pipeline.weekly import extract_week
from semtel_core.sample_data import CONVERSATIONS_PATH

pytestmark = [pytest.mark.integration, pytest.mark.slow]
WEEK_START = datetime(2026, 10, 12, tzinfo=UTC)


def _attempts(endpoint_url: str) -> int:
    return int(httpx2.get(f"{endpoint_url}/_stats").json()["totals"]["attempts"])


def test_weekly_grade_flags_shared_call_rows_that_disagree_with_the_signal(
    endpoint_url: str, tmp_path: Path
) -> None:
    config = write_config(
        tmp_path / "semtel.yaml",
        endpoint_url,
        classify={"strategy": "multi"},
        grader={"signal_strategy": "single", "signal_model": "local-zeroshot", "audit_rate": 0.0},
    )
    params = {
        "config_path": config,
        "output_root": str(tmp_path / "out"),
        "sources": [str(CONVERSATIONS_PATH)],
    }
    extract_week(WEEK_START, params)
    plan = plan_week(WEEK_START, params)
    for shard in plan["online"]:
        classify_shard_task(shard, params, run_id="signal-run")

    summary = grade_week(WEEK_START, params, run_id="signal-run")
    flagged = {}
    for report in summary["reports"].values():
        for reason, count in report["flagged_by_reason"].items():
            flagged[reason] = flagged.get(reason, 0) + count
    assert flagged.get("disagreement", 0) > 0, summary
    signals = pq.read_table(tmp_path / "out" / "week=2026-10-12" / SIGNALS_DIR / "results")
    assert set(signals.column("strategy").to_pylist()) == {"single"}
    assert signals.num_rows == summary["rows"]  # one independent answer per multi row

    # What the grade_summary task hands to XCom: totals and the file with every partition's report
    pushed = finish_grading(WEEK_START, params)
    assert "reports" not in pushed and pushed["rows"] == summary["rows"]
    assert json.loads(Path(pushed["summary_path"]).read_text())["reports"] == summary["reports"]

    before = _attempts(endpoint_url)
    again = grade_week(WEEK_START, params, run_id="signal-run")
    grader_calls = sum(r["judged"] for r in again["reports"].values())
    # Only the grader's own re-checks go out again; the signal comes from its checkpointed results.
    assert _attempts(endpoint_url) - before <= 2 * grader_calls + 1
    # A grade shard whose task did not finish is caught before validate and load see a partial week.
    next((Path(again["week_dir"]) / "grade").glob("shard=*.json")).unlink()
    with pytest.raises(ReconciliationError, match="left no summary"):
        finish_grading(WEEK_START, params)
