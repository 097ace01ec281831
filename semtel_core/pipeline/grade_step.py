"""The grade step of a weekly run: gather each partition's online and batch rows, re-check them with the grader
and replace the week's results, ``<week>/results/part=NNNNN.parquet`` (one file per planned partition).

The weekly DAG grades per shard (:func:`grade_shard_task`, mapped like classify: at most ``classify.max_shards``
tasks), each writing its partitions' results and ``<week>/grade/shard=KKKKK.json``; then :func:`finish_grading`
adds the shards up into ``grade_summary.json``. :func:`grade_week` does both in one process. It reads what the
plan lists (``<week>/plan.json``), never a directory listing, so files of an earlier plan of the same week
cannot leak in; result files of partitions no longer planned are removed.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import fsspec
import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from semtel_core import storage
from semtel_core.classify.job import CHECKPOINT_DIR, BucketJob, classify_bucket, results_file
from semtel_core.config import Settings
from semtel_core.errors import ReconciliationError
from semtel_core.grader.run import grade_partition
from semtel_core.pipeline.batch_step import batch_results_file
from semtel_core.pipeline.classify_step import online_results_file
from semtel_core.pipeline.params import RunParams
from semtel_core.pipeline.shards import (
    GRADE_DIR,
    grade_shards,
    partition_file,
    read_partition,
    read_plan,
    shard_partitions,
)
from semtel_core.pipeline.weekly import week_dir
from semtel_core.schema.results import RESULT_SCHEMA

logger = logging.getLogger(__name__)
RESULTS_DIR = "results"
SIGNALS_DIR = "signals"
SUMMARY_FILE = "grade_summary.json"  # totals and every partition's report


def _read_json(path: str) -> dict[str, Any]:
    with fsspec.open(path, "rb") as fh:
        data: dict[str, Any] = orjson.loads(fh.read())
    return data


@dataclass(frozen=True)
class _PartitionWork:
    """What grading one partition reads: its classified rows' files and the classifiers it must have rows of."""

    index: int
    result_files: tuple[str, ...]
    classifiers: frozenset[str]


def _work(plan: dict[str, Any], indexes: list[int]) -> list[_PartitionWork]:
    classifiers = frozenset(c for d in plan["online"] + plan["batch"] for c in d["classifiers"])
    files: dict[int, list[str]] = {i: [] for i in indexes}
    for d in plan["online"]:
        if d["index"] in files:
            files[d["index"]].append(online_results_file(d))
    for d in plan["batch"]:
        if d["index"] in files:
            files[d["index"]].append(batch_results_file(d))
    return [_PartitionWork(i, tuple(files[i]), classifiers) for i in indexes]


def _partition_rows(work: _PartitionWork) -> pa.Table:
    tables = [pq.read_table(path, schema=RESULT_SCHEMA) for path in work.result_files]
    return pa.concat_tables(tables) if tables else RESULT_SCHEMA.empty_table()


def _check(rows: pa.Table, conversations: pa.Table, classifiers: set[str], index: int) -> None:
    """Exactly one row per conversation x classifier of the partition."""
    keys = Counter(
        zip(rows.column("conversation_id").to_pylist(), rows.column("classifier").to_pylist(), strict=True)
    )
    expected = {(c, k) for c in conversations.column("conversation_id").to_pylist() for k in classifiers}
    if set(keys) != expected or any(n > 1 for n in keys.values()):
        raise ReconciliationError(
            f"partition {index}: {rows.num_rows} result rows for {len(expected)} conversation x classifier pairs",
            step="grade",
            partition=index,
            rows=rows.num_rows,
            expected=len(expected),
            duplicates=sum(1 for n in keys.values() if n > 1),
            missing=len(expected - set(keys)),
        )


def _signals(
    week: str, index: int, rows: pa.Table, conversations: pa.Table, settings: Settings, run_id: str
) -> pa.Table | None:
    """A second opinion on the partition's shared-call rows from ``grader.signal_strategy``, classified like any
    partition (checkpointed under ``<week>/signals``: a rerun pays nothing twice). None when no signal is set."""
    strategy = settings.grader.resolved_signal_strategy(settings.evaluation.embedding_bundle)
    if strategy is None:
        return None
    shared = set(settings.grader.shared_call_strategies) - {strategy}
    classifiers = sorted(
        {
            c
            for c, s in zip(
                rows.column("classifier").to_pylist(), rows.column("strategy").to_pylist(), strict=True
            )
            if s in shared
        }
    )
    if not classifiers:
        return None
    # The signal strategy for every classifier, whatever the per-classifier overrides say; on its own model when
    # one is set (the same model asked twice tends to agree with itself).
    update: dict[str, Any] = {
        "classify": settings.classify.model_copy(update={"strategy": strategy, "strategies": {}})
    }
    if settings.grader.signal_model:
        model = settings.grader.signal_model
        update["endpoints"] = [e.model_copy(update={"model": model}) for e in settings.endpoints]
    signal_settings = settings.model_copy(update=update)
    output_dir = storage.join(week, SIGNALS_DIR)
    job = BucketJob(
        output_dir=output_dir,
        checkpoint_root=storage.join(output_dir, CHECKPOINT_DIR),
        classifiers=tuple(classifiers),
        settings=signal_settings,
        run_id=f"{run_id}-signal",
        strategy=strategy,
    )
    classify_bucket(index, conversations, job)
    return pq.read_table(results_file(output_dir, index), schema=RESULT_SCHEMA)


def _remove_stale(results_dir: str, keep: set[str]) -> None:
    fs, path = fsspec.core.url_to_fs(results_dir)
    if not fs.exists(path):
        return
    for name in fs.ls(path, detail=False):
        if name.rsplit("/", 1)[-1] not in keep:
            fs.rm(name)


def _grade_partition(
    week: str, work: _PartitionWork, settings: Settings, run_id: str
) -> tuple[str, dict[str, Any], int]:
    """Grade one partition and replace its results file: (file name, grader report, rows)."""
    index = work.index
    conversations = read_partition(partition_file(week, index))
    rows = _partition_rows(work)
    _check(rows, conversations, set(work.classifiers), index)
    signals = _signals(week, index, rows, conversations, settings, run_id)
    graded, report = grade_partition(rows, conversations, settings, signals=signals)
    name = f"part={index:05d}.parquet"
    with storage.atomic_open(storage.join(week, RESULTS_DIR, name)) as fh:
        pq.write_table(graded.sort_by([("conversation_id", "ascending"), ("classifier", "ascending")]), fh)
    return name, report.as_dict(), graded.num_rows


def grade_shard_task(
    shard: Mapping[str, Any], params: Mapping[str, Any] | RunParams, *, run_id: str = "grade"
) -> dict[str, Any]:
    """Grade the partitions of one shard (a ``plan_week`` ``grade`` entry); their reports go to
    ``<week>/grade/shard=KKKKK.json`` and the totals are returned."""
    settings = RunParams.parse(params).settings()
    week = shard["week_dir"]
    work = _work(read_plan(week), [int(d["index"]) for d in shard_partitions(shard)])
    if settings.classify.engine == "spark":
        graded = _grade_on_spark(week, work, settings, run_id)
    else:
        graded = [_grade_partition(week, w, settings, run_id) for w in work]
    reports: dict[str, Any] = {}
    totals: Counter[str] = Counter()
    for name, report, rows in graded:
        reports[name] = report
        totals.update(
            rows=rows, flagged=report["flagged"], judged=report["judged"], flipped=report["flipped"]
        )
    summary = {"shard": int(shard["shard"]), "partitions": len(reports), **totals, "reports": reports}
    storage.write_json(_shard_file(week, int(shard["shard"])), summary)
    return {k: v for k, v in summary.items() if k != "reports"}


def _grade_on_spark(
    week: str, work: list[_PartitionWork], settings: Settings, run_id: str
) -> list[tuple[str, dict[str, Any], int]]:
    """The shard's partitions graded by Spark tasks, one each (the same function as on Polars; each task reads
    its partition's files and writes its results file itself, only the reports come back)."""
    from semtel_core.classify.spark_engine import owned_session

    if not work:
        return []
    with owned_session(settings.classify.spark_master) as session:
        tasks = session.sparkContext.parallelize(work, len(work))
        graded: list[tuple[str, dict[str, Any], int]] = tasks.map(
            lambda w: _grade_partition(week, w, settings, run_id)
        ).collect()
    return graded


def _shard_file(week: str, shard: int) -> str:
    return storage.join(week, GRADE_DIR, f"shard={shard:05d}.json")


def finish_grading(week_start: datetime, params: Mapping[str, Any] | RunParams) -> dict[str, Any]:
    """After every grade shard: check each planned partition was graded, remove results of partitions no
    longer planned, and write the week's ``grade_summary.json`` (totals and every partition's report). Returns
    the totals and that file's path, not the reports: the grade_summary task's XCom would otherwise grow with the
    partitions (235 kB at 200, about 1.2 kB each; a 300 M week has 10⁵)."""
    summary = _summarise_grading(week_start, params)
    return {k: v for k, v in summary.items() if k != "reports"} | {
        "summary_path": storage.join(summary["week_dir"], SUMMARY_FILE)
    }


def _summarise_grading(week_start: datetime, params: Mapping[str, Any] | RunParams) -> dict[str, Any]:
    settings = RunParams.parse(params).settings()
    week = week_dir(settings.weekly.output_root, week_start)
    plan = read_plan(week)
    shards = grade_shards(plan, settings)
    reports: dict[str, Any] = {}
    totals: Counter[str] = Counter()
    for shard in shards:
        path = _shard_file(week, int(shard["shard"]))
        try:
            done = _read_json(path)
        except FileNotFoundError:
            raise ReconciliationError(
                f"grade: shard {shard['shard']} of {len(shards)} left no summary ({path}): its task did not finish",
                step="grade",
                shard=shard["shard"],
            ) from None
        reports.update(done["reports"])
        totals.update({k: done[k] for k in ("rows", "flagged", "judged", "flipped") if k in done})
    expected = {f"part={i:05d}.parquet" for i in range(plan["partitions"])}
    if set(reports) != expected:
        raise ReconciliationError(
            f"grade: {len(reports)} partitions graded, {len(expected)} planned",
            step="grade",
            missing=sorted(expected - set(reports))[:10],
        )
    results_dir = storage.join(week, RESULTS_DIR)
    _remove_stale(results_dir, expected)
    summary = {
        "week_dir": week,
        "results_dir": results_dir,
        "partitions": len(expected),
        **{k: totals.get(k, 0) for k in ("rows", "flagged", "judged", "flipped")},
        "reports": dict(sorted(reports.items())),
    }
    storage.write_json(storage.join(week, SUMMARY_FILE), summary)
    logger.info("week %s: %d result rows graded, %d flipped", week, summary["rows"], summary["flipped"])
    return summary


def grade_week(
    week_start: datetime, params: Mapping[str, Any] | RunParams, *, run_id: str = "grade"
) -> dict[str, Any]:
    """Grade every planned partition of the week in this process (every shard, then :func:`finish_grading`);
    the week's totals as JSON.

    Shared-call rows (multi, batched, Batch API) are compared with ``grader.signal_strategy``'s labels when one
    is configured, and rows that disagree are re-checked."""
    settings = RunParams.parse(params).settings()
    week = week_dir(settings.weekly.output_root, week_start)
    for shard in grade_shards(read_plan(week), settings):
        grade_shard_task(shard, params, run_id=run_id)
    return _summarise_grading(week_start, params)
