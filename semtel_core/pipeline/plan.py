"""Plan a week: split the extract output into partitions sized by a token budget, online and batch work lists.

The cut (:mod:`~semtel_core.pipeline.partitioning`) streams: it never holds the week. It never splits one content
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

from semtel_core import storage
from semtel_core.config import Settings
from semtel_core.extract import CONVERSATIONS_FILE
from semtel_core.pipeline.params import RunParams
from semtel_core.pipeline.partitioning import count_bins, cut_partitions, write_partitions
from semtel_core.pipeline.shards import (
    GRADE_DIR,
    PARTITION_NAME,
    PLAN_DIR,
    PLAN_FILE,
    grade_shards,
    partition_file,
    read_plan,
    shard_descriptors,
)
from semtel_core.pipeline.weekly import week_dir

__all__ = ["cut_partitions", "plan_week", "planned_partitions"]
logger = logging.getLogger(__name__)


def _clear_plan(week: str) -> None:
    for folder in (PLAN_DIR, GRADE_DIR):
        fs, path = fsspec.core.url_to_fs(storage.join(week, folder))
        if fs.exists(path):
            fs.rm(path, recursive=True)


def planned_partitions(week: str, mode: str) -> list[dict[str, Any]]:
    """Every partition descriptor of ``mode`` (online or batch) from ``<week>/plan.json``."""
    descriptors: list[dict[str, Any]] = read_plan(week)[mode]
    return descriptors


def _descriptor(week: str, index: int, rows: int, tokens: int, classifiers: list[str]) -> dict[str, Any]:
    return {
        "week_dir": week,
        "index": index,
        "path": partition_file(week, index),
        "conversations": rows,
        "tokens": tokens,
        "classifiers": classifiers,
    }


def _without_batch_api(
    settings: Settings, online: list[str], batch: list[str]
) -> tuple[list[str], list[str]]:
    """Batch classifiers go online, with a WARNING, when the batch endpoint has no Batch API (vLLM, Ollama,
    llama.cpp's server): the week is still classified, at the online price, instead of failing in submit."""
    from semtel_core.batch.provider import batch_api_gap

    gap = batch_api_gap(settings)
    if gap is None:
        return online, batch
    logger.warning("%s: the batch classifiers %s go online this week", gap, batch)
    wanted = set(online) | set(batch)
    return [c for c in settings.classifiers if c in wanted], []


def plan_week(week_start: datetime, params: Mapping[str, Any] | RunParams) -> dict[str, Any]:
    """Write ``<week>/plan/part=NNNNN.parquet`` and ``<week>/plan.json`` (every partition's descriptor; replacing
    any earlier plan) and return the counts and the work lists ``online``, ``batch`` and ``grade``: at most
    ``classify.max_shards`` shards each (see :mod:`~semtel_core.pipeline.shards`), ``online`` / ``batch``
    empty when no classifier goes that way.
    The return value is an XCom: its size does not grow with the week."""
    run = RunParams.parse(params)
    settings = run.settings()
    online, batch = run.split(settings)
    if batch:
        online, batch = _without_batch_api(settings, online, batch)
    week = week_dir(settings.weekly.output_root, week_start)
    conversations = storage.join(week, "extract", CONVERSATIONS_FILE)
    budget = settings.classify.partition_tokens
    if settings.classify.engine == "spark":
        from semtel_core.pipeline.partitioning_spark import plan_on_spark

        _clear_plan(week)
        cut = plan_on_spark(
            conversations, budget, storage.join(week, PLAN_DIR), settings.classify.spark_master
        )
    else:
        cut = count_bins(conversations, budget)
        _clear_plan(week)
        write_partitions(conversations, cut, storage.join(week, PLAN_DIR), PARTITION_NAME)
    online_parts: list[dict[str, Any]] = []
    batch_parts: list[dict[str, Any]] = []
    for index, (rows, tokens) in enumerate(zip(cut.rows, cut.tokens, strict=True)):
        if online:
            online_parts.append(_descriptor(week, index, rows, tokens, online))
        if batch:
            batch_parts.append(_descriptor(week, index, rows, tokens, batch))
    counts = {
        "week_dir": week,
        "conversations": sum(cut.rows),
        "tokens": sum(cut.tokens),
        "partitions": cut.partitions,
    }
    full = {**counts, "online": online_parts, "batch": batch_parts}
    storage.write_json(storage.join(week, PLAN_FILE), full)
    cap = settings.classify.max_shards
    online_shards = shard_descriptors(week, cut.partitions, online, "online", cap)
    batch_shards = shard_descriptors(week, cut.partitions, batch, "batch", cap)
    logger.info(
        "week %s: %d conversations in %d partition(s), %d online and %d batch shard(s)",
        week,
        counts["conversations"],
        cut.partitions,
        len(online_shards),
        len(batch_shards),
    )
    return {**counts, "online": online_shards, "batch": batch_shards, "grade": grade_shards(full, settings)}
