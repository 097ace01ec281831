"""The extract step: validate, scrub PII, sample and dedupe one slice of the conversation source.

Writes, under ``output_dir``: ``conversations.parquet`` (the sampled, scrubbed conversations),
``rejects.parquet`` (every rejected row with its reason and source location) and ``extract_summary.json``.
Every row read ends in exactly one of: rejected, outside the time window, not sampled, written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime

from pydantic import BaseModel, Field

from semtel_core import storage
from semtel_core.config import Settings
from semtel_core.ingest.formats import InputFormat
from semtel_core.ingest.rejects import Reject
from semtel_core.ingest.scan import ScanCounts, reconcile, scan
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


def _in_window(conv: Conversation, window: tuple[datetime, datetime] | None) -> bool:
    if window is None:
        return True
    return conv.timestamp is not None and window[0] <= conv.timestamp < window[1]


def extract(
    inputs: Sequence[str],
    output_dir: str,
    settings: Settings,
    *,
    fmt: InputFormat = InputFormat.AUTO,
    window: tuple[datetime, datetime] | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> ExtractSummary:
    """Run the extract step; ``window`` = [start, end) keeps only conversations timestamped inside it."""
    scrubber = build_scrubber(settings.privacy) if settings.privacy.enabled else None
    outbound = Outbound(settings.privacy)  # reject rows: id, detail and excerpt scrubbed
    counts = ScanCounts()
    outside = not_sampled = 0
    hashes: set[str] = set()
    pii: Counter[str] = Counter()
    chunk = settings.input.chunk_rows
    conversations_path = storage.join(output_dir, CONVERSATIONS_FILE)
    rejects_path = storage.join(output_dir, REJECTS_FILE)
    with (
        RowSink(conversations_path, CONVERSATION_SCHEMA, chunk) as written,
        RowSink(rejects_path, REJECT_SCHEMA, chunk) as rejected,
    ):
        for item in scan(inputs, settings.input, counts, fmt, on_bytes, window):
            if isinstance(item, Reject):
                rejected.add(item.to_row(outbound.text))
            elif not _in_window(item, window):
                outside += 1
            elif not in_sample(item.conversation_id, settings.sampling.rate, settings.sampling.salt):
                not_sampled += 1
            else:
                if scrubber is not None:
                    item, found = scrub_conversation(item, scrubber)
                    pii.update(found)
                hashes.add(item.content_hash)
                written.add(item.to_row())
    reconcile(counts.read, counts.accepted, rejected.rows, step="extract: read", blank=counts.blank)
    reconcile(
        counts.accepted,
        written.rows,
        0,
        step="extract: accepted",
        outside_window=outside,
        not_sampled=not_sampled,
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
        outside_window=outside,
        sampled=written.rows,
        sample_rate=settings.sampling.rate,
        unique_content=len(hashes),
        duplicate_content=written.rows - len(hashes),
        pii_replaced=dict(sorted(pii.items())),
        conversations_path=conversations_path,
        rejects_path=rejects_path,
    )
    storage.write_json(storage.join(output_dir, SUMMARY_FILE), summary.model_dump())
    return summary
