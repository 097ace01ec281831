"""Batch API semantics through the openai SDK: lifecycle, expiry with partial results, cancel, failures."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any

import endpoint_testdata as s
import jsonschema
import openai
import pytest
from openai.types import Batch

from semtel_core.endpoint.testing import running_endpoint

pytestmark = [pytest.mark.integration]

# 1 simulated second = 1 ms: validating and finalizing take 0.2 s, each request 10 ms, "24h" = 86 s.
_TIMING = [
    "--batch-time-scale",
    "0.001",
    "--batch-validating-seconds",
    "200",
    "--batch-finalizing-seconds",
    "200",
]
_TERMINAL = {"completed", "failed", "expired", "cancelled"}


def _lines(n: int, url: str = "/v1/chat/completions") -> bytes:
    rows = [
        {
            "custom_id": f"req-{i}",
            "method": "POST",
            "url": url,
            "body": {
                "model": "instant",
                "messages": s.messages_for(s.blocks((f"c{i}", [("user", f"question {i}")]))),
                "response_format": s.response_format(s.single_schema()),
            },
        }
        for i in range(n)
    ]
    return b"".join(json.dumps(r).encode() + b"\n" for r in rows)


def _submit(client: openai.OpenAI, data: bytes) -> Batch:
    uploaded = client.files.create(file=("batch.jsonl", data), purpose="batch")
    return client.batches.create(
        input_file_id=uploaded.id, endpoint="/v1/chat/completions", completion_window="24h"
    )


def _wait(client: openai.OpenAI, batch_id: str, seen: list[str] | None = None, timeout: float = 20) -> Batch:
    deadline = time.monotonic() + timeout
    while True:
        raw = client.batches.with_raw_response.retrieve(batch_id)
        batch = Batch.model_validate(raw.http_response.json())
        if seen is not None and (not seen or seen[-1] != batch.status):
            seen.append(batch.status)
        if batch.status in _TERMINAL or time.monotonic() > deadline:
            return batch
        time.sleep(0.02)


def _jsonl(client: openai.OpenAI, file_id: str | None) -> list[dict[str, Any]]:
    assert file_id is not None
    return [json.loads(line) for line in client.files.content(file_id).text.splitlines()]


@pytest.fixture(scope="module")
def client() -> Iterator[openai.OpenAI]:
    with running_endpoint("--lazy-load", *_TIMING, "--batch-request-seconds", "10") as url:
        yield openai.OpenAI(base_url=url, api_key="batch-key", max_retries=0)


def test_full_lifecycle_results_matched_by_custom_id_out_of_order(client: openai.OpenAI) -> None:
    seen: list[str] = []
    batch = _wait(client, _submit(client, _lines(30)).id, seen)
    assert seen == ["validating", "in_progress", "finalizing", "completed"]
    assert batch.request_counts is not None
    assert (batch.request_counts.total, batch.request_counts.completed, batch.request_counts.failed) == (
        30,
        30,
        0,
    )
    assert batch.error_file_id is None
    assert batch.in_progress_at and batch.finalizing_at and batch.completed_at
    output = _jsonl(client, batch.output_file_id)
    ids = [row["custom_id"] for row in output]
    assert sorted(ids) == sorted(f"req-{i}" for i in range(30)) and ids != sorted(
        ids, key=lambda x: int(x[4:])
    )
    for row in output:
        assert row["response"]["status_code"] == 200
        content = row["response"]["body"]["choices"][0]["message"]["content"]
        jsonschema.validate(json.loads(content), s.single_schema())
    assert batch.usage is not None and batch.usage.total_tokens > 0


def test_cancel_stops_the_batch_and_keeps_partial_results(client: openai.OpenAI) -> None:
    batch = _submit(client, _lines(200))
    while (counts := _wait(client, batch.id, timeout=0).request_counts) is None or counts.completed < 8:
        time.sleep(0.02)
    assert client.batches.cancel(batch.id).status == "cancelling"
    done = _wait(client, batch.id)
    assert done.status == "cancelled" and done.cancelled_at is not None
    assert done.request_counts is not None and 0 < done.request_counts.completed < 200
    errors = _jsonl(client, done.error_file_id)
    assert {e["error"]["code"] for e in errors} == {"batch_cancelled"}
    assert len(errors) + len(_jsonl(client, done.output_file_id)) == 200
    with pytest.raises(openai.BadRequestError, match="cancelled"):
        client.batches.cancel(batch.id)


def test_invalid_input_fails_the_batch_with_line_errors(client: openai.OpenAI) -> None:
    good = _lines(2)
    bad = good + b"not json\n" + _lines(1, url="/v1/embeddings")
    batch = _wait(client, _submit(client, bad).id)
    assert batch.status == "failed" and batch.failed_at is not None
    assert batch.errors is not None and batch.errors.data is not None
    assert [(e.code, e.line) for e in batch.errors.data] == [
        ("invalid_json_line", 3),
        ("mismatched_endpoint", 4),
    ]
    duplicated = _wait(client, _submit(client, good + good).id)
    assert duplicated.errors is not None and duplicated.errors.data is not None
    assert duplicated.errors.data[0].code == "duplicate_custom_id"


def test_unknown_input_file_and_endpoint_are_rejected(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError):
        client.batches.create(
            input_file_id="file-nope", endpoint="/v1/chat/completions", completion_window="24h"
        )
    uploaded = client.files.create(file=("b.jsonl", _lines(1)), purpose="batch")
    with pytest.raises(openai.BadRequestError):
        client.batches.create(input_file_id=uploaded.id, endpoint="/v1/completions", completion_window="24h")


@pytest.mark.slow
def test_expired_batch_returns_partial_results_and_expired_errors() -> None:
    with running_endpoint("--lazy-load", *_TIMING, "--batch-expire-after", "0.4") as url:
        client = openai.OpenAI(base_url=url, api_key="batch-key", max_retries=0)
        batch = _wait(client, _submit(client, _lines(50)).id)
        assert batch.status == "expired" and batch.expired_at is not None
        assert batch.request_counts is not None
        assert (batch.request_counts.completed, batch.request_counts.failed) == (20, 30)
        expired = _jsonl(client, batch.error_file_id)
        assert {e["error"]["code"] for e in expired} == {"batch_expired"}
        done = {row["custom_id"] for row in _jsonl(client, batch.output_file_id)}
        assert done.isdisjoint(e["custom_id"] for e in expired) and len(done) == 20


@pytest.mark.slow
def test_completion_window_passing_expires_the_batch() -> None:
    # "1h" at 1 simulated s = 0.1 ms is 0.36 s; 100 requests of 1,000 simulated s at concurrency 4 sleep 2.5 s,
    # far past it. (At 100 simulated s they slept 0.25 s, and the batch expired only while the lazily loaded model
    # was slow: a warm machine completed it within the window.) The first four requests start before the window
    # passes, so some complete.
    args = ("--batch-time-scale", "0.0001", "--batch-request-seconds", "1000")
    with running_endpoint("--lazy-load", *args) as url:
        client = openai.OpenAI(base_url=url, api_key="batch-key", max_retries=0)
        uploaded = client.files.create(file=("batch.jsonl", _lines(100)), purpose="batch")
        created = client.batches.create(
            input_file_id=uploaded.id, endpoint="/v1/chat/completions", completion_window="1h"
        )
        batch = _wait(client, created.id)
        assert batch.status == "expired"
        assert batch.request_counts is not None and 0 < batch.request_counts.completed < 100


@pytest.mark.slow
def test_fail_share_sends_failures_to_the_error_file() -> None:
    with running_endpoint("--lazy-load", "--batch-fail-share", "0.3", "--seed", "7") as url:
        client = openai.OpenAI(base_url=url, api_key="batch-key", max_retries=0)
        batch = _wait(client, _submit(client, _lines(100)).id)
        assert batch.status == "completed" and batch.request_counts is not None
        failed = batch.request_counts.failed
        assert 15 <= failed <= 45 and batch.request_counts.completed == 100 - failed
        errors = _jsonl(client, batch.error_file_id)
        assert len(errors) == failed and {e["response"]["status_code"] for e in errors} == {500}


async def test_async_client_runs_the_whole_batch_flow(client: openai.OpenAI) -> None:
    async with openai.AsyncOpenAI(
        base_url=str(client.base_url), api_key="batch-key", max_retries=0
    ) as aclient:
        uploaded = await aclient.files.create(file=("batch.jsonl", _lines(5)), purpose="batch")
        batch = await aclient.batches.create(
            input_file_id=uploaded.id, endpoint="/v1/chat/completions", completion_window="24h"
        )
        while batch.status not in _TERMINAL:
            await asyncio.sleep(0.02)
            batch = await aclient.batches.retrieve(batch.id)
        assert batch.status == "completed" and batch.output_file_id is not None
        output = (await aclient.files.content(batch.output_file_id)).text
        assert sorted(json.loads(line)["custom_id"] for line in output.splitlines()) == [
            f"req-{i}" for i in range(5)
        ]
