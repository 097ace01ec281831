"""Helpers of the batch tests: sample conversations as a partition, settings for an endpoint, its stats."""

from __future__ import annotations

import time
from typing import Any

import httpx2
import orjson
import pyarrow as pa

from semtel_core.config import Settings, load_settings
from semtel_core.sample_data import CONVERSATIONS_PATH
from semtel_core.schema.arrow import CONVERSATION_SCHEMA
from semtel_core.schema.conversation import Conversation

CLASSIFIERS = ["topic", "satisfaction"]


def sample_partition(n: int, duplicates: int = 0) -> pa.Table:
    """The first ``n`` bundled sample conversations, plus ``duplicates`` copies of earlier ones under new ids."""
    rows = []
    with CONVERSATIONS_PATH.open("rb") as fh:
        for line in fh:
            rows.append(Conversation.model_validate(orjson.loads(line)).to_row())
            if len(rows) == n:
                break
    for i in range(duplicates):
        rows.append({**rows[i], "conversation_id": f"dup-{i:03d}"})
    return pa.Table.from_pylist(rows, schema=CONVERSATION_SCHEMA)


def endpoint_settings(base_url: str, api_key: str = "batch-test", **overrides: Any) -> Settings:
    endpoint = {"name": "local", "base_url": base_url, "model": "instant", "api_key": api_key}
    overrides.setdefault("classifiers", CLASSIFIERS)
    return load_settings(endpoints=[endpoint], **overrides)


def stats(base_url: str) -> dict[str, Any]:
    data: dict[str, Any] = httpx2.get(f"{base_url}/_stats").json()
    return data


def reset_stats(base_url: str) -> None:
    httpx2.delete(f"{base_url}/_stats")


def wait_until(predicate: Any, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not reached")
        time.sleep(0.05)
