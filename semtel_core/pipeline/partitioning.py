"""Cut a week's conversations into partitions of about ``classify.partition_tokens`` tokens, in two streaming
passes, so the plan's memory does not grow with the week.

1. Every conversation's tokens are estimated (characters over Arrow batches) and added to its *bin*: the top
   bits of its content hash. Only the per-bin sums stay in memory (at most ``2**MAX_BIN_BITS`` of them).
2. Bins, in order, are cut greedily into partitions under the budget; each row then goes to its bin's partition
   file, a bounded number of files at a time.

A content's copies share a hash, hence a bin, hence a partition: the engine asks each distinct content once. The
same extract output always gives the same partitions (a rerun finds its checkpoints and batches). A bin holds
about four conversations on average, so a partition overshoots its budget by a few conversations at most; a bin
over the budget on its own (one content repeated many times) is a partition of its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import fsspec
import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from semtel_core import storage
from semtel_core.errors import ReconciliationError
from semtel_core.prompts.tokens import CHARS_PER_TOKEN
from semtel_core.schema.arrow import CONVERSATION_SCHEMA

MAX_BIN_BITS = 22  # 4 M bins: 64 MB of counters; ~70 conversations a bin at 300 M a week
MIN_BIN_BITS = 10
_HASH_BITS = 32  # bins come from the first 8 hex digits of the content hash
BATCH_ROWS = 8192
ROW_GROUP_ROWS = 4096  # buffered per open partition file before it is written
PARTITIONS_PER_PASS = 16  # partition files open at once in pass 2


@dataclass(frozen=True)
class Partitioning:
    """Where each bin goes, and each partition's size."""

    bits: int
    bins: np.ndarray  # non-empty bins, ascending
    part_of_bin: np.ndarray  # partition index of each of ``bins``
    rows: list[int]  # per partition
    tokens: list[int]  # per partition

    @property
    def partitions(self) -> int:
        return len(self.rows)


def bin_bits(rows: int) -> int:
    """About four conversations a bin, within [MIN_BIN_BITS, MAX_BIN_BITS]."""
    return min(MAX_BIN_BITS, max(MIN_BIN_BITS, (max(rows, 1) // 4).bit_length()))


def _bin_expr(bits: int) -> pl.Expr:
    return pl.col("content_hash").str.slice(0, 8).str.to_integer(base=16) // (1 << (_HASH_BITS - bits))


def conversation_tokens(messages: pa.ListArray | pa.ChunkedArray) -> np.ndarray:
    """Estimated tokens of every conversation's message contents: ``CHARS_PER_TOKEN`` characters a token,
    rounded up per message (the estimate :func:`~semtel_core.prompts.tokens.rough_prompt_tokens` makes), counted
    by Arrow. A partition's budget is a size, not a bill: a tokenizer pass here cost 0.75 CPU-s per 1,000
    conversations (benchmarks/scale.py), a tenth of the whole run's target; the classify step counts exactly
    where it truncates."""
    if isinstance(messages, pa.ChunkedArray):
        messages = messages.combine_chunks()
    lengths = pc.utf8_length(pc.list_flatten(messages).field("content")).fill_null(0)
    per_message = -(-lengths.to_numpy(zero_copy_only=False).astype(np.int64) // CHARS_PER_TOKEN)
    parents = pc.list_parent_indices(messages).to_numpy()
    return np.bincount(parents, weights=per_message, minlength=len(messages)).astype(np.int64)


def cut_partitions(hashes: Sequence[object], tokens: Sequence[int], budget: int) -> list[tuple[int, int]]:
    """[start, end) ranges, cut greedily before the item that would take a partition over ``budget`` tokens,
    except inside a run of equal keys (those stay together, even over budget). Items sorted by key."""
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


def _files(path: str) -> list[tuple[Any, str]]:
    return [fsspec.core.url_to_fs(f) for f in storage.parquet_files(path)]


def _num_rows(fs: Any, inner: str) -> int:
    with fs.open(inner, "rb") as fh:
        return int(pq.ParquetFile(fh).metadata.num_rows)


def _batches(path: str, columns: list[str] | None) -> Iterator[pa.RecordBatch]:
    """The rows of the extract's conversations (one file, or a Spark job's folder of part files) in order, one
    batch at a time, as :data:`CONVERSATION_SCHEMA` (or the given columns of it)."""
    schema = (
        CONVERSATION_SCHEMA if columns is None else pa.schema([CONVERSATION_SCHEMA.field(c) for c in columns])
    )
    for fs, inner in _files(path):
        with fs.open(inner, "rb") as fh:
            source = storage.streaming_parquet(fh)
            for batch in source.iter_batches(batch_size=BATCH_ROWS, columns=columns):
                yield batch.select(schema.names).cast(schema)


def count_bins(path: str, budget: int) -> Partitioning:
    """Pass 1: tokens and rows per bin of the Parquet file at ``path``, cut into partitions of ``budget``."""
    bits = bin_bits(sum(_num_rows(fs, inner) for fs, inner in _files(path)))
    tokens = np.zeros(1 << bits, dtype=np.int64)
    rows = np.zeros(1 << bits, dtype=np.int64)
    for batch in _batches(path, ["content_hash", "messages"]):
        bins = bins_of(batch, bits)
        np.add.at(tokens, bins, conversation_tokens(batch.column("messages")))
        np.add.at(rows, bins, 1)
    used = np.flatnonzero(rows)
    return cut_bins(bits, used, tokens[used], rows[used], budget)


def cut_bins(bits: int, bins: np.ndarray, tokens: np.ndarray, rows: np.ndarray, budget: int) -> Partitioning:
    """The partitions of the non-empty ``bins`` (ascending) with their ``tokens`` and ``rows``: pass 1's end,
    on either engine."""
    ranges = cut_partitions(bins.tolist(), tokens.tolist(), budget)
    part_of_bin = np.empty(len(bins), dtype=np.int64)
    for index, (start, end) in enumerate(ranges):
        part_of_bin[start:end] = index
    return Partitioning(
        bits=bits,
        bins=bins,
        part_of_bin=part_of_bin,
        rows=[int(rows[s:e].sum()) for s, e in ranges],
        tokens=[int(tokens[s:e].sum()) for s, e in ranges],
    )


def bins_of(batch: pa.RecordBatch, bits: int) -> np.ndarray:
    frame = pl.from_arrow(batch.select(["content_hash"]))
    assert isinstance(frame, pl.DataFrame)
    return frame.select(_bin_expr(bits)).to_series().to_numpy()


def write_partitions(path: str, plan: Partitioning, out_dir: str, file_name: str) -> None:
    """Pass 2: every row of ``path`` into ``<out_dir>/<file_name % index>``, one file per partition, streaming.

    At most ``PARTITIONS_PER_PASS`` files are open at a time, each buffering at most ``ROW_GROUP_ROWS`` rows,
    so memory does not grow with the week; each group of partitions reads the input once more. (Polars'
    partitioned sink held the week: 667 MB at 100 k conversations, 1,135 MB at 300 k.)"""
    lookup = np.full(1 << plan.bits, -1, dtype=np.int64)
    lookup[plan.bins] = plan.part_of_bin
    for first in range(0, plan.partitions, PARTITIONS_PER_PASS):
        group = range(first, min(first + PARTITIONS_PER_PASS, plan.partitions))
        sinks = {i: _PartitionSink(storage.join(out_dir, file_name % i)) for i in group}
        try:
            for batch in _batches(path, None):
                parts = lookup[bins_of(batch, plan.bits)]
                for index in np.unique(parts[(parts >= group.start) & (parts < group.stop)]):
                    sinks[int(index)].add(batch.filter(pa.array(parts == index)))
        except BaseException:
            for sink in sinks.values():
                sink.abort()
            raise
        for index, sink in sinks.items():
            sink.close()
            if sink.rows != plan.rows[index]:
                raise ReconciliationError(
                    f"plan: partition {index} got {sink.rows} rows, pass 1 counted {plan.rows[index]}",
                    step="plan",
                    partition=index,
                )


class _PartitionSink:
    """One partition file: batches buffered up to ``ROW_GROUP_ROWS`` rows, then written as a row group."""

    def __init__(self, path: str) -> None:
        self._writer = storage.AtomicParquetWriter(path, CONVERSATION_SCHEMA)
        self._buffer: list[pa.RecordBatch] = []
        self._rows = 0

    def add(self, batch: pa.RecordBatch) -> None:
        self._buffer.append(batch)
        self._rows += batch.num_rows
        if self._rows >= ROW_GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._buffer:
            self._writer.write_table(pa.Table.from_batches(self._buffer))
        self._buffer, self._rows = [], 0

    def close(self) -> None:
        self._flush()
        self._writer.close()

    @property
    def rows(self) -> int:
        return self._writer.rows

    def abort(self) -> None:
        self._buffer = []
        self._writer.abort()
