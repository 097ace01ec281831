"""The classify step on Spark: every online partition of a week's plan in one Spark job.

The plan's partitions are staged where the Spark engine reads buckets (``<week>/classify/_staging/bucket=N/``),
and ``run_spark`` classifies each with ``classify_bucket``, the function the Polars path calls: results land in
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

import fsspec
import pyarrow.parquet as pq

from semtel_core import storage
from semtel_core.classify.job import CHECKPOINT_DIR, BucketJob
from semtel_core.classify.staging import STAGING_DIR, StagedInput, staged_file
from semtel_core.pipeline.classify_step import CLASSIFY_DIR
from semtel_core.pipeline.params import RunParams
from semtel_core.pipeline.shards import read_partition, read_plan
from semtel_core.pipeline.weekly import week_dir

logger = logging.getLogger(__name__)


def _stage(plan: dict[str, Any], output_dir: str) -> StagedInput:
    """Copy the online partitions to the Spark engine's staging layout (replacing an earlier staging)."""
    fs, path = fsspec.core.url_to_fs(storage.join(output_dir, STAGING_DIR))
    if fs.exists(path):
        fs.rm(path, recursive=True)
    rows: dict[int, int] = {}
    for descriptor in plan["online"]:
        table = read_partition(descriptor["path"])
        with storage.atomic_open(staged_file(output_dir, int(descriptor["index"]))) as fh:
            pq.write_table(table, fh)
        rows[int(descriptor["index"])] = table.num_rows
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
    staged = _stage(plan, output_dir)
    job = BucketJob(
        output_dir=output_dir,
        checkpoint_root=storage.join(output_dir, CHECKPOINT_DIR),
        classifiers=tuple(plan["online"][0]["classifiers"]),
        settings=settings,
        run_id=run_id,
        strategy=run.strategy,
    )
    summaries = run_spark(staged, job, spark)
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
