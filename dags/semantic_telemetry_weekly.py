"""Weekly semantic telemetry run. Wiring only: every task is one call into ``semtel_core.pipeline``.

extract -> plan -> classify (mapped over the plan's online partitions; or one Spark job when ``engine`` is
``spark``) and batch_wait (deferrable, mapped over the batch partitions) -> collect (mapped) -> grade -> validate (data quality; pages on-call on failure) -> load
-> report. Every step replaces a fixed output: under ``<output_root>/week=<start>/``, the week's partition of
the dataset (``<output_root>/dataset`` unless ``load.dataset_root`` is set) and ``<week>/report.html``; so
reruns and backfills of a week never duplicate, and weeks do not share files.

Parse-time rule: nothing heavy is imported here and no connection or Variable is read; tasks import
``semtel_core`` inside their bodies.
"""

from __future__ import annotations

import os
from importlib.util import find_spec
from typing import Any

import pendulum
from airflow.sdk import Param, dag, get_current_context, task
from airflow.sdk.definitions.timetables.interval import CronDataIntervalTimetable

from semtel_airflow.notifiers import SemtelEmailNotifier, SemtelWebhookNotifier
from semtel_airflow.operators import SemtelBatchOperator
from semtel_airflow.spark import SemtelSparkSubmitOperator

SOURCE_DEFAULT = os.environ.get("SEMTEL_SOURCE", "")
OUTPUT_DEFAULT = os.environ.get("SEMTEL_OUTPUT_ROOT", "semtel-output/weekly")
# The Spark master comes from this connection (e.g. spark://spark-master:7077); without it, local[*].
SPARK_CONN_ID = os.environ.get("SEMTEL_SPARK_CONN_ID", "semtel_spark")
RUN_CONFIG = "{{ params.config_path or '' }}"


def _params() -> dict[str, Any]:
    given = get_current_context()["params"]
    return {k: given[k] for k in given}


@dag(
    dag_id="semantic_telemetry_weekly",
    # A data interval of one whole week (Monday 00:00 UTC to the next); plain "@weekly" would be a
    # CronTriggerTimetable, whose runs have an empty data interval and would extract nothing.
    schedule=CronDataIntervalTimetable("0 0 * * 1", timezone="UTC"),
    start_date=pendulum.datetime(2026, 10, 5, tz="UTC"),
    catchup=False,
    max_active_runs=4,
    tags=["semtel"],
    params={
        "sources": Param(
            [SOURCE_DEFAULT] if SOURCE_DEFAULT else [], type="array", description="Input files or URIs"
        ),
        "output_root": Param(OUTPUT_DEFAULT, type="string"),
        "config_path": Param(
            None, type=["null", "string"], description="Settings YAML; default SEMTEL_CONFIG"
        ),
        "classifiers": Param([], type="array", description="Empty: the configured classifiers"),
        "batch_classifiers": Param([], type="array", description="Classifiers sent through the Batch API"),
        "strategy": Param(None, type=["null", "string"], description="Online strategy; empty: configured"),
        "model": Param(
            None, type=["null", "string"], description="Model of every endpoint; empty: configured"
        ),
        "sample_rate": Param(1.0, type="number", exclusiveMinimum=0, maximum=1),
        "engine": Param("polars", enum=["polars", "spark"]),
        "partition_tokens": Param(2_000_000, type="integer", minimum=1, description="Tokens per partition"),
        "poll_interval_s": Param(
            None, type=["null", "number"], description="Batch polling; empty: configured"
        ),
    },
)
def semantic_telemetry_weekly() -> None:  # noqa: C901 - declares its tasks; each body is one call
    @task
    def extract() -> dict[str, Any]:
        from semtel_core.pipeline.weekly import extract_week

        ctx = get_current_context()
        p = ctx["params"]
        return extract_week(
            p["sources"] or [_bundled_sample()],
            p["output_root"],
            ctx["data_interval_start"],
            ctx["data_interval_end"],
            config_path=p["config_path"],
            sample_rate=p["sample_rate"],
        )

    @task
    def plan() -> dict[str, Any]:
        from semtel_core.pipeline.plan import plan_week

        ctx = get_current_context()
        return plan_week(ctx["params"]["output_root"], ctx["data_interval_start"], _params())

    @task
    def work_list(planned: dict[str, Any], mode: str) -> list[dict[str, Any]]:
        """The plan's partitions for one path (Airflow maps only over a task's whole return value)."""
        descriptors: list[dict[str, Any]] = planned[mode]
        return descriptors

    @task(max_active_tis_per_dagrun=2)
    def classify(descriptor: dict[str, Any]) -> dict[str, Any]:
        from semtel_core.pipeline.classify_step import classify_partition_task

        return classify_partition_task(descriptor, _params(), run_id=get_current_context()["run_id"])

    @task.branch
    def choose_engine(params: dict[str, Any] | None = None) -> str:
        return "classify_spark" if (params or {}).get("engine") == "spark" else "classify"

    @task
    def collect(state: dict[str, Any]) -> dict[str, Any]:
        from semtel_airflow.hooks import connection_key_resolver
        from semtel_core.pipeline.batch_step import collect_partition

        return collect_partition(state, _params(), key_resolver=connection_key_resolver)

    @task(trigger_rule="none_failed")
    def grade() -> dict[str, Any]:
        from semtel_core.pipeline.grade_step import grade_week

        ctx = get_current_context()
        return grade_week(ctx["params"]["output_root"], ctx["data_interval_start"], _params())

    # A failed suite raises DataQualityError: the task fails and pages on-call through both notifiers, with the
    # alert targets of the run's own settings file.
    @task(
        on_failure_callback=[
            SemtelEmailNotifier(config_path=RUN_CONFIG),
            SemtelWebhookNotifier(config_path=RUN_CONFIG),
        ]
    )
    def validate() -> dict[str, Any]:
        from semtel_core.pipeline.publish_step import validate_week_task

        ctx = get_current_context()
        return validate_week_task(ctx["params"]["output_root"], ctx["data_interval_start"], _params())

    @task
    def load() -> dict[str, Any]:
        from semtel_core.pipeline.publish_step import load_week_task

        ctx = get_current_context()
        return load_week_task(ctx["params"]["output_root"], ctx["data_interval_start"], _params())

    @task
    def report() -> str:
        from semtel_core.pipeline.publish_step import report_week

        ctx = get_current_context()
        return report_week(ctx["params"]["output_root"], ctx["data_interval_start"], _params())

    planned = plan()
    extract() >> planned
    online = work_list.override(task_id="online_partitions")(planned, "online")
    batch = work_list.override(task_id="batch_partitions")(planned, "batch")
    engine = choose_engine()
    online >> engine
    classified = classify.expand(descriptor=online)
    on_spark = SemtelSparkSubmitOperator(
        task_id="classify_spark",
        conn_id=SPARK_CONN_ID,
        application=_spark_application(),
        name="semtel-classify-{{ ds }}",
        application_args=[
            "--output-root",
            "{{ params.output_root }}",
            "--week-start",
            "{{ data_interval_start.isoformat() }}",
            "--params",
            "{{ dict(params) | tojson }}",
            "--run-id",
            "{{ run_id }}",
        ],
    )
    engine >> [classified, on_spark]
    # Retries are free here: a retry re-attaches to the partition's batches and pays nothing twice. Airflow 3.3.2
    # fails a deferred task whose trigger fires before the scheduler has seen the worker exit on defer ("finished
    # with state success, but the task instance's state attribute is queued": apache/airflow#67287, fixed after
    # 3.3.2 by #68741; the running variant is #72716); the retry finds the batches ended and returns at once.
    waited = SemtelBatchOperator.partial(
        task_id="batch_wait", retries=2, retry_delay=pendulum.duration(seconds=10)
    ).expand(descriptor=batch)
    collected = collect.expand(state=waited.output)
    [classified, on_spark, collected] >> grade() >> validate() >> load() >> report()


def _spark_application() -> str:
    """Path of the spark-submit application, found without importing it (cheap at parse time)."""
    spec = find_spec("semtel_core.pipeline.spark_job")
    return str(spec.origin) if spec is not None and spec.origin else "semtel_core/pipeline/spark_job.py"


def _bundled_sample() -> str:
    from semtel_core.cli.run_cmd import BUNDLED_SAMPLE

    return str(BUNDLED_SAMPLE)


semantic_telemetry_weekly()
