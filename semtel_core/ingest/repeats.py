"""The exactly-once id check of the weekly extract, done by the engine instead of a set of every id in Python.

The extract writes every accepted conversation's id, its read order (``_seq``), where it came from and what became
of it (written, outside the window, not sampled) to a slim Parquet file, and the written conversations, with their
``_seq``, to a staging file. Then one Polars streaming query finds the ids read more than once; all but the first
read become ``duplicate_id`` rejects, and the conversations are copied to their final file without them. Only the
repeated ids are ever held in memory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import polars as pl
import pyarrow as pa

from semtel_core.ingest.rejects import Reject, RejectReason, SourceLocation
from semtel_core.schema.arrow import CONVERSATION_SCHEMA

SEQ = "_seq"
WRITTEN, OUTSIDE, NOT_SAMPLED = "written", "outside_window", "not_sampled"
IDS_SCHEMA = pa.schema(
    [
        ("conversation_id", pa.string()),
        (SEQ, pa.int64()),
        ("source", pa.string()),
        ("line", pa.int64()),
        ("row", pa.int64()),
        ("outcome", pa.string()),
    ]
)
STAGED_SCHEMA = CONVERSATION_SCHEMA.append(pa.field(SEQ, pa.int64()))
BATCH_ROWS = 8192


def id_row(conversation_id: str, seq: int, location: SourceLocation, outcome: str) -> dict[str, object]:
    return {
        "conversation_id": conversation_id,
        SEQ: seq,
        "source": location.source,
        "line": location.line,
        "row": location.row,
        "outcome": outcome,
    }


@dataclass(frozen=True)
class Repeats:
    """Every read of an id after its first, in read order."""

    frame: pl.DataFrame

    @property
    def by_outcome(self) -> Counter[str]:
        return Counter(dict(self.frame.group_by("outcome").len().iter_rows()))

    def rejects(self, scrub: Callable[[str], str] | None) -> Iterator[dict[str, object]]:
        for row in self.frame.iter_rows(named=True):
            cid = row["conversation_id"]
            location = SourceLocation(row["source"], row["line"], row["row"])
            detail = f"conversation_id {cid!r} was already read"
            yield Reject(location, RejectReason.DUPLICATE_ID, detail, cid).to_row(scrub)


def find_repeats(ids_path: str) -> Repeats:
    ids = pl.scan_parquet(ids_path)
    firsts = (
        ids.group_by("conversation_id")
        .agg(pl.col(SEQ).min().alias("_first"), pl.len().alias("_reads"))
        .filter(pl.col("_reads") > 1)
        .select("conversation_id", "_first")
    )
    repeats = (
        ids.join(firsts, on="conversation_id")
        .filter(pl.col(SEQ) != pl.col("_first"))
        .drop("_first")
        .sort(SEQ)
        .collect(engine="streaming")
    )
    return Repeats(repeats)


def _kept(staged_path: str, repeats: Repeats) -> pl.LazyFrame:
    """The staged conversations without the repeated reads, in read order."""
    dropped = repeats.frame.select(SEQ).lazy()
    return pl.scan_parquet(staged_path).join(dropped, on=SEQ, how="anti", maintain_order="left").drop(SEQ)


def kept_batches(staged_path: str, repeats: Repeats) -> Iterator[pa.Table]:
    for frame in _kept(staged_path, repeats).collect_batches(chunk_size=BATCH_ROWS, engine="streaming"):
        yield frame.to_arrow()


def unique_contents(staged_path: str, repeats: Repeats) -> int:
    kept = _kept(staged_path, repeats).select(pl.col("content_hash").n_unique())
    return int(kept.collect(engine="streaming").item())
