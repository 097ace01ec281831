"""Client behaviour that the local endpoint cannot produce (context-length errors), faked at the HTTP
boundary with real openai SDK clients over ``httpx2.MockTransport``; SDK construction; pool choice; cost."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any

import httpx2
import openai
import pytest
from budget_sim import run_sync
from pydantic import SecretStr

import semtel_core.llm.client as client_module
from semtel_core.config import ClientSettings, EndpointSettings, Price, load_settings
from semtel_core.errors import ConfigError
from semtel_core.llm import CallRequest, LLMClient, Message, Usage, build_sdk_client, cost_usd
from semtel_core.llm.budget import LocalStore
from semtel_core.llm.pool import build_state, choose
from semtel_core.llm.sdk import default_key_resolver

pytestmark = [pytest.mark.unit]

MAX_PROMPT_CHARS = 40


def _completion(content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 0,
        "model": "m",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 7, "completion_tokens": 2, "total_tokens": 9},
    }


def _short_context_server(request: httpx2.Request) -> httpx2.Response:
    body = json.loads(request.content)
    if sum(len(m["content"]) for m in body["messages"]) > MAX_PROMPT_CHARS:
        error = {
            "message": "This model's maximum context length is 10 tokens",
            "code": "context_length_exceeded",
        }
        return httpx2.Response(400, json={"error": error})
    return httpx2.Response(200, json=_completion("short enough"), headers={"x-request-id": "req-7"})


def _mock_factory(endpoint: EndpointSettings, key: SecretStr | str) -> openai.AsyncOpenAI:
    http = httpx2.AsyncClient(transport=httpx2.MockTransport(_short_context_server))
    return openai.AsyncOpenAI(base_url=endpoint.base_url, api_key="k", max_retries=0, http_client=http)


def _cut(messages: Sequence[Message]) -> list[Message]:
    return [{**m, "content": str(m["content"])[:10]} for m in messages]


LONG = [{"role": "user", "content": "x" * 100}]


async def test_context_length_error_retries_once_on_the_callers_shorter_prompt() -> None:
    calls: list[int] = []

    async def truncate(messages: Sequence[Message]) -> list[Message]:
        calls.append(len(messages))
        return _cut(messages)

    prices = {"local-zeroshot": Price(input_per_mtok=1_000_000, output_per_mtok=2_000_000)}
    async with LLMClient([EndpointSettings(name="e")], prices=prices, sdk_factory=_mock_factory) as client:
        result = await client.complete(CallRequest(messages=LONG, request_id="c1", truncate=truncate))
    assert (result.status, result.attempts, result.content) == ("ok", 2, "short enough")
    assert calls == [1]
    assert result.usage == Usage(7, 2)
    assert result.cost_usd == pytest.approx(7 + 4)
    assert result.server_request_id == "req-7"


async def test_context_length_error_without_truncation_or_after_it_is_an_error_row() -> None:
    async with LLMClient([EndpointSettings(name="e")], sdk_factory=_mock_factory) as client:
        no_callback = await client.complete(CallRequest(messages=LONG, request_id="c2"))
        still_long = await client.complete(CallRequest(messages=LONG, request_id="c3", truncate=lambda m: m))
    assert (no_callback.status, no_callback.attempts, no_callback.status_code) == ("error", 1, 400)
    assert "context_length_exceeded" in (no_callback.reason or "")
    assert (still_long.status, still_long.attempts) == ("error", 2)
    assert client.stats().errors == 2


def _azure(**extra: str) -> EndpointSettings:
    return EndpointSettings(
        name="az",
        kind="azure",
        base_url="https://res.openai.azure.com",
        deployment="gpt4o",
        api_version="2024-10-21",
        **extra,
    )


def test_azure_endpoint_builds_the_azure_client() -> None:
    endpoint = _azure()
    sdk = build_sdk_client(endpoint, SecretStr("secret"))
    assert isinstance(sdk, openai.AsyncAzureOpenAI)
    assert str(sdk.base_url) == "https://res.openai.azure.com/openai/deployments/gpt4o/"
    assert sdk.max_retries == 0
    plain = build_sdk_client(EndpointSettings(name="p", base_url="http://127.0.0.1:9/v1"), "k")
    assert type(plain) is openai.AsyncOpenAI
    assert (str(plain.base_url), plain.max_retries) == ("http://127.0.0.1:9/v1/", 0)


def test_batch_clients_keep_sdk_retries_and_skip_the_deployment_route() -> None:
    """Files and batches are not per-deployment routes on Azure, and their management calls keep the SDK's
    retries; the chat client of the same endpoint goes to the deployment with retries off."""
    from semtel_core.batch.provider import async_client, sync_client

    endpoint = _azure(api_key="secret")
    with sync_client(endpoint) as blocking:
        assert isinstance(blocking, openai.AzureOpenAI)
        assert str(blocking.base_url) == "https://res.openai.azure.com/openai/"
        assert (blocking.max_retries, blocking.api_key) == (3, "secret")
    non_blocking = async_client(endpoint)
    assert isinstance(non_blocking, openai.AsyncAzureOpenAI)
    assert (str(non_blocking.base_url), non_blocking.max_retries) == (
        "https://res.openai.azure.com/openai/",
        3,
    )
    plain = sync_client(EndpointSettings(name="p", base_url="http://127.0.0.1:9/v1", api_key="k"))
    assert type(plain) is openai.OpenAI and str(plain.base_url) == "http://127.0.0.1:9/v1/"


def test_keys_come_from_env_and_airflow_needs_a_resolver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEMTEL_TEST_KEY", "from-env")
    env = EndpointSettings(name="env", api_key_env="SEMTEL_TEST_KEY")
    assert default_key_resolver(env).get_secret_value() == "from-env"
    with pytest.raises(ConfigError, match="Airflow connection"):
        default_key_resolver(EndpointSettings(name="af", airflow_conn_id="llm_default"))


def test_the_pool_prefers_headroom_and_skips_open_breakers() -> None:
    settings = ClientSettings(breaker_failures=1)
    a, b = (
        build_state(EndpointSettings(name=n, rpm=600), settings, default_key_resolver, 1, LocalStore())
        for n in "ab"
    )
    a.answers = b.answers = 10
    for budget in (a.budget, b.budget):
        run_sync(budget.take(0, 10))  # the first answer: both paced at 10/s, buckets empty
    for _ in range(8):
        run_sync(a.budget.take(0, 10))
    assert choose([a, b], 10)[0] is b
    b.breaker.on_failure()
    chosen, wait = choose([a, b], 10)
    assert chosen is a and 0.5 < wait < 1.5  # in debt by ~10 requests at 9.8/s, but the only usable one
    assert choose([a, b], 10, avoid=a)[0] is a  # the only usable one, even if it just failed


def test_share_splits_the_starting_concurrency() -> None:
    settings = ClientSettings(initial_concurrency=32)
    alone = build_state(EndpointSettings(name="e"), settings, default_key_resolver, 1, LocalStore())
    shared = build_state(EndpointSettings(name="e"), settings, default_key_resolver, 8, LocalStore())
    assert (alone.concurrency.permits, shared.concurrency.permits) == (32, 4)


def test_cost_uses_the_price_table_and_client_settings_load() -> None:
    prices = {"m": Price(input_per_mtok=2.5, output_per_mtok=10)}
    assert cost_usd(prices, "m", Usage(1_000_000, 100_000)) == pytest.approx(3.5)
    assert cost_usd(prices, "unknown", Usage(10, 10)) == 0.0
    settings = load_settings(client={"max_attempts": 3, "initial_concurrency": 8})
    assert (settings.client.max_attempts, settings.client.initial_concurrency) == (3, 8)
    with pytest.raises(ConfigError, match="client"):
        load_settings(client={"min_concurrency": 10, "max_concurrency": 5})


def _answering(status: int, headers: dict[str, str], hits: list[int]) -> Any:
    def factory(endpoint: EndpointSettings, key: SecretStr | str) -> openai.AsyncOpenAI:
        def server(request: httpx2.Request) -> httpx2.Response:
            hits.append(1)
            return httpx2.Response(status, json={"error": {"message": "busy"}}, headers=headers)

        http = httpx2.AsyncClient(transport=httpx2.MockTransport(server))
        return openai.AsyncOpenAI(base_url=endpoint.base_url, api_key="k", max_retries=0, http_client=http)

    return factory


@pytest.mark.parametrize(
    ("status", "headers", "attempts", "why"),
    [
        (503, {"x-should-retry": "false"}, 1, "503"),  # the server says a retry cannot help
        (429, {"retry-after": "3600"}, 1, "server asked to wait 3600s > retry_after_cap_s"),
        (400, {"x-should-retry": "true", "retry-after-ms": "1"}, 3, "400"),  # ... or that it can
    ],
)
async def test_the_servers_retry_word_is_honoured(
    status: int, headers: dict[str, str], attempts: int, why: str
) -> None:
    hits: list[int] = []
    client_settings = ClientSettings(max_attempts=3, backoff_base_s=0.01, retry_after_cap_s=60)
    async with LLMClient(
        [EndpointSettings(name="e")], client_settings, sdk_factory=_answering(status, headers, hits)
    ) as client:
        result = await client.complete(
            CallRequest(messages=[{"role": "user", "content": "hi"}], request_id="r")
        )
    assert (result.status, result.attempts, len(hits)) == ("error", attempts, attempts)
    assert why in (result.reason or "")


@pytest.mark.parametrize("tpm", [None, 60_000], ids=["no-token-limit", "token-limit"])
async def test_prompts_are_counted_only_where_a_token_rate_paces(tpm: int | None) -> None:
    # Counting a prompt costs more client CPU than the rest of a request's bookkeeping: without a token limit
    # nothing reads the count, so nothing is learned from it either (the server's usage settles each request).
    endpoint = EndpointSettings(name="e", tpm=tpm)
    settings = ClientSettings(shared_budget_url="local")
    prompt = [{"role": "user", "content": "short enough " * 2}]
    async with LLMClient([endpoint], settings, sdk_factory=_mock_factory) as client:
        for i in range(3):
            result = await client.complete(CallRequest(messages=prompt, request_id=f"r{i}", max_tokens=4))
            assert result.ok
        ratio = client.stats().endpoints[0].token_ratio
    if tpm is None:
        assert ratio == 1.0
    else:  # the server says 7 prompt tokens; our count of this prompt is 11: the ratio moves towards 7/11
        assert ratio < 1.0


@pytest.mark.parametrize(
    ("tpm", "requests", "counted"),
    [(6_000_000, 10, 2), (1_200, 5, 4)],
    ids=["room to spare: one in RATIO_SAMPLE", "bucket under half full: every one"],
)
async def test_a_paced_prompt_is_counted_where_the_count_decides(
    monkeypatch: pytest.MonkeyPatch, tpm: int, requests: int, counted: int
) -> None:
    # The first request goes before the budget's first answer, when nothing paces yet, so it is never counted;
    # a configured limit starts with an empty bucket, full again 1 s (burst_s) later. With room to spare a
    # reservation goes at once whatever its size and the server's usage settles it: only the ratio's samples
    # are counted. At 20 tokens/s the bucket (1 s) never holds half of it plus a request.
    calls: list[int] = []
    real = client_module.count_message_tokens
    monkeypatch.setattr(client_module, "count_message_tokens", lambda m: calls.append(1) or real(m))
    endpoint = EndpointSettings(name="e", tpm=tpm)
    prompt = [{"role": "user", "content": "short enough " * 2}]
    async with LLMClient(
        [endpoint], ClientSettings(shared_budget_url="local"), sdk_factory=_mock_factory
    ) as c:
        for i in range(requests):
            assert (await c.complete(CallRequest(messages=prompt, request_id=f"r{i}", max_tokens=4))).ok
            if i == 0:
                await asyncio.sleep(1.1)
    assert len(calls) == counted


def _replying(response: httpx2.Response, bodies: list[dict[str, Any]]) -> Any:
    def factory(endpoint: EndpointSettings, key: SecretStr | str) -> openai.AsyncOpenAI:
        def server(request: httpx2.Request) -> httpx2.Response:
            query = {"query": request.url.query.decode()} if request.url.query else {}
            bodies.append({**json.loads(request.content), **query})
            return response

        http = httpx2.AsyncClient(transport=httpx2.MockTransport(server))
        return openai.AsyncOpenAI(base_url=endpoint.base_url, api_key="k", max_retries=0, http_client=http)

    return factory


async def test_the_request_body_is_the_chat_completion_and_extra_parameters_go_along() -> None:
    # as chat.completions.create sends them: extra_body merged into the body, extra_query into the URL
    bodies: list[dict[str, Any]] = []
    answer = httpx2.Response(200, json=_completion("fine"), headers={"x-request-id": "req-9"})
    fmt = {"type": "json_object"}
    extra = {"temperature": 0, "extra_body": {"response_format": fmt}, "extra_query": {"v": "1"}}
    prompt = [{"role": "user", "content": "hi"}]
    endpoint = EndpointSettings(name="e", model="m1")
    async with LLMClient([endpoint], sdk_factory=_replying(answer, bodies)) as c:
        result = await c.complete(CallRequest(messages=prompt, max_tokens=5, request_id="r", extra=extra))
    body = {"model": "m1", "messages": prompt, "max_tokens": 5, "temperature": 0, "response_format": fmt}
    assert bodies == [{**body, "query": "v=1"}]
    assert (result.content, result.usage, result.server_request_id) == ("fine", Usage(7, 2), "req-9")


@pytest.mark.parametrize(
    ("response", "status", "content", "usage"),
    [
        (httpx2.Response(200, text="<html>gateway</html>"), "error", None, Usage()),
        (httpx2.Response(200, json=["not", "a", "completion"]), "error", None, Usage()),
        (httpx2.Response(200, json={"choices": [], "usage": {"prompt_tokens": "7"}}), "ok", None, Usage()),
    ],
    ids=["html", "json-list", "no-choice-bad-usage"],
)
async def test_an_answer_that_is_not_a_completion_is_a_clear_row_not_a_crash(
    response: httpx2.Response, status: str, content: str | None, usage: Usage
) -> None:
    async with LLMClient([EndpointSettings(name="e")], sdk_factory=_replying(response, [])) as client:
        result = await client.complete(
            CallRequest(messages=[{"role": "user", "content": "hi"}], request_id="r")
        )
    assert (result.status, result.content, result.usage) == (status, content, usage)
    if status == "error":
        assert "not a JSON object" in (result.reason or "")
