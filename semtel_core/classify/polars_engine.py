"""The local engine: buckets read with Polars, one at a time in this process (live per-call progress), or
``classify.workers`` at a time in worker processes. The client's per-request work (openai SDK, HTTP, prompt
rendering) holds the GIL, so one process tops out at one core; each worker then gets ``1/workers`` of the
endpoint budget (``share``). Memory holds one bucket per worker, so the input may exceed memory."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed

import fsspec
import polars as pl
import pyarrow as pa

from semtel_core.classify.job import BucketJob, BucketSummary, classify_bucket
from semtel_core.classify.partition import OnProgress
from semtel_core.classify.staging import StagedInput
from semtel_core.schema.arrow import CONVERSATION_SCHEMA


def read_bucket(path: str) -> pa.Table:
    with fsspec.open(path, "rb") as fh:
        frame = pl.read_parquet(fh)
    return frame.to_arrow().cast(CONVERSATION_SCHEMA)


def _die_with_parent(parent: int) -> None:
    """Worker initializer: a worker must not outlive the process that started it (a ``kill -9`` of the parent
    would otherwise leave it calling the endpoint, paying for work a rerun pays for again). Linux: the kernel
    sends SIGKILL when the parent dies (``PR_SET_PDEATHSIG``); everywhere: a watchdog thread exits when the
    parent changes, which also covers a parent that died before the first line here ran."""
    import ctypes
    import os
    import sys
    import threading
    import time

    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    if os.getppid() != parent:
        os._exit(1)

    def _watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=_watch, name="semtel-parent-watchdog", daemon=True).start()


def _classify_file(bucket: int, path: str, job: BucketJob) -> BucketSummary:
    return classify_bucket(bucket, read_bucket(path), job)


def run_polars(
    staged: StagedInput,
    job: BucketJob,
    *,
    on_progress: OnProgress | None = None,
    on_bucket: Callable[[BucketSummary], None] | None = None,
) -> list[BucketSummary]:
    files = staged.files(job.output_dir)
    busy = sum(1 for n in staged.rows_per_bucket.values() if n)
    workers = min(job.settings.classify.workers, max(busy, 1))
    summaries: list[BucketSummary] = []
    if workers == 1:
        for bucket, path in files.items():
            summaries.append(classify_bucket(bucket, read_bucket(path), job, on_progress))
            if on_bucket is not None:
                on_bucket(summaries[-1])
        return summaries
    job = dataclasses.replace(job, share=workers)
    # spawn, not fork: the parent may hold threads (progress bar, an event loop thread) that fork would copy.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_die_with_parent, initargs=(os.getpid(),)
    ) as pool:
        # Biggest buckets first, so that the last one running is a small one.
        order = sorted(files, key=lambda b: -staged.rows_per_bucket[b])
        futures = [pool.submit(_classify_file, b, files[b], job) for b in order]
        for future in as_completed(futures):
            summaries.append(future.result())
            if on_bucket is not None:
                on_bucket(summaries[-1])
    return sorted(summaries, key=lambda s: s.bucket)
