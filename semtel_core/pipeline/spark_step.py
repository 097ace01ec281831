"""The classify step on Spark: every online partition of a week's plan in one Spark job.

The executors read the plan's partitions (``<week>/plan/part=NNNNN.parquet``, a file on Polars, a folder on Spark)
straight from where the plan wrote them, and ``run_spark`` classifies each with ``classify_bucket``, the function
the Polars path calls: results land in
the same files (``<week>/classify/results/bucket=NNNNN.parquet``), so the grade step does not care which engine
ran. ``main`` is the ``spark-submit`` entry point (``SparkSubmitOperator``'s application).
"""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from semtel_core import storage
from semtel_core.classify.job import CHECKPOINT_DIR, BucketJob
from semtel_core.classify.staging import StagedInput
from semtel_core.pipeline.classify_step import CLASSIFY_DIR
from semtel_core.pipeline.params import RunParams
from semtel_core.pipeline.shards import PLAN_DIR, read_plan
from semtel_core.pipeline.weekly import week_dir

logger = logging.getLogger(__name__)


def _planned(plan: dict[str, Any]) -> StagedInput:
    """The online partitions as the engine's buckets, from the plan's descriptors (no data read here)."""
    rows = {int(d["index"]): int(d["conversations"]) for d in plan["online"]}
    total = sum(rows.values())
    return StagedInput(buckets=len(rows), rows_per_bucket=rows, read=total, accepted=total, rejected=0)


def classify_week_spark(
    week_start: datetime,
    params: Mapping[str, Any] | RunParams,
    *,
    run_id: str,
    spark: Any = None,
) -> dict[str, Any]:
    """Classify the week's online partitions on Spark (the active session, else ``classify.spark_master``)."""
    from semtel_core.classify.spark_engine import run_spark

    run = RunParams.parse(params)
    settings = run.settings()
    week = week_dir(settings.weekly.output_root, week_start)
    plan = read_plan(week)
    if not plan["online"]:
        return {"partitions": 0, "rows": 0}
    output_dir = storage.join(week, CLASSIFY_DIR)
    staged = _planned(plan)
    job = BucketJob(
        output_dir=output_dir,
        checkpoint_root=storage.join(output_dir, CHECKPOINT_DIR),
        classifiers=tuple(plan["online"][0]["classifiers"]),
        settings=settings,
        run_id=run_id,
        strategy=run.strategy,
    )
    # The executors read the plan's partition files themselves (file or folder, part=NNNNN.parquet).
    source = storage.join(week, PLAN_DIR)
    summaries = run_spark(staged, job, spark, source=source, bucket_pattern=r"/part=(\d+)\.parquet")
    logger.info("week %s: %d partition(s) classified on Spark", week, len(summaries))
    return {"partitions": len(summaries), "rows": sum(s.rows for s in summaries)}


def job_arguments(argv: Sequence[str]) -> argparse.Namespace:
    """The Spark job's command line (what the DAG's ``SparkSubmitOperator`` renders)."""
    parser = argparse.ArgumentParser(prog="semtel-spark-classify")
    parser.add_argument("--week-start", required=True, type=datetime.fromisoformat)
    parser.add_argument("--params", required=True, type=json.loads)
    parser.add_argument("--run-id", required=True)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """``spark-submit spark_job.py --week-start ISO --params JSON --run-id ID``."""
    import sys

    args = job_arguments(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO)
    classify_week_spark(args.week_start, args.params, run_id=args.run_id)
    return 0
