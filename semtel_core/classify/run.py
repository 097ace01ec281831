"""A whole classification run: stage the input, classify every bucket with an engine, prove the counts.

Output directory::

    rejects.parquet                        input rows rejected, with their reason (REJECT_SCHEMA)
    results/bucket=NNNNN.parquet           one row per conversation x classifier (RESULT_SCHEMA)
    classify_summary.json                  the run's figures, including the reconciliation
    _staging/, _checkpoints/               working state; removed when the run succeeds
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any, Literal

import fsspec
from pydantic import BaseModel

from semtel_core import storage
from semtel_core.classify.job import CHECKPOINT_DIR, RESULTS_DIR, BucketJob, BucketSummary, results_file
from semtel_core.classify.partition import OnProgress
from semtel_core.classify.reconcile import embedding_paths, reconcile_results
from semtel_core.classify.staging import STAGING_DIR, StagedInput, stage_input
from semtel_core.config import Settings

logger = logging.getLogger(__name__)
SUMMARY_FILE = "classify_summary.json"
Engine = Literal["polars", "spark"]


class ClassifyRunSummary(BaseModel):
    run_id: str
    engine: str
    strategy: str
    classifiers: list[str]
    inputs: list[str]
    output_dir: str
    partitions: int
    read: int
    accepted: int
    rejected: int
    blank: int = 0  # whitespace-only lines: read = accepted + rejected + blank
    rejected_by_reason: dict[str, int]
    rows: int
    statuses: dict[str, int]
    unique_contents: int
    calls: int
    new_rows: int
    reused_rows: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    rate_limited: int
    missing_ids: int
    extra_ids: int
    duplicate_ids: int
    reruns: int
    elapsed_s: float
    classify_s: float
    reconciliation: dict[str, Any]
    results_files: list[str]
    rejects_path: str
    # Per classifier of strategy "embedding": rows answered by the embedding path / cascaded to the LLM.
    embedding_paths: dict[str, dict[str, int]] = {}
    rate_budgets: list[str] = []  # the rate budgets the partitions' clients used (shared in Redis, or local)


def _remove(path: str) -> None:
    fs, p = fsspec.core.url_to_fs(path)
    if fs.exists(p):
        fs.rm(p, recursive=True)


def _remove_if_empty(path: str) -> None:
    fs, p = fsspec.core.url_to_fs(path)
    if fs.exists(p) and not fs.ls(p, detail=False):
        fs.rmdir(p)


def _remove_stale_results(output_dir: str, keep: Sequence[str]) -> None:
    """Results files of an earlier run with more buckets would otherwise be read as part of this one."""
    fs, root = fsspec.core.url_to_fs(storage.join(output_dir, RESULTS_DIR))
    if not fs.exists(root):
        return
    kept = {fsspec.core.url_to_fs(k)[1] for k in keep}
    for path in fs.ls(root, detail=False):
        if path.endswith(".parquet") and path not in kept:
            fs.rm(path)


def _run_engine(
    engine: Engine,
    staged: StagedInput,
    job: BucketJob,
    on_progress: OnProgress | None,
    on_bucket: Callable[[BucketSummary], None] | None,
    spark: Any,
) -> list[BucketSummary]:
    if engine == "spark":
        from semtel_core.classify.spark_engine import run_spark

        summaries = run_spark(staged, job, spark)
        for summary in summaries:
            if on_bucket is not None:
                on_bucket(summary)
        return summaries
    from semtel_core.classify.polars_engine import run_polars

    return run_polars(staged, job, on_progress=on_progress, on_bucket=on_bucket)


def classify_run(
    inputs: Sequence[str],
    output_dir: str,
    settings: Settings,
    *,
    classifiers: Sequence[str] | None = None,
    strategy: str | None = None,
    engine: Engine | None = None,
    run_id: str | None = None,
    checkpoint_dir: str | None = None,
    on_staged: Callable[[StagedInput], None] | None = None,
    on_progress: OnProgress | None = None,
    on_bucket: Callable[[BucketSummary], None] | None = None,
    spark: Any = None,
) -> ClassifyRunSummary:
    """Classify ``inputs`` into ``output_dir``; a rerun resumes from the checkpoints and pays nothing twice.

    Raises only when the run itself fails (unreadable input, bad configuration, reconciliation); row-level
    failures are rows with status ``error``.
    """
    started = time.monotonic()
    names = tuple(classifiers or settings.classifiers)
    engine = engine or settings.classify.engine
    run_id = run_id or uuid.uuid4().hex[:16]
    staged = stage_input(inputs, output_dir, settings)
    if on_staged is not None:
        on_staged(staged)
    job = BucketJob(
        output_dir=output_dir,
        checkpoint_root=checkpoint_dir or storage.join(output_dir, CHECKPOINT_DIR),
        classifiers=names,
        settings=settings,
        run_id=run_id,
        strategy=strategy,
    )
    classify_started = time.monotonic()
    summaries = _run_engine(engine, staged, job, on_progress, on_bucket, spark)
    classify_s = time.monotonic() - classify_started
    files = [results_file(output_dir, b) for b in range(staged.buckets)]
    _remove_stale_results(output_dir, files)
    figures = reconcile_results(
        list(staged.files(output_dir).values()),
        files,
        staged.rejects_path,
        names,
        read=staged.read,
        accepted=staged.accepted,
        rejected=staged.rejected,
        blank=staged.blank,
    )
    summary = _summary(staged, summaries, job, engine, inputs, figures, files)
    summary.embedding_paths = embedding_paths(files)
    summary.elapsed_s = time.monotonic() - started
    summary.classify_s = classify_s
    storage.write_json(storage.join(output_dir, SUMMARY_FILE), summary.model_dump())
    _remove(storage.join(output_dir, STAGING_DIR))
    _remove_if_empty(job.checkpoint_root)  # compaction removed each bucket's journals and directory
    return summary


def _summary(
    staged: StagedInput,
    summaries: list[BucketSummary],
    job: BucketJob,
    engine: str,
    inputs: Sequence[str],
    figures: dict[str, Any],
    files: list[str],
) -> ClassifyRunSummary:
    totals: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    cost = 0.0
    for s in summaries:
        data = asdict(s)
        statuses.update(data.pop("statuses"))
        cost += data.pop("cost_usd")
        data.pop("bucket")
        data.pop("rate_budget")
        totals.update(data)
    return ClassifyRunSummary(
        run_id=job.run_id,
        engine=engine,
        strategy=job.strategy or job.settings.classify.strategy,
        classifiers=list(job.classifiers),
        inputs=list(inputs),
        output_dir=job.output_dir,
        partitions=staged.buckets,
        read=staged.read,
        accepted=staged.accepted,
        rejected=staged.rejected,
        rejected_by_reason=staged.rejected_by_reason,
        blank=staged.blank,
        rows=totals["rows"],
        statuses=dict(sorted(statuses.items())),
        unique_contents=totals["unique_contents"],
        calls=totals["calls"],
        new_rows=totals["new_rows"],
        reused_rows=totals["reused_rows"],
        prompt_tokens=totals["prompt_tokens"],
        completion_tokens=totals["completion_tokens"],
        cost_usd=cost,
        rate_limited=totals["rate_limited"],
        missing_ids=totals["missing_ids"],
        extra_ids=totals["extra_ids"],
        duplicate_ids=totals["duplicate_ids"],
        reruns=totals["reruns"],
        elapsed_s=0.0,
        classify_s=0.0,
        reconciliation=figures,
        results_files=files,
        rejects_path=staged.rejects_path,
        rate_budgets=sorted({s.rate_budget for s in summaries if s.rate_budget}),
    )
