"""``dag.test()`` of the weekly DAG against the local endpoint on the bundled sample, for one week: online and
batch paths (the batch wait deferred to the trigger), grade, load, report; then the same week again, which replaces the
week's results (one partition set, no duplicate rows) and re-attaches to its batches.

Airflow runs in a subprocess with a temporary ``AIRFLOW_HOME`` and a SQLite metadata DB (``airflow db migrate``):
``dag.test()`` needs a configured ORM session, and the test process must not share Airflow's global state.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx2
import pyarrow.dataset as ds
import pytest
from conftest import write_config

pytestmark = [pytest.mark.integration, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]

_RUN = """
import json, sys
import pendulum
from airflow.dag_processing.dagbag import DagBag

bag = DagBag(dag_folder=sys.argv[1])
dag = bag.get_dag("semantic_telemetry_weekly")
run = dag.test(logical_date=pendulum.datetime(2026, 10, 19, tz="UTC"), run_conf=json.loads(sys.argv[2]))
states = {ti.task_id: ti.state for ti in run.get_task_instances()}
print(json.dumps({"state": str(run.state), "start": run.data_interval_start.isoformat(), "tasks": states}))
"""


def _airflow_env(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
    }


def _dag_test(env: dict[str, str], conf: dict[str, object]) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", _RUN, str(REPO / "dags" / "semantic_telemetry_weekly.py"), json.dumps(conf)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def test_weekly_dag_end_to_end_twice(endpoint_url: str, tmp_path: Path) -> None:
    home = tmp_path / "airflow"
    home.mkdir()
    env = _airflow_env(home)
    migrate = subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    root = tmp_path / "out"
    conf = {
        "output_root": str(root),
        "config_path": write_config(tmp_path / "semtel.yaml", endpoint_url),
        "batch_classifiers": ["satisfaction"],
        "partition_tokens": 4000,
        "poll_interval_s": 0.1,
    }
    first = _dag_test(env, conf)
    assert first["state"] == "success", first
    assert first["start"].startswith("2026-10-12")  # type: ignore[union-attr]
    tasks = first["tasks"]
    assert isinstance(tasks, dict), tasks
    assert {t for t, state in tasks.items() if state != "success"} == {"classify_spark"}, tasks  # Polars ran
    assert {"batch_wait", "collect", "grade", "validate", "load", "report"} <= set(tasks)
    week = root / "week=2026-10-12"
    results = week / "results"
    table = ds.dataset(results, format="parquet").to_table()
    extracted = json.loads((week / "extract" / "extract_summary.json").read_text())["sampled"]
    assert table.num_rows == extracted * 2 > 0
    created = httpx2.get(f"{endpoint_url}/_stats").json()["batches_created"]
    files = sorted(p.name for p in results.iterdir())

    second = _dag_test(env, conf)
    assert second["state"] == "success", second
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
    quality = json.loads((week / "quality_report.json").read_text())
    assert quality["success"] is True and quality["rows"] == table.num_rows
    assert httpx2.get(f"{endpoint_url}/_stats").json()["batches_created"] == created
