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
import pyarrow.compute as pc
import pyarrow.parquet as pq

from semtel_core import storage
from semtel_core.hash_passes import in_pass, passes_for
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
    """Every later read of an id, found in passes over hash ranges of the ids (:mod:`semtel_core.hash_passes`)."""
    ids = pl.scan_parquet(ids_path)
    passes = passes_for(pq.ParquetFile(ids_path).metadata.num_rows)
    found = []
    for index in range(passes):
        share = ids.filter(in_pass("conversation_id", passes, index))
        firsts = (
            share.group_by("conversation_id")
            .agg(pl.col(SEQ).min().alias("_first"), pl.len().alias("_reads"))
            .filter(pl.col("_reads") > 1)
            .select("conversation_id", "_first")
        )
        repeated = (
            share.join(firsts, on="conversation_id").filter(pl.col(SEQ) != pl.col("_first")).drop("_first")
        )
        found.append(repeated.collect(engine="streaming"))
    return Repeats(pl.concat(found).sort(SEQ))


def kept_batches(staged_path: str, repeats: Repeats) -> Iterator[pa.Table]:
    """The staged conversations without the repeated reads, in read order, one batch at a time (a filter on the
    few dropped ``_seq`` values: a join would hold the staged rows to keep their order)."""
    dropped = pa.array(repeats.frame.get_column(SEQ).to_numpy(), pa.int64())
    with storage.streaming_parquet(staged_path) as staged:
        for batch in staged.iter_batches(batch_size=BATCH_ROWS):
            keep = pc.invert(pc.is_in(batch.column(SEQ), value_set=dropped))
            yield pa.Table.from_batches([batch.filter(keep)]).drop_columns([SEQ])


def unique_contents(staged_path: str, repeats: Repeats) -> int:
    """Distinct content hashes of the kept conversations, counted in hash passes (:mod:`semtel_core.hash_passes`)."""
    dropped = repeats.frame.get_column(SEQ).implode()
    kept = pl.scan_parquet(staged_path).select("content_hash", SEQ).filter(~pl.col(SEQ).is_in(dropped))
    passes = passes_for(pq.ParquetFile(staged_path).metadata.num_rows)
    total = 0
    for index in range(passes):
        part = kept.filter(in_pass("content_hash", passes, index)).select(pl.col("content_hash").n_unique())
        total += int(part.collect(engine="streaming").item())
    return total
