"""Helpers of the classification-engine tests: conversations as Arrow tables, settings for an endpoint."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from semtel_core.config import Settings, load_settings
from semtel_core.schema.arrow import CONVERSATION_SCHEMA
from semtel_core.schema.conversation import Conversation


def conversation(cid: str, text: str) -> Conversation:
    return Conversation.model_validate(
        {
            "conversation_id": cid,
            "messages": [
                {"role": "user", "content": text},
                {"role": "assistant", "content": f"Here is help with: {text}"},
            ],
        }
    )


def table_of(conversations: Sequence[Conversation]) -> pa.Table:
    return pa.Table.from_pylist([c.to_row() for c in conversations], schema=CONVERSATION_SCHEMA)


def endpoint_settings(base_url: str, api_key: str = "semtel-test", **overrides: Any) -> Settings:
    """The endpoint's ``instant`` model; the endpoint counts requests per API key (``/v1/_stats``)."""
    endpoint = {"name": "local", "base_url": base_url, "model": "instant", "api_key": api_key}
    return load_settings(endpoints=[endpoint], **overrides)
