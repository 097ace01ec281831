"""Shards: the bounded units the weekly DAG maps over (at most ``classify.max_shards``, default 256, whatever
the week's size; Airflow refuses to map more than ``core.max_map_length``, 1024 by default). A shard is a small
descriptor; its partitions are computed from the plan's layout (round-robin), so no XCom or trigger argument
grows with the week. Each mapped task works through its shard's partitions one by one and reports the sum.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq

from semtel_core import storage
from semtel_core.config import Settings
from semtel_core.schema.arrow import CONVERSATION_SCHEMA

PLAN_DIR = "plan"
PLAN_FILE = "plan.json"
GRADE_DIR = "grade"  # one summary per grade shard; cleared with the plan, so none outlives the plan it graded


def read_plan(week: str) -> dict[str, Any]:
    """``<week>/plan.json``: the counts and every partition's descriptor, per path (online, batch)."""
    with fsspec.open(storage.join(week, PLAN_FILE), "rb") as fh:
        plan: dict[str, Any] = json.loads(fh.read())
    return plan


PARTITION_NAME = "part=%05d.parquet"


def partition_file(week: str, index: int) -> str:
    return storage.join(week, PLAN_DIR, PARTITION_NAME % index)


def read_partition(path: str) -> pa.Table:
    """A plan partition, read as :data:`CONVERSATION_SCHEMA` (a file of another writer may use large types)."""
    fs, inner = fsspec.core.url_to_fs(path)
    return pq.read_table(inner, filesystem=fs, schema=CONVERSATION_SCHEMA, partitioning=None)


def shard_descriptors(
    week: str, partitions: int, classifiers: list[str], mode: str, max_shards: int
) -> list[dict[str, Any]]:
    """At most ``max_shards`` shards over ``partitions`` partitions (none without classifiers): Airflow maps over
    these, whatever the week's size, and each shard works through its partitions (:func:`shard_partitions`)."""
    if not classifiers or partitions == 0:
        return []
    shards = min(partitions, max_shards)
    return [
        {
            "week_dir": week,
            "mode": mode,
            "shard": k,
            "shards": shards,
            "partitions": partitions,
            "classifiers": classifiers,
        }
        for k in range(shards)
    ]


def shard_partitions(shard: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The partition descriptors of one shard: partitions ``shard, shard + shards, …`` (round-robin, so the
    token-budgeted partitions spread evenly), computed from the plan's layout, not carried in the XCom."""
    week, classifiers = shard["week_dir"], list(shard["classifiers"])
    return [
        {
            "week_dir": week,
            "index": i,
            "path": partition_file(week, i),
            "classifiers": classifiers,
        }
        for i in range(int(shard["shard"]), int(shard["partitions"]), int(shard["shards"]))
    ]


def grade_shards(plan: Mapping[str, Any], settings: Settings) -> list[dict[str, Any]]:
    """The grade work list of a plan (``plan.json``'s content): every partition, whichever path classified it;
    at most ``classify.max_shards`` shards, and one on Spark (a single job spreads the partitions over the
    executors; a job per shard would start executors hundreds of times)."""
    classifiers = sorted({c for d in [*plan["online"], *plan["batch"]] for c in d["classifiers"]})
    cap = 1 if settings.classify.engine == "spark" else settings.classify.max_shards
    return shard_descriptors(plan["week_dir"], plan["partitions"], classifiers, "grade", cap)


def shard_status(statuses: Sequence[str]) -> str:
    """One status for a shard's partitions: ``running`` while one runs, the common terminal status when they
    agree, else ``in_progress`` (ended differently, as a single run's mixed parts are reported)."""
    if "running" in statuses:
        return "running"
    distinct = set(statuses)
    return distinct.pop() if len(distinct) == 1 else "in_progress"


def add_up(summaries: Iterable[Mapping[str, Any]], **fields: Any) -> dict[str, Any]:
    """The partitions' summaries of a shard as one: numbers summed, counters (dicts of numbers) merged, other
    values from the last summary; ``partitions`` counts them; ``fields`` added as given."""
    total: dict[str, Any] = {"partitions": 0}
    for summary in summaries:
        total["partitions"] += 1
        for key, value in summary.items():
            if isinstance(value, bool) or key in fields:
                continue
            if isinstance(value, int | float):
                total[key] = total.get(key, 0) + value
            elif isinstance(value, Mapping) and all(isinstance(v, int | float) for v in value.values()):
                merged = total.setdefault(key, {})
                for name, n in value.items():
                    merged[name] = merged.get(name, 0) + n
            else:
                total[key] = value
    return {**total, **fields}
