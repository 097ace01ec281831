"""``GET /v1/batches``: newest first, cursor pagination as the SDK's ``SyncCursorPage[Batch]`` reads it, and the
``batches_created`` counter of ``/v1/_stats``."""

from __future__ import annotations

import json
from collections.abc import Iterator

import endpoint_testdata as s
import httpx2
import openai
import pytest
from openai.types import Batch

from semtel_core.endpoint.testing import running_endpoint

pytestmark = [pytest.mark.integration]


def _one_request() -> bytes:
    row = {
        "custom_id": "req-0",
        "method": "POST",
        "url": "/v1/chat/completions",
        "body": {
            "model": "instant",
            "messages": s.messages_for(s.blocks(("c0", [("user", "question")]))),
            "response_format": s.response_format(s.single_schema()),
        },
    }
    return json.dumps(row).encode() + b"\n"


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with running_endpoint("--lazy-load") as base_url:
        yield base_url


def test_list_pages_newest_first_and_counts_created_batches(url: str) -> None:
    client = openai.OpenAI(base_url=url, api_key="list-key", max_retries=0)
    httpx2.delete(f"{url}/_stats")
    uploaded = client.files.create(file=("b.jsonl", _one_request()), purpose="batch")
    created = [
        client.batches.create(
            input_file_id=uploaded.id,
            endpoint="/v1/chat/completions",
            completion_window="24h",
            metadata={"n": str(i)},
        ).id
        for i in range(5)
    ]
    first = client.batches.list(limit=2)
    assert [b.id for b in first.data] == created[::-1][:2] and first.has_more is True
    assert all(isinstance(b, Batch) for b in first.data)
    everything = [b.id for b in client.batches.list(limit=2)]  # the SDK follows `after` page by page
    assert everything[:5] == created[::-1]
    last = client.batches.list(limit=2, after=created[1])
    assert [b.id for b in last.data] == [created[0]] and last.has_more is False
    assert httpx2.get(f"{url}/_stats").json()["batches_created"] == 5


def test_list_rejects_bad_limit_and_unknown_cursor(url: str) -> None:
    client = openai.OpenAI(base_url=url, api_key="list-key", max_retries=0)
    with pytest.raises(openai.BadRequestError):
        client.batches.list(limit=0)
    with pytest.raises(openai.BadRequestError):
        client.batches.list(limit=101)
    with pytest.raises(openai.NotFoundError):
        client.batches.list(after="batch_nope")
    page = httpx2.get(f"{url}/batches", params={"limit": "1"}).json()
    assert set(page) == {"object", "data", "first_id", "last_id", "has_more"}
