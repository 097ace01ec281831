"""The plan's cut on Spark: the two passes of :mod:`~semtel_core.pipeline.partitioning`, with its per-batch
functions (``bins_of``, ``conversation_tokens``) in ``mapInArrow`` tasks and the sums as a Spark ``groupBy``.

Pass 1 brings only the per-bin sums to the driver (as Arrow; at most ``2**MAX_BIN_BITS`` rows); the cut is the same
function as on Polars. Partitions are ranges of bins, so pass 2 finds a row's partition by a binary search over
the partitions' first bins (a few kilobytes shipped to each task, not a per-bin table), then shuffles by partition
and writes each one as the folder ``plan/part=NNNNN.parquet/`` (one part file, rows in the extract's read order:
the same rows, in the same order, as the Polars path's file of that name).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pyarrow as pa

from semtel_core import storage
from semtel_core.errors import ReconciliationError
from semtel_core.pipeline.partitioning import (
    Partitioning,
    bin_bits,
    bins_of,
    conversation_tokens,
    cut_bins,
)
from semtel_core.schema.arrow import CONVERSATION_SCHEMA

PART = "part"
_ORDER = ("_path", "_row")  # the extract's read order: its part files in name order, rows in file order


def _bin_tokens(bits: int) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            bins = pa.array(bins_of(batch, bits), pa.int64())
            tokens = pa.array(conversation_tokens(batch.column("messages")), pa.int64())
            yield pa.RecordBatch.from_arrays([bins, tokens], names=["bin", "tokens"])

    return run


def _assign(bits: int, firsts: np.ndarray) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            parts = np.searchsorted(firsts, bins_of(batch, bits), side="right") - 1
            yield batch.append_column(PART, pa.array(parts, pa.int64()))

    return run


def plan_on_spark(
    conversations: str, budget: int, out_dir: str, master: str, spark: Any = None
) -> Partitioning:
    """Cut the extract's ``conversations`` (a file or a Spark folder) into partitions of ``budget`` tokens and
    write them under ``out_dir`` (emptied first) on Spark: the given or active session, else ``master``."""
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    from semtel_core.classify.spark_engine import owned_session, spark_path

    with owned_session(master, spark) as session:
        session.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        frame = session.read.schema(from_arrow_schema(CONVERSATION_SCHEMA)).parquet(spark_path(conversations))
        bits = bin_bits(frame.count())
        sums = (
            frame.select("content_hash", "messages")
            .mapInArrow(_bin_tokens(bits), "bin long, tokens long")
            .groupBy("bin")
            .agg(F.sum("tokens").alias("tokens"), F.count(F.lit(1)).alias("rows"))
            .orderBy("bin")
            .toArrow()
        )
        plan = cut_bins(
            bits,
            sums.column("bin").to_numpy(),
            sums.column("tokens").to_numpy(),
            sums.column("rows").to_numpy(),
            budget,
        )
        storage.remove(out_dir)
        if not plan.partitions:
            return plan
        firsts = plan.bins[np.searchsorted(plan.part_of_bin, np.arange(plan.partitions))]
        ordered = frame.select(
            "*", F.col("_metadata.file_path").alias(_ORDER[0]), F.col("_metadata.row_index").alias(_ORDER[1])
        )
        assigned_schema = from_arrow_schema(
            pa.schema(
                [*CONVERSATION_SCHEMA, (_ORDER[0], pa.string()), (_ORDER[1], pa.int64()), (PART, pa.int64())]
            )
        )
        (
            ordered.mapInArrow(_assign(bits, firsts), assigned_schema)
            .withColumn(PART, F.format_string("%05d.parquet", PART))  # the folder part=NNNNN.parquet
            .repartition(PART)
            .sortWithinPartitions(PART, *_ORDER)
            .drop(*_ORDER)
            .write.partitionBy(PART)
            .parquet(spark_path(out_dir))
        )
        written = {
            r[PART]: r["count"]
            for r in session.read.parquet(spark_path(out_dir)).groupBy(PART).count().collect()
        }
    for index, rows in enumerate(plan.rows):
        got = written.get(f"{index:05d}.parquet", 0)
        if got != rows:
            raise ReconciliationError(
                f"plan: partition {index} got {got} rows, pass 1 counted {rows}", step="plan", partition=index
            )
    return plan
