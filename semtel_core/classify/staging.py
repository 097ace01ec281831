"""Read the input once, streaming: rejects to their file, accepted conversations into content-hash buckets.

A bucket is the unit of work of both engines (a partition). Bucketing by content hash, not by position,
means identical conversations always meet in one bucket (classified once across the whole input), a
conversation lands in the same bucket whatever the input order or file split (so a rerun finds its
checkpoint), and both engines see exactly the same partitions (so they produce the same rows). Memory stays
flat: each bucket's writer buffers ``input.chunk_rows / buckets`` rows before writing a row group.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import fsspec

from semtel_core import storage
from semtel_core.config import Settings
from semtel_core.errors import InputFileError
from semtel_core.ingest.formats import InputFormat
from semtel_core.ingest.rejects import Reject
from semtel_core.ingest.scan import ScanCounts, reconcile, scan
from semtel_core.privacy.outbound import Outbound
from semtel_core.schema.arrow import CONVERSATION_SCHEMA, REJECT_SCHEMA
from semtel_core.storage import RowSink

STAGING_DIR = "_staging"
REJECTS_FILE = "rejects.parquet"


def bucket_of(content_hash: str, buckets: int) -> int:
    return int(content_hash[:8], 16) % buckets


def bucket_name(bucket: int) -> str:
    return f"bucket={bucket:05d}"


def staged_file(output_dir: str, bucket: int) -> str:
    # A directory per bucket, so that Spark's partition discovery reads the bucket number as a column.
    return storage.join(output_dir, STAGING_DIR, bucket_name(bucket), "part-0.parquet")


def bucket_count(inputs: Sequence[str], settings: Settings) -> int:
    """``classify.partitions`` when set, else one bucket per ``classify.partition_bytes`` of input."""
    if settings.classify.partitions is not None:
        return settings.classify.partitions
    total = 0
    for path in inputs:
        fs, p = fsspec.core.url_to_fs(path)
        try:
            total += int(fs.size(p) or 0)
        except (FileNotFoundError, PermissionError) as exc:
            raise InputFileError(f"cannot open input {path}: {exc.strerror or exc}", path=path) from None
    return max(1, math.ceil(total / settings.classify.partition_bytes))


@dataclass
class StagedInput:
    buckets: int
    rows_per_bucket: dict[int, int]
    read: int
    accepted: int
    rejected: int
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    rejects_path: str = ""
    blank: int = 0

    def files(self, output_dir: str) -> dict[int, str]:
        return {b: staged_file(output_dir, b) for b in range(self.buckets)}


def stage_input(
    inputs: Sequence[str],
    output_dir: str,
    settings: Settings,
    *,
    fmt: InputFormat = InputFormat.AUTO,
    on_bytes: Callable[[int], None] | None = None,
) -> StagedInput:
    """Validate every input row (bad rows -> ``rejects.parquet``) and write the accepted ones to buckets."""
    buckets = bucket_count(inputs, settings)
    fs, root = fsspec.core.url_to_fs(storage.join(output_dir, STAGING_DIR))
    if fs.exists(root):
        fs.rm(root, recursive=True)  # staging is derived from the input alone: always rebuilt
    chunk = max(64, settings.input.chunk_rows // buckets)
    sinks = [RowSink(staged_file(output_dir, b), CONVERSATION_SCHEMA, chunk) for b in range(buckets)]
    counts = ScanCounts()
    outbound = Outbound(settings.privacy)  # reject rows: id, detail and excerpt scrubbed
    rejects_path = storage.join(output_dir, REJECTS_FILE)
    try:
        with RowSink(rejects_path, REJECT_SCHEMA, settings.input.chunk_rows) as rejects:
            for item in scan(inputs, settings.input, counts, fmt, on_bytes):
                if isinstance(item, Reject):
                    rejects.add(item.to_row(outbound.text))
                else:
                    row = item.to_row()
                    sinks[bucket_of(row["content_hash"], buckets)].add(row)
    except BaseException:
        for sink in sinks:
            sink.abort()
        raise
    for sink in sinks:
        sink.close()
    reconcile(counts.read, counts.accepted, rejects.rows, step="classify: read", blank=counts.blank)
    return StagedInput(
        buckets=buckets,
        rows_per_bucket={b: s.rows for b, s in enumerate(sinks)},
        read=counts.read,
        accepted=counts.accepted,
        rejected=rejects.rows,
        rejected_by_reason={k: v for k, v in sorted(counts.rejected.items()) if v},
        rejects_path=rejects_path,
        blank=counts.blank,
    )
