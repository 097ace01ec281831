"""The Spark option: the DAG routes the classify step to ``SparkSubmitOperator`` when ``engine`` is ``spark``,
its rendered command line is what the job parses, and the job's function classifies a planned week on Spark
``local[2]`` into the same result files as the Polars path."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from airflow.dag_processing.dagbag import DagBag
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.sdk.definitions.param import ParamsDict
from weekly_config import write_config

from semtel_core.pipeline.classify_step import online_results_file
from semtel_core.pipeline.grade_step import grade_week
from semtel_core.pipeline.plan import plan_week, planned_partitions
from semtel_core.pipeline.spark_step import classify_week_spark, job_arguments
from semtel_core.pipeline.weekly import extract_week
from semtel_core.sample_data import CONVERSATIONS_PATH

pytestmark = [pytest.mark.integration]
REPO = Path(__file__).resolve().parents[2]
WEEK = (datetime(2026, 10, 12, tzinfo=UTC), datetime(2026, 10, 19, tzinfo=UTC))
VARYING = ["created_at", "latency_ms"]  # wall-clock facts of the grader's calls


@pytest.fixture(scope="module")
def weekly_dag():  # type: ignore[no-untyped-def]
    bag = DagBag(dag_folder=str(REPO / "dags" / "semantic_telemetry_weekly.py"))
    assert bag.import_errors == {}
    return bag.dags["semantic_telemetry_weekly"]


def _run_context(params: dict[str, Any], logical_date: datetime | None) -> dict[str, Any]:
    run = SimpleNamespace(run_after=datetime(2026, 11, 4, 9, tzinfo=UTC))
    return {"params": ParamsDict(params), "logical_date": logical_date, "dag_run": run, "run_id": "manual__1"}


def test_engine_routes_classify_from_params_or_settings(
    weekly_dag, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    branch = weekly_dag.get_task("choose_engine")
    config = tmp_path / "spark.yaml"
    config.write_text("classify: {engine: spark}\n")
    for params, expected in (
        ({"engine": "spark"}, "classify_spark"),
        ({"engine": "polars", "config_path": str(config)}, "classify"),  # the run's value beats the file
        ({"config_path": str(config)}, "classify_spark"),  # empty: as configured
        ({}, "classify"),
    ):
        context = _run_context(params, WEEK[0])
        # The DAG file's own name for Airflow's context accessor: what its tasks call when they run.
        monkeypatch.setitem(branch.python_callable.__globals__, "get_current_context", lambda c=context: c)
        assert branch.python_callable() == expected, params
    assert branch.downstream_task_ids == {"classify", "classify_spark"}
    # Grading waits for every classify path; the engine branch skips one of them, so its work list must not be.
    grade_list = weekly_dag.get_task("grade_partitions")
    assert {"classify", "classify_spark", "collect", "plan"} <= grade_list.upstream_task_ids
    assert grade_list.trigger_rule == "none_failed"
    assert weekly_dag.get_task("grade").upstream_task_ids == {"grade_partitions"}


def test_spark_operator_gives_the_job_its_week_and_params(weekly_dag) -> None:  # type: ignore[no-untyped-def]
    op = weekly_dag.get_task("classify_spark")
    assert isinstance(op, SparkSubmitOperator)
    assert op.application.endswith("semtel_core/pipeline/spark_job.py") and Path(op.application).is_file()
    params = {"output_root": "/data/out", "engine": "spark", "batch_classifiers": [], "model": None}
    # A manual run with a mid-week logical date processes that week, from its Monday.
    op._weekly_arguments(_run_context(params, datetime(2026, 10, 14, 15, tzinfo=UTC)))
    args = job_arguments(op.application_args)
    assert args.week_start == WEEK[0] and args.run_id == "manual__1" and args.params == params
    assert op._conn_id == "semtel_spark"


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")
def test_spark_job_extracts_classifies_and_grades_the_planned_week(endpoint_url: str, tmp_path: Path) -> None:
    from semtel_core.classify.spark_engine import spark_session

    params = {"config_path": write_config(tmp_path / "semtel.yaml", endpoint_url), "partition_tokens": 4000}
    params |= {"output_root": str(tmp_path / "out"), "sources": [str(CONVERSATIONS_PATH)], "engine": "spark"}
    extract = extract_week(WEEK[0], params)  # on Spark too: its own local session, stopped when it ends
    assert Path(extract["conversations_path"]).is_dir() and extract["sampled"] > 0
    plan = plan_week(WEEK[0], params)
    session = spark_session("local[2]")
    try:
        summary = classify_week_spark(WEEK[0], params, run_id="spark-run", spark=session)
    finally:
        session.stop()
    assert summary["partitions"] == plan["partitions"] > 1
    assert len(plan["grade"]) == 1  # on Spark one grade job spreads every partition over the executors
    for descriptor in planned_partitions(plan["week_dir"], "online"):
        results = pq.read_table(online_results_file(descriptor))
        assert results.num_rows == descriptor["conversations"] * 2
        assert set(results.column("conversation_id").to_pylist()) == set(
            pq.read_table(descriptor["path"]).column("conversation_id").to_pylist()
        )

    # Grading per shard on Spark tasks writes what the Polars grade writes (the grader is deterministic on the
    # local endpoint's instant model); the audit re-checks some rows, so the comparison is not trivial.
    graded = {}
    for engine in ("polars", "spark"):
        summary = grade_week(WEEK[0], params | {"engine": engine}, run_id="spark-run")
        table = ds.dataset(summary["results_dir"], format="parquet").to_table().drop_columns(VARYING)
        graded[engine] = (
            table.sort_by([("conversation_id", "ascending"), ("classifier", "ascending")]),
            summary,
        )
    assert graded["spark"][0].equals(graded["polars"][0])
    assert graded["spark"][1] == graded["polars"][1] and graded["spark"][1]["judged"] > 0
