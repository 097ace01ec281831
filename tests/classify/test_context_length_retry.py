"""A prompt the provider finds too long is re-rendered under half the conversation budget and sent once more.

The local endpoint refuses prompts over ``--max-context-tokens`` with OpenAI's 400 ``context_length_exceeded``.
Sizes (prompt tokens as the endpoint counts them, ``prompts.max_conversation_tokens`` 2048): the short
conversation's prompt fits; the medium one's does not, but fits once its conversation is halved; the long one
is already cut to the 2048 budget and does not fit even at half of it.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from classify_helpers import conversation, endpoint_settings, table_of

from semtel_core.classify.partition import classify_partition
from semtel_core.endpoint.testing import running_endpoint

pytestmark = [pytest.mark.integration]

WINDOW = 1500
SHORT = conversation("short", "How do I sort a list in Python?")  # ~600 prompt tokens
MEDIUM = conversation("medium", " ".join(f"word{i}" for i in range(300)))  # ~1,760 -> ~1,160 single-task
LONG = conversation("long", " ".join(f"word{i}" for i in range(3000)))  # ~2,600 -> ~1,580 single-task
MULTI = ["topic", "satisfaction", "knowledge_work"]


@pytest.fixture(scope="module")
def window_url() -> Iterator[str]:
    with running_endpoint("--lazy-load", "--max-context-tokens", str(WINDOW)) as url:
        yield url


def _server_stats(base_url: str, key: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{base_url}/_stats", timeout=5) as response:
        stats: dict[str, Any] = json.loads(response.read())
    return dict(stats["keys"][key])


def _rows(base_url: str, key: str, tmp_path: Path, classifiers: list[str], strategy: str) -> list[Any]:
    settings = endpoint_settings(base_url, api_key=key, classify={"batch_size": 5})
    table = table_of([SHORT, MEDIUM, LONG])
    result = classify_partition(
        table, classifiers, settings, run_id="r", checkpoint_dir=str(tmp_path), strategy=strategy
    )
    return list(result.results.to_pylist())


@pytest.mark.parametrize(("strategy", "classifiers"), [("single", ["topic"]), ("multi", MULTI)])
def test_too_long_prompt_is_retried_once_rerendered_under_half_the_conversation_budget(
    window_url: str, tmp_path: Path, strategy: str, classifiers: list[str]
) -> None:
    key = f"win-{strategy}"  # the endpoint shows keys up to 12 characters in full
    rows = _rows(window_url, key, tmp_path, classifiers, strategy)
    by_id: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_id.setdefault(row["conversation_id"], []).append(row)
    assert {cid: len(r) for cid, r in by_id.items()} == {
        c: len(classifiers) for c in ("short", "medium", "long")
    }

    for row in by_id["short"]:  # under the window: untouched
        truncation = json.loads(row["truncation"])
        assert row["status"] == "ok" and row["attempts"] == 1
        assert truncation["truncated"] is False and truncation["limit"] == 2048

    for row in by_id["medium"]:  # labelled from the shorter prompt, which its truncation describes
        truncation = json.loads(row["truncation"])
        assert row["status"] == "ok" and row["label"] is not None and row["attempts"] == 2
        assert truncation["truncated"] is True and truncation["limit"] == truncation["original_tokens"] // 2
        assert truncation["final_tokens"] <= truncation["limit"]

    for row in by_id["long"]:  # too long even at half the budget: a failed row that says why
        truncation = json.loads(row["truncation"])
        assert row["status"] == "error" and row["label"] is None and row["attempts"] == 2
        assert "context_length_exceeded" in row["reason"] and "maximum context length" in row["reason"]
        assert json.loads(row["raw_output"])["status_code"] == 400
        assert (
            truncation["truncated"] is True and truncation["limit"] <= 2048 // 2
        )  # first cut to 2048, then halved

    server = _server_stats(window_url, key)  # short 1 attempt, medium and long 2 each
    assert (server["attempts"], server["successes"], server["client_errors"]) == (5, 2, 3)


def test_batched_retry_halves_the_batch_by_cutting_only_its_long_conversations(
    window_url: str, tmp_path: Path
) -> None:
    settings = endpoint_settings(window_url, api_key="win-batched", classify={"batch_size": 5})
    table = table_of([SHORT, MEDIUM])
    result = classify_partition(
        table, ["topic"], settings, run_id="r", checkpoint_dir=str(tmp_path), strategy="batched"
    )
    rows = {r["conversation_id"]: r for r in result.results.to_pylist()}
    assert {r["status"] for r in rows.values()} == {"ok"} and {r["attempts"] for r in rows.values()} == {2}
    short, medium = (json.loads(rows[c]["truncation"]) for c in ("short", "medium"))
    assert short["limit"] == medium["limit"] < 2048  # one retry budget for the whole batch...
    assert short["truncated"] is False and short["final_tokens"] == short["original_tokens"]  # ...short kept
    assert medium["truncated"] is True
    # The cap halves the batch's conversation tokens.
    assert (
        short["original_tokens"] + medium["limit"]
        == (short["original_tokens"] + medium["original_tokens"]) // 2
    )
    server = _server_stats(window_url, "win-batched")
    assert (server["attempts"], server["successes"], server["client_errors"]) == (2, 1, 1)
