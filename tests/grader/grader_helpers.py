"""Helpers of the grader tests: bundled sample conversations as a partition."""

from __future__ import annotations

import orjson
import pyarrow as pa

from semtel_core.sample_data import CONVERSATIONS_PATH
from semtel_core.schema.arrow import CONVERSATION_SCHEMA
from semtel_core.schema.conversation import Conversation

CLASSIFIERS = ["topic", "satisfaction"]


def sample_partition(n: int) -> pa.Table:
    """The first ``n`` bundled sample conversations."""
    rows = []
    with CONVERSATIONS_PATH.open("rb") as fh:
        for line, _ in zip(fh, range(n), strict=False):
            rows.append(Conversation.model_validate(orjson.loads(line)).to_row())
    return pa.Table.from_pylist(rows, schema=CONVERSATION_SCHEMA)
