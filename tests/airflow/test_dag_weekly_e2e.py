"""``dag.test()`` of the weekly DAG against the local endpoint on the bundled sample, for one week: online and
batch paths (the batch wait deferred to the trigger), grade, load, report; then the same week again, which replaces the
week's results (one partition set, no duplicate rows) and re-attaches to its batches.

Airflow runs in a child process with a temporary ``AIRFLOW_HOME`` and a SQLite metadata DB
(``semtel_core.pipeline.dag_test``, the runner of ``semtel weekly``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx2
import pyarrow.dataset as ds
import pytest
from weekly_config import write_config

from semtel_core.pipeline.dag_test import DagTestRun, airflow_env, migrate, run_dag_tests
from semtel_core.quality import week_counts

pytestmark = [pytest.mark.integration, pytest.mark.slow]
# The run of logical date 2026-10-19 covers the week before it (CronDataIntervalTimetable).
LOGICAL_DATE = datetime(2026, 10, 14, 9, 30, tzinfo=UTC)  # a Wednesday: the week of Monday 2026-10-12


def _dag_test(env: dict[str, str], conf: dict[str, object]) -> DagTestRun:
    (run,) = run_dag_tests(env, "semantic_telemetry_weekly", [LOGICAL_DATE], conf, timeout_s=300)
    return run


def test_weekly_dag_end_to_end_twice(endpoint_url: str, tmp_path: Path) -> None:
    env = airflow_env(tmp_path / "airflow")
    migrate(env)
    root = tmp_path / "out"
    conf = {
        "output_root": str(root),
        "config_path": write_config(tmp_path / "semtel.yaml", endpoint_url, topics={"emerging": True}),
        "batch_classifiers": ["satisfaction"],
        "partition_tokens": 4000,
        "poll_interval_s": 0.1,
    }
    first = _dag_test(env, conf)
    assert first.state == "success", first
    assert first.data_interval_start.startswith("2026-10-12")
    tasks = first.states()
    assert {t for t, states in tasks.items() if states != {"success"}} == {"classify_spark"}, (
        tasks
    )  # Polars ran
    assert {"batch_wait", "collect", "grade", "validate", "load", "emerging", "report"} <= set(tasks)
    week = root / "week=2026-10-12"
    results = week / "results"
    table = ds.dataset(results, format="parquet").to_table()
    extracted = json.loads((week / "extract" / "extract_summary.json").read_text())["sampled"]
    assert table.num_rows == extracted * 2 > 0
    created = httpx2.get(f"{endpoint_url}/_stats").json()["batches_created"]
    files = sorted(p.name for p in results.iterdir())

    second = _dag_test(env, conf)
    assert second.state == "success", second
    again = ds.dataset(results, format="parquet").to_table()
    pairs = list(
        zip(again.column("conversation_id").to_pylist(), again.column("classifier").to_pylist(), strict=True)
    )
    assert len(pairs) == len(set(pairs)) == table.num_rows
    assert sorted(p.name for p in results.iterdir()) == files
    assert sorted(p.name for p in root.iterdir()) == ["dataset", "week=2026-10-12"]
    loaded = ds.dataset(root / "dataset", format="parquet", partitioning="hive").to_table()
    assert loaded.num_rows == table.num_rows  # the week's dataset partition was replaced, not appended to
    html = (week / "report.html").read_text(encoding="utf-8")
    assert "satisfaction" in html and "topic" in html
    # the emerging-topics step kept the week's sample for the weeks after it; with no week before, nothing is tested
    emerging = json.loads((week / "topics" / "emerging.json").read_text())
    assert emerging["sampled"] == extracted and emerging["report"]["clusters_tested"] == 0
    assert "Emerging this week" in html and "No earlier week to" in html
    quality = json.loads((week / "quality_report.json").read_text())
    assert quality["success"] is True and quality["rows"] == table.num_rows
    # the gate saved the week's aggregates for the rerun's rows, and the load and the report read them
    saved = week_counts.saved(str(week / "aggregates"), week_counts.fingerprint(str(results)))
    assert saved is not None and saved.per_classifier["rows"].sum() == table.num_rows
    assert httpx2.get(f"{endpoint_url}/_stats").json()["batches_created"] == created
