"""One bucket of a run, start to finish: classify it (resuming from its checkpoint) and compact it.

Both engines and an Airflow mapped task call :func:`classify_bucket`; it reads nothing but its arguments and
replaces one fixed output file, so a retry or a rerun is idempotent.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pyarrow as pa

from semtel_core import storage
from semtel_core.classify.lock import partition_lock
from semtel_core.classify.partition import OnProgress, classify_partition, write_partition
from semtel_core.classify.staging import bucket_name
from semtel_core.config import Settings
from semtel_core.errors import EndpointUnavailableError

RESULTS_DIR = "results"
CHECKPOINT_DIR = "_checkpoints"


def results_file(output_dir: str, bucket: int) -> str:
    return storage.join(output_dir, RESULTS_DIR, f"{bucket_name(bucket)}.parquet")


@dataclass(frozen=True)
class BucketJob:
    """Everything a worker needs to classify any bucket of one run (picklable, shipped to Spark tasks)."""

    output_dir: str
    checkpoint_root: str
    classifiers: tuple[str, ...]
    settings: Settings
    run_id: str
    strategy: str | None = None
    share: int = 1

    def checkpoint_dir(self, bucket: int) -> str:
        return storage.join(self.checkpoint_root, bucket_name(bucket))


@dataclass
class BucketSummary:
    bucket: int
    conversations: int = 0
    unique_contents: int = 0
    rows: int = 0
    new_rows: int = 0
    reused_rows: int = 0
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    rate_limited: int = 0
    missing_ids: int = 0
    extra_ids: int = 0
    duplicate_ids: int = 0
    reruns: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    rate_budget: str = ""  # which rate budget the client used: shared (Redis) or local, and why local


def classify_bucket(
    bucket: int, conversations: pa.Table, job: BucketJob, on_progress: OnProgress | None = None
) -> BucketSummary:
    """Classify one bucket's conversations and write ``results/bucket=NNNNN.parquet``."""
    path = results_file(job.output_dir, bucket)
    # One process per partition: a rerun started while another still classifies it would pay twice.
    with partition_lock(job.checkpoint_dir(bucket)):
        result = classify_partition(
            conversations,
            job.classifiers,
            job.settings,
            run_id=job.run_id,
            checkpoint_dir=job.checkpoint_dir(bucket),
            cache_files=[path],
            strategy=job.strategy,
            share=job.share,
            on_progress=on_progress,
        )
        write_partition(result, path, job.checkpoint_dir(bucket))
    outage = result.client_stats.get("outage")
    if outage:
        # The rows are written (status error, each naming the cause): a rerun or an Airflow retry redoes them.
        raise EndpointUnavailableError(f"bucket {bucket}: {outage}", bucket=bucket, results_path=path)
    table = result.results
    counters = result.counters
    return BucketSummary(
        bucket=bucket,
        conversations=result.conversations,
        unique_contents=result.unique_contents,
        rows=table.num_rows,
        new_rows=result.new_rows,
        reused_rows=result.reused_rows,
        calls=counters.calls,
        prompt_tokens=int(result.client_stats.get("prompt_tokens", 0)),
        completion_tokens=int(result.client_stats.get("completion_tokens", 0)),
        cost_usd=float(result.client_stats.get("cost_usd", 0.0)),
        rate_limited=int(result.client_stats.get("rate_limited", 0)),
        missing_ids=counters.missing_ids,
        extra_ids=counters.extra_ids,
        duplicate_ids=counters.duplicate_ids,
        reruns=counters.reruns,
        statuses=dict(Counter(table.column("status").to_pylist())),
        rate_budget=str(result.client_stats.get("budget", "")),
    )
