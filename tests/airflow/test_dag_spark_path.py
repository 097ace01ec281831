"""The Spark option: the DAG routes the classify step to ``SparkSubmitOperator`` when ``engine`` is ``spark``,
its rendered command line is what the job parses, and the job's function classifies a planned week on Spark
``local[2]`` into the same result files as the Polars path."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from airflow.dag_processing.dagbag import DagBag
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.sdk.definitions.param import ParamsDict
from weekly_config import write_config

from semtel_core.pipeline.classify_step import online_results_file
from semtel_core.pipeline.plan import plan_week
from semtel_core.pipeline.spark_step import classify_week_spark, job_arguments
from semtel_core.pipeline.weekly import extract_week
from semtel_core.sample_data import CONVERSATIONS_PATH

pytestmark = [pytest.mark.integration]
REPO = Path(__file__).resolve().parents[2]
WEEK = (datetime(2026, 10, 12, tzinfo=UTC), datetime(2026, 10, 19, tzinfo=UTC))


@pytest.fixture(scope="module")
def weekly_dag():  # type: ignore[no-untyped-def]
    bag = DagBag(dag_folder=str(REPO / "dags" / "semantic_telemetry_weekly.py"))
    assert bag.import_errors == {}
    return bag.dags["semantic_telemetry_weekly"]


def test_engine_param_routes_classify(weekly_dag) -> None:  # type: ignore[no-untyped-def]
    branch = weekly_dag.get_task("choose_engine")
    assert branch.python_callable(params={"engine": "spark"}) == "classify_spark"
    assert branch.python_callable(params={"engine": "polars"}) == "classify"
    assert branch.downstream_task_ids == {"classify", "classify_spark"}
    assert {"classify", "classify_spark", "collect"} <= weekly_dag.get_task("grade").upstream_task_ids
    assert weekly_dag.get_task("grade").trigger_rule == "none_failed"


def test_spark_operator_renders_the_job_command_line(weekly_dag) -> None:  # type: ignore[no-untyped-def]
    op = weekly_dag.get_task("classify_spark")
    assert isinstance(op, SparkSubmitOperator)
    assert op.application.endswith("semtel_core/pipeline/spark_job.py") and Path(op.application).is_file()
    params = ParamsDict(
        {"output_root": "/data/out", "engine": "spark", "batch_classifiers": [], "model": None}
    )
    context = {"params": params, "data_interval_start": WEEK[0], "run_id": "manual__1", "ds": "2026-10-12"}
    rendered = op.render_template(op.application_args, context)  # type: ignore[arg-type]
    args = job_arguments(rendered)
    assert args.output_root == "/data/out" and args.week_start == WEEK[0] and args.run_id == "manual__1"
    assert args.params == {
        "output_root": "/data/out",
        "engine": "spark",
        "batch_classifiers": [],
        "model": None,
    }


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")
def test_spark_job_classifies_the_planned_week(endpoint_url: str, tmp_path: Path) -> None:
    from semtel_core.classify.spark_engine import spark_session

    params = {"config_path": write_config(tmp_path / "semtel.yaml", endpoint_url), "partition_tokens": 4000}
    root = str(tmp_path / "out")
    extract_week([str(CONVERSATIONS_PATH)], root, *WEEK)
    plan = plan_week(root, WEEK[0], params)
    session = spark_session("local[2]")
    try:
        summary = classify_week_spark(root, WEEK[0], params, run_id="spark-run", spark=session)
    finally:
        session.stop()
    assert summary["partitions"] == plan["partitions"] > 1
    for descriptor in plan["online"]:
        results = pq.read_table(online_results_file(descriptor))
        assert results.num_rows == descriptor["conversations"] * 2
        assert set(results.column("conversation_id").to_pylist()) == set(
            pq.read_table(descriptor["path"]).column("conversation_id").to_pylist()
        )
