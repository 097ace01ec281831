"""The extract step: validate, scrub PII, sample and dedupe one slice of the conversation source.

Writes, under ``output_dir``: ``conversations.parquet`` (the sampled, scrubbed conversations),
``rejects.parquet`` (every rejected row with its reason and source location) and ``extract_summary.json``.
Every row read ends in exactly one of: rejected, outside the time window, not sampled, written.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime

from pydantic import BaseModel, Field

from semtel_core import storage
from semtel_core.config import Settings
from semtel_core.ingest.formats import InputFormat
from semtel_core.ingest.rejects import Reject, RejectReason
from semtel_core.ingest.repeats import (
    IDS_SCHEMA,
    NOT_SAMPLED,
    OUTSIDE,
    SEQ,
    STAGED_SCHEMA,
    WRITTEN,
    find_repeats,
    id_row,
    kept_batches,
    unique_contents,
)
from semtel_core.ingest.scan import ScanCounts, reconcile, scan_located
from semtel_core.privacy import build_scrubber, scrub_conversation
from semtel_core.privacy.outbound import Outbound
from semtel_core.sampling import in_sample
from semtel_core.schema.arrow import CONVERSATION_SCHEMA, REJECT_SCHEMA
from semtel_core.schema.conversation import Conversation
from semtel_core.storage import RowSink

CONVERSATIONS_FILE = "conversations.parquet"
REJECTS_FILE = "rejects.parquet"
SUMMARY_FILE = "extract_summary.json"


class ExtractSummary(BaseModel):
    inputs: list[str]
    files: int = Field(default=0, description="input files read (folders and globs expanded)")
    pruned_files: int = Field(
        default=0, description="files in date partitions outside the window, never read"
    )
    read: int
    accepted: int
    rejected: int
    rejected_by_reason: dict[str, int]
    blank: int = Field(default=0, description="whitespace-only lines: read = accepted + rejected + blank")
    outside_window: int = 0
    sampled: int
    sample_rate: float
    unique_content: int
    duplicate_content: int
    pii_replaced: dict[str, int] = Field(default_factory=dict)
    conversations_path: str
    rejects_path: str


class Triage:
    """What becomes of one accepted conversation, on either engine: outside the window, not sampled, or written
    (scrubbed of PII, with what was replaced)."""

    def __init__(self, settings: Settings, window: tuple[datetime, datetime] | None) -> None:
        self._window = window
        self._sampling = settings.sampling
        self._scrubber = build_scrubber(settings.privacy) if settings.privacy.enabled else None

    def __call__(self, conv: Conversation) -> tuple[str, Conversation, dict[str, int]]:
        window = self._window
        if window is not None and not (
            conv.timestamp is not None and window[0] <= conv.timestamp < window[1]
        ):
            return OUTSIDE, conv, {}
        if not in_sample(conv.conversation_id, self._sampling.rate, self._sampling.salt):
            return NOT_SAMPLED, conv, {}
        if self._scrubber is None:
            return WRITTEN, conv, {}
        scrubbed, found = scrub_conversation(conv, self._scrubber)
        return WRITTEN, scrubbed, dict(found)


def extract(
    inputs: Sequence[str],
    output_dir: str,
    settings: Settings,
    *,
    fmt: InputFormat = InputFormat.AUTO,
    window: tuple[datetime, datetime] | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> ExtractSummary:
    """Run the extract step; ``window`` = [start, end) keeps only conversations timestamped inside it.

    One pass validates, scrubs and samples, streaming into a local staging folder; then the engine drops
    repeated ids (:mod:`semtel_core.ingest.repeats`) and counts distinct contents, so memory does not grow
    with the week."""
    triage = Triage(settings, window)
    outbound = Outbound(settings.privacy)  # reject rows: id, detail and excerpt scrubbed
    counts = ScanCounts()
    outcomes: Counter[str] = Counter()
    pii: Counter[str] = Counter()
    chunk = settings.input.chunk_rows
    conversations_path = storage.join(output_dir, CONVERSATIONS_FILE)
    rejects_path = storage.join(output_dir, REJECTS_FILE)
    for path in (conversations_path, rejects_path):
        if storage.is_folder(path):  # an earlier run of the week on Spark wrote a folder of part files
            storage.remove(path)
    with (
        tempfile.TemporaryDirectory(prefix="semtel-extract-") as staging,
        RowSink(rejects_path, REJECT_SCHEMA, chunk) as rejected,
    ):
        staged_path, ids_path = os.path.join(staging, "staged.parquet"), os.path.join(staging, "ids.parquet")
        with (
            RowSink(staged_path, STAGED_SCHEMA, chunk) as staged,
            RowSink(ids_path, IDS_SCHEMA, chunk) as ids,
        ):
            scanned = scan_located(inputs, settings.input, counts, fmt, on_bytes, window, unique_ids=False)
            for seq, (item, location) in enumerate(scanned):
                if isinstance(item, Reject):
                    rejected.add(item.to_row(outbound.text))
                    continue
                outcome, item, found = triage(item)
                if outcome == WRITTEN:
                    pii.update(found)
                    staged.add({**item.to_row(), SEQ: seq})
                outcomes[outcome] += 1
                ids.add(id_row(item.conversation_id, seq, location, outcome))
        repeats = find_repeats(ids_path)
        for row in repeats.rejects(outbound.text):
            rejected.add(row)
        outcomes.subtract(repeats.by_outcome)
        counts.accepted -= len(repeats.frame)
        counts.rejected[RejectReason.DUPLICATE_ID.value] += len(repeats.frame)
        with storage.AtomicParquetWriter(conversations_path, CONVERSATION_SCHEMA) as written:
            for batch in kept_batches(staged_path, repeats):
                written.write_table(batch)
        unique = unique_contents(staged_path, repeats)
    reconcile(counts.read, counts.accepted, rejected.rows, step="extract: read", blank=counts.blank)
    reconcile(
        counts.accepted,
        written.rows,
        0,
        step="extract: accepted",
        outside_window=outcomes[OUTSIDE],
        not_sampled=outcomes[NOT_SAMPLED],
    )
    summary = ExtractSummary(
        inputs=list(inputs),
        files=counts.files,
        pruned_files=counts.pruned_files,
        read=counts.read,
        accepted=counts.accepted,
        rejected=rejected.rows,
        rejected_by_reason={k: v for k, v in sorted(counts.rejected.items()) if v},
        blank=counts.blank,
        outside_window=outcomes[OUTSIDE],
        sampled=written.rows,
        sample_rate=settings.sampling.rate,
        unique_content=unique,
        duplicate_content=written.rows - unique,
        pii_replaced=dict(sorted(pii.items())),
        conversations_path=conversations_path,
        rejects_path=rejects_path,
    )
    storage.write_json(storage.join(output_dir, SUMMARY_FILE), summary.model_dump())
    return summary
