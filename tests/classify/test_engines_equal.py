"""The Polars engine (one process or two workers) and the Spark engine (``local[2]``) give the same result rows
on the same input and deterministic endpoint."""

from __future__ import annotations

import os
from collections.abc import Iterator
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


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from semtel_core.classify.spark_engine import spark_session

    session = spark_session("local[2]")
    yield session
    session.stop()


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
