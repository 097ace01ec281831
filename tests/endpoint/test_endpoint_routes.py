"""Every non-model route driven with the official openai SDK (sync and async), responses validated as SDK types."""

from __future__ import annotations

import json
from collections.abc import Iterator

import endpoint_testdata as s
import jsonschema
import openai
import pytest
from openai.types import FileObject
from openai.types.chat import ChatCompletion

from semtel_core.endpoint.testing import running_endpoint
from semtel_core.prompts.tokens import count_message_tokens, count_tokens

pytestmark = [pytest.mark.integration]


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with running_endpoint("--lazy-load") as url:
        yield url


@pytest.fixture
def client(base_url: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=base_url, api_key="routes-key", max_retries=0)


def test_models_lists_the_served_models(client: openai.OpenAI) -> None:
    assert {m.id for m in client.models.list()} == {
        "local-zeroshot",
        "instant",
        "local-minilm",
        "local-e5-small",
    }


def test_instant_chat_completion_is_a_valid_chat_completion_with_real_usage(client: openai.OpenAI) -> None:
    messages = s.messages_for(s.blocks(("c-1", s.CODING)))
    raw = client.chat.completions.with_raw_response.create(
        model="instant", messages=messages, response_format=s.response_format(s.multi_schema())
    )
    completion = ChatCompletion.model_validate(raw.http_response.json())
    content = completion.choices[0].message.content or ""
    jsonschema.validate(json.loads(content), s.multi_schema())
    assert completion.usage is not None
    assert completion.usage.prompt_tokens == count_message_tokens(messages)
    assert completion.usage.completion_tokens == count_tokens(content)
    assert raw.headers["x-request-id"].startswith("req_")


async def test_async_client_gets_one_result_per_conversation(base_url: str) -> None:
    client = openai.AsyncOpenAI(base_url=base_url, api_key="routes-key", max_retries=0)
    async with client:
        completion = await client.chat.completions.create(
            model="instant",
            messages=s.messages_for(s.blocks(("a", s.CODING), ("b", s.COOKING))),
            response_format=s.response_format(s.batched_schema()),
        )
    results = json.loads(completion.choices[0].message.content or "")["results"]
    assert [r["conversation_id"] for r in results] == ["a", "b"]


def test_max_tokens_cuts_the_answer_like_a_provider(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model="instant",
        messages=s.messages_for(s.blocks(("c", s.CODING))),
        response_format=s.response_format(s.multi_schema()),
        max_tokens=3,
    )
    assert completion.choices[0].finish_reason == "length"
    assert completion.usage is not None and completion.usage.completion_tokens == 3


def test_client_errors_are_the_sdk_error_classes(client: openai.OpenAI) -> None:
    messages = [{"role": "user", "content": "hi"}]
    with pytest.raises(openai.NotFoundError, match="does not exist"):
        client.chat.completions.create(model="gpt-nope", messages=messages)
    with pytest.raises(openai.BadRequestError, match="messages"):
        client.chat.completions.create(model="instant", messages=[])
    with pytest.raises(openai.BadRequestError, match="stream"):
        client.chat.completions.create(model="instant", messages=messages, stream=True)


def test_file_upload_retrieve_and_content_round_trip(client: openai.OpenAI) -> None:
    data = b'{"custom_id": "x"}\n' * 10
    created = client.files.create(file=("input.jsonl", data), purpose="batch")
    raw = client.files.with_raw_response.retrieve(created.id)
    fetched = FileObject.model_validate(raw.http_response.json())
    assert (fetched.id, fetched.bytes, fetched.filename, fetched.purpose) == (
        created.id,
        len(data),
        "input.jsonl",
        "batch",
    )
    assert client.files.content(created.id).content == data
    with pytest.raises(openai.NotFoundError):
        client.files.retrieve("file-missing")


def test_stats_count_attempts_successes_and_errors_per_key(base_url: str) -> None:
    client = openai.OpenAI(base_url=base_url, api_key="stats-key", max_retries=0)
    for _ in range(3):
        client.chat.completions.create(model="instant", messages=[{"role": "user", "content": "hello"}])
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="missing", messages=[{"role": "user", "content": "hello"}])
    stats = client.get("/_stats", cast_to=object)
    assert isinstance(stats, dict)
    mine = stats["keys"]["stats-key"]
    assert (mine["attempts"], mine["successes"], mine["client_errors"]) == (4, 3, 1)
    assert mine["prompt_tokens"] == 3 * count_message_tokens([{"role": "user", "content": "hello"}])
    assert mine["tokens_charged"] == mine["prompt_tokens"] + 3 * 256
