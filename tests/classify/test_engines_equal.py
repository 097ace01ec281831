"""The Polars engine (one process or two workers) and the Spark engine (``local[2]``) give the same result rows
on the same input and deterministic endpoint."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from classify_helpers import endpoint_settings

from semtel_core.classify.run import classify_run
from semtel_core.classify.spark_engine import session_conf
from semtel_core.sample_data import CONVERSATIONS_PATH

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]

VARYING = ["created_at", "latency_ms"]  # wall-clock facts; everything else must match


def _rows(output: Path) -> pa.Table:
    table = pq.read_table(output / "results").drop_columns(VARYING)
    return table.sort_by([("conversation_id", "ascending"), ("classifier", "ascending")])


@pytest.mark.parametrize(
    ("strategy", "runs"),
    [("multi", [("polars", 1), ("polars", 2), ("spark", 1)]), ("batched", [("polars", 1), ("spark", 1)])],
)
def test_polars_and_spark_results_are_equal(
    endpoint_url: str, spark: Any, tmp_path: Path, strategy: str, runs: list[tuple[str, int]]
) -> None:
    summaries = {}
    for engine, workers in runs:
        settings = endpoint_settings(
            endpoint_url, classify={"partitions": 3, "batch_size": 8, "workers": workers}
        )
        summaries[(engine, workers)] = classify_run(
            [str(CONVERSATIONS_PATH)],
            str(tmp_path / f"{engine}-{workers}"),
            settings,
            strategy=strategy,
            engine=engine,  # type: ignore[arg-type]
            run_id="same-run",
            spark=spark,
        )
    reference = _rows(tmp_path / "polars-1")
    assert reference.num_rows == 282 * 5
    for engine, workers in runs[1:]:
        assert _rows(tmp_path / f"{engine}-{workers}").equals(reference), (engine, workers)
        assert summaries[(engine, workers)].calls == summaries[("polars", 1)].calls > 0
        assert summaries[(engine, workers)].reconciliation == summaries[("polars", 1)].reconciliation


@pytest.mark.parametrize(
    ("master", "shuffle"),
    [
        ("local[2]", "2"),
        ("local[3,2]", "3"),
        ("local", str(os.cpu_count() or 2)),
        ("spark://head:7077", None),
    ],
)
def test_a_cluster_session_keeps_the_deployments_shuffle_partitions(master: str, shuffle: str | None) -> None:
    # Two shuffle partitions suit a laptop; on a cluster they would funnel every shuffle through two tasks.
    assert session_conf(master).get("spark.sql.shuffle.partitions") == shuffle


def test_under_spark_submit_the_submitted_master_rules(tmp_path: Path) -> None:
    """The weekly DAG's Spark step is a spark-submit application: a session that set ``classify.spark_master``
    itself ran every "cluster" job on the driver alone (found by benchmarks/scale.py: no executor ever started)."""
    import subprocess
    import sys

    app = tmp_path / "probe.py"
    app.write_text(
        "from semtel_core.classify.spark_engine import spark_session\n"
        "s = spark_session('local[2]')\n"
        "print('MASTER', s.sparkContext.master, 'SHUFFLE', s.conf.get('spark.sql.shuffle.partitions'))\n"
        "s.stop()\n"
    )
    venv_bin = Path(sys.executable).parent  # spark-submit finds SPARK_HOME through the python on PATH
    repo = Path(__file__).resolve().parents[2]  # this checkout's semtel_core, whatever the venv points at
    env = {
        **os.environ,
        "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": f"{repo}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
    }
    done = subprocess.run(
        [str(venv_bin / "spark-submit"), "--master", "local[1]", str(app)],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "MASTER local[1] SHUFFLE 1" in done.stdout, done.stdout
