"""The online classify step of a weekly run: one shard of planned partitions, each through the engine's
``classify_bucket``."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from semtel_core import storage
from semtel_core.classify.job import CHECKPOINT_DIR, BucketJob, classify_bucket, results_file
from semtel_core.pipeline.params import RunParams
from semtel_core.pipeline.shards import add_up, read_partition, shard_partitions

CLASSIFY_DIR = "classify"


def online_results_file(descriptor: Mapping[str, Any]) -> str:
    return results_file(storage.join(descriptor["week_dir"], CLASSIFY_DIR), int(descriptor["index"]))


def classify_partition_task(
    descriptor: Mapping[str, Any], params: Mapping[str, Any] | RunParams, *, run_id: str
) -> dict[str, Any]:
    """Classify one partition (a :func:`~semtel_core.pipeline.plan.plan_week` descriptor) with its classifiers
    and replace ``<week>/classify/results/bucket=NNNNN.parquet``. A retry resumes from the partition's checkpoint;
    a rerun reuses the earlier results file and pays nothing for what it already holds."""
    run = RunParams.parse(params)
    output_dir = storage.join(descriptor["week_dir"], CLASSIFY_DIR)
    job = BucketJob(
        output_dir=output_dir,
        checkpoint_root=storage.join(output_dir, CHECKPOINT_DIR),
        classifiers=tuple(descriptor["classifiers"]),
        settings=run.settings(),
        run_id=run_id,
        strategy=run.strategy,
    )
    summary = classify_bucket(int(descriptor["index"]), read_partition(descriptor["path"]), job)
    return {**dataclasses.asdict(summary), "results_path": online_results_file(descriptor)}


def classify_shard_task(
    shard: Mapping[str, Any], params: Mapping[str, Any] | RunParams, *, run_id: str
) -> dict[str, Any]:
    """Classify every partition of one shard (:func:`~semtel_core.pipeline.shards.shard_partitions`), one after
    the other; a retry skips what the partitions' results and checkpoints already hold. The summaries added up."""
    summaries = (classify_partition_task(d, params, run_id=run_id) for d in shard_partitions(shard))
    return add_up(summaries, shard=int(shard["shard"]), bucket=None, results_path=None)
