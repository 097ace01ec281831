"""Reading the conversations an evaluation works on, through the project's validating readers."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from semtel_core.config import InputSettings
from semtel_core.ingest.rejects import Reject
from semtel_core.ingest.scan import ScanCounts, scan
from semtel_core.schema.conversation import Conversation

log = logging.getLogger(__name__)


def read_conversations(inputs: Sequence[str], settings: InputSettings | None = None) -> list[Conversation]:
    """Every accepted conversation of ``inputs``; rejected rows are counted in the log and skipped."""
    counts = ScanCounts()
    conversations = [
        item for item in scan(inputs, settings or InputSettings(), counts) if not isinstance(item, Reject)
    ]
    if counts.rejected_total:
        log.warning("%d input rows rejected: %s", counts.rejected_total, dict(counts.rejected))
    return conversations
