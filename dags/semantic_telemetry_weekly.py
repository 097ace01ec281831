"""Weekly semantic telemetry run. Wiring only: every task is one call into ``semtel_core.pipeline``.

extract -> plan -> classify (mapped over the plan's online shards, at most ``classify.max_shards``; or one Spark
job when the engine is ``spark``) and batch_wait (deferrable, mapped over the batch shards) -> collect (mapped)
-> grade (mapped over shards) -> grade_summary -> validate -> load -> report, and grade_summary -> emerging (what
is new this week, against the weeks before) -> report. Every step replaces a fixed output
under ``<output_root>/week=<Monday>/``, the week's partition of the dataset and ``<week>/report.html``, so reruns
and backfills of a week never duplicate.

Parse-time rule: nothing heavy is imported here, no connection, Variable or settings file is read; tasks import
``semtel_core`` inside their bodies and read the settings when they run.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pendulum
from airflow.sdk import Param, dag, get_current_context, task

from semtel_airflow.notifiers import SemtelEmailNotifier, SemtelWebhookNotifier
from semtel_airflow.operators import SemtelBatchOperator, SemtelReportOperator
from semtel_airflow.spark import SemtelSparkSubmitOperator
from semtel_airflow.timetable import SemtelWeeklyTimetable, week_of_context
from semtel_core.resources import bundled_classifier_names

RUN_CONFIG = "{{ params.config_path or '' }}"
CLASSIFIERS = bundled_classifier_names()  # a folder listing, for the form's choices; no file is read

DOC = """
### Weekly semantic telemetry

Classifies every conversation of **one week** with the configured LLM classifiers, checks the data quality,
loads the week into the dataset and renders the week's report (the **Weekly report** button of the `report`
task opens it).

**Which week?** Always the Monday-to-Monday week (UTC) that contains the run's **logical date**:

| how the run starts | week processed |
| --- | --- |
| the schedule (every Monday 00:00 UTC) | the week that just ended (logical date = its Monday) |
| Trigger with a logical date | the week containing that date (2026-10-14 → week of Mon 2026-10-12) |
| Trigger without a logical date | the last complete week |
| Backfill from A to B | one run per Monday in [A, B] |

Run ids name the week: `manual__week-2026-10-12__…`. To redo a week, **clear** its run (a second run with the
same logical date is refused by Airflow); a run with another logical date in the same week replaces the
same outputs, never duplicating them.

**Parameters.** Every parameter left empty means *as configured* (the settings file named by `config_path`
or `SEMTEL_CONFIG`, then `SEMTEL_*` environment variables). Precedence: a value typed here > environment >
settings file > defaults. A typo (an unknown classifier, a bad strategy) fails the first task in seconds,
listing the valid names.

**Backfills from the UI.** Airflow's backfill dialog sends the parameters typed in its form **only when
"Override parameters on existing runs" is ticked**; otherwise the backfill's runs use the configured values.
Tick it whenever you change a parameter in the backfill form.

**On-call.** Any task that fails for good (after its retries) sends an e-mail and a webhook alert with the
week, the task, the error and the log link. A week with no conversations at all (upstream data missing) is its
own alert.
"""


def _params() -> dict[str, Any]:
    given = get_current_context()["params"]
    return {k: given[k] for k in given}


def _week_start() -> datetime:
    start: datetime = week_of_context(get_current_context()).start
    return start


def _nullable(kind: str, description: str, **schema: Any) -> Param:
    return Param(None, type=["null", kind], description=description, **schema)


# Grading, one task per shard of partitions, then the week's summary (module level: the DAG function only wires).
@task(max_active_tis_per_dagrun=2)
def grade(descriptor: dict[str, Any]) -> dict[str, Any]:
    from semtel_core.pipeline.grade_step import grade_shard_task

    return grade_shard_task(descriptor, _params(), run_id=get_current_context()["run_id"])


@task
def grade_summary() -> dict[str, Any]:
    from semtel_core.pipeline.grade_step import finish_grading

    return finish_grading(_week_start(), _params())


@dag(
    dag_id="semantic_telemetry_weekly",
    description="Classify one week of human-AI conversations with LLM classifiers; report and load it",
    doc_md=DOC,
    schedule=SemtelWeeklyTimetable(),
    start_date=pendulum.datetime(2026, 10, 5, tz="UTC"),
    catchup=False,
    max_active_runs=4,
    tags=["semtel"],
    default_args={
        # Every task pages on-call when it fails for good, with the alert targets of the run's settings.
        "on_failure_callback": [
            SemtelEmailNotifier(config_path=RUN_CONFIG),
            SemtelWebhookNotifier(config_path=RUN_CONFIG),
        ],
    },
    params={
        "sources": _nullable(
            "array",
            "Input files, folders or URIs of conversations. Empty: weekly.sources of the settings, "
            "else the bundled sample.",
            items={"type": "string"},
        ),
        "output_root": _nullable(
            "string", "Where the week's folders, the dataset and the reports go. Empty: weekly.output_root."
        ),
        "config_path": _nullable(
            "string", "Settings YAML on the workers. Empty: the SEMTEL_CONFIG environment variable, if any."
        ),
        "classifiers": _nullable(
            "array",
            "Classifiers to run. Empty: the configured ones.",
            items={"type": "string"},
            examples=CLASSIFIERS,
        ),
        "batch_classifiers": _nullable(
            "array",
            "Of the run's classifiers, those sent through the provider Batch API (about half the price, up "
            "to 24 h). Empty: none, all go online.",
            items={"type": "string"},
            examples=CLASSIFIERS,
        ),
        "strategy": _nullable(
            "string",
            "Online prompt strategy: single (one call per classifier), multi (all classifiers in one call), "
            "batched (several conversations per call). Empty: classify.strategy.",
            enum=[None, "single", "multi", "batched"],
            values_display={"null": "(as configured)"},
        ),
        "model": _nullable("string", "Model of every endpoint. Empty: the configured models."),
        "sample_rate": _nullable(
            "number",
            "Share of conversations classified (a fixed hash sample). Empty: sampling.rate.",
            exclusiveMinimum=0,
            maximum=1,
        ),
        "engine": _nullable(
            "string",
            "polars (in the task) or spark (a spark-submit job). Empty: classify.engine.",
            enum=[None, "polars", "spark"],
            values_display={"null": "(as configured)"},
        ),
        "partition_tokens": _nullable(
            "integer",
            "Conversation tokens per classify partition. Empty: classify.partition_tokens.",
            minimum=1,
        ),
        "poll_interval_s": _nullable(
            "number",
            "Seconds between Batch API status polls. Empty: batch.poll_interval_s.",
            exclusiveMinimum=0,
        ),
    },
)
def semantic_telemetry_weekly() -> None:
    @task
    def extract() -> dict[str, Any]:
        from semtel_core.pipeline.weekly import extract_week

        return extract_week(_week_start(), _params())

    @task
    def plan() -> dict[str, Any]:
        from semtel_core.pipeline.plan import plan_week

        return plan_week(_week_start(), _params())

    @task
    def work_list(planned: dict[str, Any], mode: str) -> list[dict[str, Any]]:
        """The plan's shards for one path, at most classify.max_shards (Airflow maps only over a task's whole
        return value)."""
        shards: list[dict[str, Any]] = planned[mode]
        return shards

    # Retries are free: a shard's partitions resume from their checkpoints and pay nothing twice.
    @task(max_active_tis_per_dagrun=2, retries=2, retry_delay=pendulum.duration(seconds=30))
    def classify(descriptor: dict[str, Any]) -> dict[str, Any]:
        from semtel_core.pipeline.classify_step import classify_shard_task

        return classify_shard_task(descriptor, _params(), run_id=get_current_context()["run_id"])

    @task.branch
    def choose_engine() -> str:
        from semtel_core.pipeline.params import RunParams

        engine = RunParams.parse(_params()).settings().classify.engine
        return "classify_spark" if engine == "spark" else "classify"

    @task
    def collect(state: dict[str, Any]) -> dict[str, Any]:
        from semtel_core.pipeline.batch_step import collect_shard

        return collect_shard(state, _params())

    # A failed suite raises DataQualityError with one log line per failed expectation; the alert carries them.
    @task
    def validate() -> dict[str, Any]:
        from semtel_core.pipeline.publish_step import validate_week_task

        return validate_week_task(_week_start(), _params())

    @task
    def load() -> dict[str, Any]:
        from semtel_core.pipeline.publish_step import load_week_task

        return load_week_task(_week_start(), _params())

    @task
    def emerging() -> dict[str, Any]:
        from semtel_core.pipeline.emerging_step import emerging_week_task

        return emerging_week_task(_week_start(), _params())

    planned = plan()
    extract() >> planned
    online = work_list.override(task_id="online_partitions")(planned, "online")
    batch = work_list.override(task_id="batch_partitions")(planned, "batch")
    engine = choose_engine()
    online >> engine
    classified = classify.expand(descriptor=online)
    on_spark = SemtelSparkSubmitOperator(
        task_id="classify_spark",
        weekly_job=True,
        application=_spark_application(),
        name="semtel-classify-{{ run_id }}",
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
    report = SemtelReportOperator(task_id="report")
    # After every classify path (one is skipped by the engine branch, and a path without classifiers maps zero).
    grade_list = work_list.override(task_id="grade_partitions", trigger_rule="none_failed")(planned, "grade")
    [classified, on_spark, collected] >> grade_list
    graded = grade.expand(descriptor=grade_list) >> grade_summary()
    graded >> validate() >> load() >> report
    graded >> emerging() >> report


def _spark_application() -> str:
    """Path of the spark-submit application, found without importing it (cheap at parse time)."""
    from importlib.util import find_spec

    spec = find_spec("semtel_core.pipeline.spark_job")
    return str(spec.origin) if spec is not None and spec.origin else "semtel_core/pipeline/spark_job.py"


semantic_telemetry_weekly()
