"""Plan a week: split the extract output into partitions sized by a token budget, online and batch work lists.

Partitions are cut over the conversations sorted by (content hash, conversation id), never splitting one content
across two partitions: the engine asks each distinct content once per partition, so identical conversations must
meet. The same extract output always gives the same partitions, so a rerun finds each partition's checkpoint and
its earlier results (and a batch partition re-attaches to its batches).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import fsspec
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from semtel_core import storage
from semtel_core.extract import CONVERSATIONS_FILE
from semtel_core.pipeline.params import RunParams
from semtel_core.pipeline.shards import (
    GRADE_DIR,
    PLAN_DIR,
    PLAN_FILE,
    grade_shards,
    partition_file,
    read_plan,
    shard_descriptors,
)
from semtel_core.pipeline.weekly import week_dir
from semtel_core.prompts.tokens import count_tokens

logger = logging.getLogger(__name__)


def _token_counts(table: pa.Table) -> list[int]:
    return [
        sum(count_tokens(m["content"] or "") for m in messages)
        for messages in table.column("messages").to_pylist()
    ]


def cut_partitions(hashes: list[str], tokens: list[int], budget: int) -> list[tuple[int, int]]:
    """[start, end) row ranges, cut greedily before the row that would take a partition over ``budget`` tokens,
    except inside a run of equal content hashes (those stay together, even over budget). Rows sorted by hash."""
    ranges: list[tuple[int, int]] = []
    start = used = 0
    for i, (h, t) in enumerate(zip(hashes, tokens, strict=True)):
        same_content = i > start and hashes[i - 1] == h
        if i > start and used + t > budget and not same_content:
            ranges.append((start, i))
            start, used = i, 0
        used += t
    if start < len(hashes):
        ranges.append((start, len(hashes)))
    return ranges


def _clear_plan(week: str) -> None:
    for folder in (PLAN_DIR, GRADE_DIR):
        fs, path = fsspec.core.url_to_fs(storage.join(week, folder))
        if fs.exists(path):
            fs.rm(path, recursive=True)


def planned_partitions(week: str, mode: str) -> list[dict[str, Any]]:
    """Every partition descriptor of ``mode`` (online or batch) from ``<week>/plan.json``."""
    descriptors: list[dict[str, Any]] = read_plan(week)[mode]
    return descriptors


def _descriptor(week: str, index: int, part: pa.Table, tokens: int, classifiers: list[str]) -> dict[str, Any]:
    return {
        "week_dir": week,
        "index": index,
        "path": partition_file(week, index),
        "conversations": part.num_rows,
        "tokens": tokens,
        "classifiers": classifiers,
    }


def plan_week(week_start: datetime, params: Mapping[str, Any] | RunParams) -> dict[str, Any]:
    """Write ``<week>/plan/part=NNNNN.parquet`` and ``<week>/plan.json`` (every partition's descriptor; replacing
    any earlier plan) and return the counts and the work lists ``online``, ``batch`` and ``grade``: at most
    ``classify.max_shards`` shards each (see :mod:`~semtel_core.pipeline.shards`), ``online`` / ``batch``
    empty when no classifier goes that way.
    The return value is an XCom: its size does not grow with the week."""
    run = RunParams.parse(params)
    settings = run.settings()
    online, batch = run.split(settings)
    week = week_dir(settings.weekly.output_root, week_start)
    table = pq.read_table(storage.join(week, "extract", CONVERSATIONS_FILE))
    table = table.take(
        pc.sort_indices(table, [("content_hash", "ascending"), ("conversation_id", "ascending")])
    )
    tokens = _token_counts(table)
    ranges = cut_partitions(
        table.column("content_hash").to_pylist(), tokens, settings.classify.partition_tokens
    )
    _clear_plan(week)
    online_parts: list[dict[str, Any]] = []
    batch_parts: list[dict[str, Any]] = []
    for index, (start, end) in enumerate(ranges):
        part = table.slice(start, end - start)
        with storage.atomic_open(partition_file(week, index)) as fh:
            pq.write_table(part, fh, compression="zstd")
        part_tokens = sum(tokens[start:end])
        if online:
            online_parts.append(_descriptor(week, index, part, part_tokens, online))
        if batch:
            batch_parts.append(_descriptor(week, index, part, part_tokens, batch))
    counts = {
        "week_dir": week,
        "conversations": table.num_rows,
        "tokens": sum(tokens),
        "partitions": len(ranges),
    }
    full = {**counts, "online": online_parts, "batch": batch_parts}
    storage.write_json(storage.join(week, PLAN_FILE), full)
    cap = settings.classify.max_shards
    online_shards = shard_descriptors(week, len(ranges), online, "online", cap)
    batch_shards = shard_descriptors(week, len(ranges), batch, "batch", cap)
    logger.info(
        "week %s: %d conversations in %d partition(s), %d online and %d batch shard(s)",
        week,
        table.num_rows,
        len(ranges),
        len(online_shards),
        len(batch_shards),
    )
    return {**counts, "online": online_shards, "batch": batch_shards, "grade": grade_shards(full, cap)}
