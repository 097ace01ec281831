"""The extract step on Spark: the Polars path's per-row functions, one input file per Spark task, and the
exactly-once id check and the distinct-content count as Spark shuffles.

Each task reads its file with the same reader, validator and :class:`~semtel_core.extract.Triage` (window,
sampling, PII scrubbing) as :func:`semtel_core.extract.extract` and returns Arrow batches of *triaged* rows: every
row read becomes one row saying what became of it, with the conversation (when written) or the reject's columns.
Those land in a staging folder once; everything after is Spark: a window over ``conversation_id`` ordered by
read order keeps the first read of each id (later reads become ``duplicate_id`` rejects), the kept conversations
are written in read order, and the counts come from ``groupBy``. No step holds the week in one process.

``conversations.parquet`` and ``rejects.parquet`` are folders of part files here (the plan reads a file or a
folder, :func:`semtel_core.storage.parquet_files`); the rows, their order and the summary equal the Polars path's.
A file that cannot be read fails the step with the same :class:`InputFileError` as on Polars.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

import pyarrow as pa

from semtel_core import storage
from semtel_core.classify.spark_engine import owned_session, spark_path
from semtel_core.config import Settings
from semtel_core.errors import InputFileError
from semtel_core.extract import (
    CONVERSATIONS_FILE,
    REJECTS_FILE,
    SUMMARY_FILE,
    ExtractSummary,
    Triage,
)
from semtel_core.ingest.formats import InputFormat
from semtel_core.ingest.rejects import Reject, RejectReason, SourceLocation
from semtel_core.ingest.repeats import NOT_SAMPLED, OUTSIDE, SEQ, WRITTEN
from semtel_core.ingest.scan import ScanCounts, reconcile, scan_located
from semtel_core.ingest.sources import expand
from semtel_core.privacy.outbound import Outbound
from semtel_core.schema.arrow import CONVERSATION_SCHEMA, REJECT_SCHEMA

FILE = "_file"  # the input file's place in the expanded input list: (FILE, SEQ) is the read order
KIND = "kind"
REJECTED, FILE_DONE, FILE_FAILED = "rejected", "file_done", "file_failed"
ACCEPTED = (WRITTEN, OUTSIDE, NOT_SAMPLED)
_REJECT_COLUMNS = ("reject_id", "reason", "detail", "excerpt")
TRIAGED_SCHEMA = pa.schema(
    [
        (FILE, pa.int64()),
        (SEQ, pa.int64()),
        (KIND, pa.string()),
        ("source", pa.string()),
        ("line", pa.int64()),
        ("row", pa.int64()),
        *CONVERSATION_SCHEMA,  # conversation_id on every accepted row; the rest on written rows
        *[(name, pa.string()) for name in _REJECT_COLUMNS],
        ("pii", pa.string()),  # JSON entity counts of a written row; a file_done row's read and blank counts
    ]
)
BATCH_ROWS = 4096


def _triaged_rows(
    path: str, index: int, settings: Settings, fmt: InputFormat, window: tuple[datetime, datetime] | None
) -> Iterator[dict[str, Any]]:
    triage = Triage(settings, window)
    outbound = Outbound(settings.privacy)
    counts = ScanCounts()
    seq = -1
    try:
        scanned = scan_located([path], settings.input, counts, fmt, None, window, unique_ids=False)
        for seq, (item, location) in enumerate(scanned):
            row: dict[str, Any] = {FILE: index, SEQ: seq, "source": location.source}
            row.update(line=location.line, row=location.row)
            if isinstance(item, Reject):
                shown = item.to_row(outbound.text)
                row.update(kind=REJECTED, reject_id=shown["conversation_id"])
                row.update({k: shown[k] for k in ("reason", "detail", "excerpt")})
            else:
                outcome, item, found = triage(item)
                row.update(kind=outcome, conversation_id=item.conversation_id)
                if outcome == WRITTEN:
                    row.update(item.to_row(), pii=json.dumps(found) if found else None)
            yield row
    except InputFileError as exc:
        yield {FILE: index, SEQ: seq + 1, KIND: FILE_FAILED, "source": path, "detail": str(exc)}
        return
    counts_json = json.dumps({"read": counts.read, "blank": counts.blank})
    yield {FILE: index, SEQ: seq + 1, KIND: FILE_DONE, "source": path, "pii": counts_json}


def _read_files(
    settings: Settings, fmt: InputFormat, window: tuple[datetime, datetime] | None
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            for index, path in zip(
                batch.column(FILE).to_pylist(), batch.column("path").to_pylist(), strict=True
            ):
                rows: list[dict[str, Any]] = []
                for row in _triaged_rows(path, index, settings, fmt, window):
                    rows.append(row)
                    if len(rows) == BATCH_ROWS:
                        yield pa.RecordBatch.from_pylist(rows, schema=TRIAGED_SCHEMA)
                        rows = []
                if rows:
                    yield pa.RecordBatch.from_pylist(rows, schema=TRIAGED_SCHEMA)

    return run


_DUPLICATE_SCHEMA = pa.schema([(FILE, pa.int64()), (SEQ, pa.int64()), *REJECT_SCHEMA])


def _duplicate_rejects(settings: Settings) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """Later reads of an id as ``duplicate_id`` rejects, worded and scrubbed as on the Polars path."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        outbound = Outbound(settings.privacy)
        for batch in batches:
            rows = []
            for r in batch.to_pylist():
                cid = r["conversation_id"]
                reject = Reject(
                    SourceLocation(r["source"], r["line"], r["row"]),
                    RejectReason.DUPLICATE_ID,
                    f"conversation_id {cid!r} was already read",
                    cid,
                )
                rows.append({FILE: r[FILE], SEQ: r[SEQ], **reject.to_row(outbound.text)})
            yield pa.RecordBatch.from_pylist(rows, schema=_DUPLICATE_SCHEMA)

    return run


def extract_spark(
    inputs: Sequence[str],
    output_dir: str,
    settings: Settings,
    *,
    fmt: InputFormat = InputFormat.AUTO,
    window: tuple[datetime, datetime] | None = None,
    spark: Any = None,
) -> ExtractSummary:
    """:func:`semtel_core.extract.extract` on Spark (the given session, the active one, else
    ``classify.spark_master``): the same outputs, counts and reconciliation."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    sources = expand(inputs, window)
    work = storage.join(output_dir, f"_spark-{uuid.uuid4().hex}")
    conversations_path = storage.join(output_dir, CONVERSATIONS_FILE)
    rejects_path = storage.join(output_dir, REJECTS_FILE)
    try:
        with owned_session(settings.classify.spark_master, spark) as session:
            session.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
            files = session.sparkContext.parallelize(
                list(enumerate(sources.files)), max(1, len(sources.files))
            ).toDF(f"{FILE} long, path string")
            staged = storage.join(work, "triaged")
            files.mapInArrow(
                _read_files(settings, fmt, window), from_arrow_schema(TRIAGED_SCHEMA)
            ).write.parquet(spark_path(staged))
            triaged = session.read.schema(from_arrow_schema(TRIAGED_SCHEMA)).parquet(spark_path(staged))
            failed = triaged.filter(F.col(KIND) == FILE_FAILED).orderBy(FILE).limit(1).collect()
            if failed:
                raise InputFileError(failed[0]["detail"], path=failed[0]["source"])
            by_kind = Counter(
                {
                    (r[KIND], r["reason"]): r["count"]
                    for r in triaged.groupBy(KIND, "reason").count().collect()
                }
            )
            done = [
                json.loads(r["pii"]) for r in triaged.filter(F.col(KIND) == FILE_DONE).select("pii").collect()
            ]
            pii = Counter(
                {
                    r["key"]: r["n"]
                    for r in triaged.filter(F.col("pii").isNotNull() & (F.col(KIND) == WRITTEN))
                    .select(F.explode(F.from_json("pii", "map<string,long>")))
                    .groupBy("key")
                    .agg(F.sum("value").alias("n"))
                    .collect()
                }
            )

            # Rank the reads of each id on the narrow columns only: the full rows are shuffled once, for the
            # final sort; the later reads (few) are staged and anti-joined away from the written rows.
            first_read = Window.partitionBy("conversation_id").orderBy(FILE, SEQ)
            located = (FILE, SEQ, KIND, "conversation_id", "source", "line", "row")
            staged_repeats = storage.join(work, "repeats")
            (
                triaged.filter(F.col(KIND).isin(*ACCEPTED))
                .select(*located)
                .withColumn("_read", F.row_number().over(first_read))
                .filter(F.col("_read") > 1)
                .drop("_read")
                .write.parquet(spark_path(staged_repeats))
            )
            repeats = session.read.schema(triaged.select(*located).schema).parquet(spark_path(staged_repeats))
            repeated_by_kind = Counter({r[KIND]: r["count"] for r in repeats.groupBy(KIND).count().collect()})
            # a staged file: Spark knows its size and broadcasts it when small (the usual case)
            kept = triaged.filter(F.col(KIND) == WRITTEN).join(
                repeats.select(FILE, SEQ), [FILE, SEQ], "left_anti"
            )

            scan_rejects = triaged.filter(F.col(KIND) == REJECTED).select(
                F.lit(0).alias("_group"),
                FILE,
                SEQ,
                *[F.col(c) for c in ("source", "line", "row")],
                F.col("reject_id").alias("conversation_id"),
                *[F.col(c) for c in ("reason", "detail", "excerpt")],
            )
            duplicates = repeats.select(FILE, SEQ, "source", "line", "row", "conversation_id").mapInArrow(
                _duplicate_rejects(settings), from_arrow_schema(_DUPLICATE_SCHEMA)
            )
            rejects = scan_rejects.unionByName(duplicates.withColumn("_group", F.lit(1)))
            new_rejects = storage.join(work, "rejects")
            rejects.orderBy("_group", FILE, SEQ).select(*REJECT_SCHEMA.names).write.parquet(
                spark_path(new_rejects)
            )
            new_conversations = storage.join(work, "conversations")
            kept.orderBy(FILE, SEQ).select(*CONVERSATION_SCHEMA.names).write.parquet(
                spark_path(new_conversations)
            )
            # Counted from what was written (the row count from the files' footers)
            output = session.read.schema(from_arrow_schema(CONVERSATION_SCHEMA)).parquet(
                spark_path(new_conversations)
            )
            written = output.count()
            unique = output.select(F.countDistinct("content_hash")).first()[0] if written else 0
            rejected = sum(n for (kind, _), n in by_kind.items() if kind == REJECTED) + sum(
                repeated_by_kind.values()
            )
        storage.replace_with(new_rejects, rejects_path)
        storage.replace_with(new_conversations, conversations_path)
    finally:
        storage.remove(work)

    rejected_by_reason = Counter({reason: n for (kind, reason), n in by_kind.items() if kind == REJECTED})
    rejected_by_reason[RejectReason.DUPLICATE_ID.value] += sum(repeated_by_kind.values())
    read, blank = sum(d["read"] for d in done), sum(d["blank"] for d in done)
    outcomes = Counter({kind: n for (kind, _), n in by_kind.items() if kind in ACCEPTED})
    outcomes.subtract(repeated_by_kind)
    accepted = sum(outcomes.values())
    reconcile(read, accepted, rejected, step="extract: read", blank=blank)
    reconcile(
        accepted,
        written,
        0,
        step="extract: accepted",
        outside_window=outcomes[OUTSIDE],
        not_sampled=outcomes[NOT_SAMPLED],
    )
    summary = ExtractSummary(
        inputs=list(inputs),
        files=len(sources.files),
        pruned_files=len(sources.pruned),
        read=read,
        accepted=accepted,
        rejected=rejected,
        rejected_by_reason={k: v for k, v in sorted(rejected_by_reason.items()) if v},
        blank=blank,
        outside_window=outcomes[OUTSIDE],
        sampled=written,
        sample_rate=settings.sampling.rate,
        unique_content=unique,
        duplicate_content=written - unique,
        pii_replaced=dict(sorted(pii.items())),
        conversations_path=conversations_path,
        rejects_path=rejects_path,
    )
    storage.write_json(storage.join(output_dir, SUMMARY_FILE), summary.model_dump())
    return summary
