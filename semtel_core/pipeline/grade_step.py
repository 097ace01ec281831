"""The grade step of a weekly run: gather each partition's online and batch rows, re-check them with the grader
and replace the week's results, ``<week>/results/part=NNNNN.parquet`` (one file per planned partition).

It reads what the plan lists (``<week>/plan.json``), never a directory listing, so files of an earlier plan of
the same week cannot leak in; result files of partitions no longer planned are removed.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime
from typing import Any

import fsspec
import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from semtel_core import storage
from semtel_core.errors import ReconciliationError
from semtel_core.grader.run import grade_partition
from semtel_core.pipeline.batch_step import batch_results_file
from semtel_core.pipeline.classify_step import online_results_file
from semtel_core.pipeline.params import RunParams
from semtel_core.pipeline.weekly import week_dir
from semtel_core.schema.results import RESULT_SCHEMA

logger = logging.getLogger(__name__)
RESULTS_DIR = "results"


def _read_json(path: str) -> dict[str, Any]:
    with fsspec.open(path, "rb") as fh:
        data: dict[str, Any] = orjson.loads(fh.read())
    return data


def _partition_rows(plan: dict[str, Any], index: int) -> pa.Table:
    online = [online_results_file(d) for d in plan["online"] if d["index"] == index]
    batch = [batch_results_file(d) for d in plan["batch"] if d["index"] == index]
    tables = [pq.read_table(path, schema=RESULT_SCHEMA) for path in online + batch]
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


def _remove_stale(results_dir: str, keep: set[str]) -> None:
    fs, path = fsspec.core.url_to_fs(results_dir)
    if not fs.exists(path):
        return
    for name in fs.ls(path, detail=False):
        if name.rsplit("/", 1)[-1] not in keep:
            fs.rm(name)


def grade_week(output_root: str, week_start: datetime, params: dict[str, Any] | RunParams) -> dict[str, Any]:
    """Grade every planned partition of the week and replace its results file; the week's totals as JSON."""
    settings = RunParams.parse(params).settings()
    week = week_dir(output_root, week_start)
    plan = _read_json(storage.join(week, "plan.json"))
    classifiers = {c for d in plan["online"] + plan["batch"] for c in d["classifiers"]}
    results_dir = storage.join(week, RESULTS_DIR)
    totals: Counter[str] = Counter()
    flips: dict[str, Any] = {}
    keep: set[str] = set()
    for index in range(plan["partitions"]):
        conversations = pq.read_table(storage.join(week, "plan", f"part={index:05d}.parquet"))
        rows = _partition_rows(plan, index)
        _check(rows, conversations, classifiers, index)
        graded, report = grade_partition(rows, conversations, settings)
        name = f"part={index:05d}.parquet"
        with storage.atomic_open(storage.join(results_dir, name)) as fh:
            pq.write_table(
                graded.sort_by([("conversation_id", "ascending"), ("classifier", "ascending")]), fh
            )
        keep.add(name)
        report_dict = report.as_dict()
        totals.update(
            rows=graded.num_rows, flagged=report.flagged, judged=report.judged, flipped=report.flipped
        )
        flips[name] = report_dict
    _remove_stale(results_dir, keep)
    summary = {
        "week_dir": week,
        "results_dir": results_dir,
        "partitions": len(keep),
        **totals,
        "reports": flips,
    }
    storage.write_json(storage.join(week, "grade_summary.json"), summary)
    logger.info("week %s: %d result rows graded, %d flipped", week, totals["rows"], totals["flipped"])
    return summary
