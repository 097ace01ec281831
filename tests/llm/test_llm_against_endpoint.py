"""The client against the project's local endpoint and its rate-limit and fault simulator (a real server)."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import httpx2
import openai
import pytest

from semtel_core.config import ClientSettings, EndpointSettings
from semtel_core.endpoint import testing as endpoint_testing
from semtel_core.endpoint.testing import free_port, running_endpoint
from semtel_core.llm import CallRequest, LLMClient, complete_many, complete_many_sync
from semtel_core.prompts.tokens import count_message_tokens

pytestmark = [pytest.mark.integration]

QUIET = ("--lazy-load", "--stats-interval", "600")


def _endpoint(url: str, key: str, name: str = "local", **kwargs: Any) -> EndpointSettings:
    return EndpointSettings(**{"name": name, "base_url": url, "model": "instant", "api_key": key, **kwargs})


def _requests(n: int, max_tokens: int = 16) -> list[CallRequest]:
    return [
        CallRequest(
            messages=[
                {
                    "role": "user",
                    "content": f"Conversation {i}: how do I sort a list in Python? " * (1 + i % 4),
                }
            ],
            max_tokens=max_tokens,
            request_id=f"r{i}",
        )
        for i in range(n)
    ]


async def _key_stats(url: str, key: str) -> dict[str, Any]:
    async with httpx2.AsyncClient() as http:
        response = await http.get(f"{url}/_stats")
    stats: dict[str, Any] = response.json()["keys"][key]
    return stats


async def test_token_accounting_equals_the_servers_count() -> None:
    requests = _requests(40)
    with running_endpoint(*QUIET) as url:
        async with LLMClient([_endpoint(url, "acct")]) as client:
            results = await complete_many(client, requests)
            server = await _key_stats(url, "acct")
            stats = client.stats()
    assert all(r.ok for r in results)
    assert [r.request_id for r in results] == [q.request_id for q in requests]
    assert sum(r.usage.prompt_tokens for r in results) == server["prompt_tokens"] == stats.prompt_tokens
    assert sum(r.usage.completion_tokens for r in results) == server["completion_tokens"]
    assert sum(count_message_tokens(q.messages) + q.max_tokens for q in requests) == server["tokens_charged"]
    assert stats.attempts == server["attempts"] == 40


async def test_failover_when_one_endpoint_is_down() -> None:
    dead = _endpoint(f"http://127.0.0.1:{free_port()}/v1", "k", name="dead", weight=10.0)
    settings = ClientSettings(breaker_failures=2, breaker_cooldown_s=60)
    with running_endpoint(*QUIET) as url:
        async with LLMClient([dead, _endpoint(url, "k", name="live")], settings) as client:
            results = await complete_many(client, _requests(30))
            endpoints = {e.name: e for e in client.stats().endpoints}
    assert all(r.ok and r.endpoint == "live" for r in results)
    assert endpoints["dead"].breaker == "open"
    assert endpoints["dead"].failures == 2  # then the breaker kept requests away from it
    assert endpoints["live"].attempts == 30


async def test_cooldown_then_recovery_through_a_half_open_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()
    # running_endpoint picks its own port; the endpoint must come up where the client already failed.
    monkeypatch.setattr(endpoint_testing, "free_port", lambda: port)
    settings = ClientSettings(breaker_failures=2, breaker_cooldown_s=0.3, deadline_s=1.0, backoff_base_s=0.05)
    async with LLMClient([_endpoint(f"http://127.0.0.1:{port}/v1", "k")], settings) as client:
        down = await complete_many(client, _requests(3))
        # Every request fails while the endpoint is down: at least the two that open the breaker on a refused
        # connection; on a slow machine the third may instead wait out its deadline behind the open breaker.
        assert all(not r.ok for r in down)
        kinds = [r.error_type for r in down]
        assert kinds.count("APIConnectionError") >= 2, kinds
        assert set(kinds) <= {"APIConnectionError", "DeadlineExceeded", "Skipped"}, kinds
        assert client.stats().endpoints[0].breaker in ("open", "half_open")
        with running_endpoint(*QUIET):
            await asyncio.sleep(0.3)  # past the cooldown
            up = await complete_many(client, _requests(10))
        assert all(r.ok for r in up)
        assert client.stats().endpoints[0].breaker == "closed"


async def test_retry_after_is_honoured() -> None:
    # Configured limits far above the server's, so only retry-after can keep the client from hammering.
    settings = ClientSettings(backoff_base_s=0.01, backoff_max_s=0.02)
    with running_endpoint(*QUIET, "--rpm", "60", "--burst-window", "1") as url:
        sdk = openai.AsyncOpenAI(base_url=url, api_key="ra", max_retries=0)
        await sdk.chat.completions.create(model="instant", messages=[{"role": "user", "content": "x"}])
        await sdk.close()  # the key's one-request bucket is now empty for about a second
        async with LLMClient([_endpoint(url, "ra", rpm=60_000)], settings) as client:
            started = time.monotonic()
            result = await client.complete(_requests(1)[0])
            elapsed = time.monotonic() - started
        server = await _key_stats(url, "ra")
    assert result.ok
    assert result.attempts == 2
    assert server["rate_limited"] == 1
    assert elapsed >= 0.8


async def test_non_retryable_errors_become_rows() -> None:
    bad_request = CallRequest(messages=[{"role": "user", "content": "hi"}], max_tokens=0, request_id="bad")
    with running_endpoint(*QUIET) as url:
        async with LLMClient([_endpoint(url, "nr")]) as client:
            results = await complete_many(client, [*_requests(2), bad_request])
        async with LLMClient([_endpoint(url, "nr", model="no-such-model")]) as client:
            missing = await client.complete(_requests(1)[0])
    assert [r.status for r in results] == ["ok", "ok", "error"]
    assert (results[2].status_code, results[2].attempts, results[2].error_type) == (400, 1, "BadRequestError")
    assert "max_tokens" in (results[2].reason or "")
    assert (missing.status, missing.status_code, missing.attempts) == ("error", 404, 1)
    assert "model_not_found" in (missing.reason or "")


@pytest.mark.slow
async def test_a_too_high_configured_rate_is_cut_by_429s_and_regrown_when_capacity_is_announced(
    tmp_path: Path,
) -> None:
    scenario = tmp_path / "step_up.yaml"
    scenario.write_text(
        "rate_limit:\n  rpm: 300\n  burst_window_s: 1\n  capacity_steps:\n    - {at_s: 5, rpm_factor: 20}\n"
    )
    # A wrongly configured (far too high) rpm is a ceiling, not the truth: 429s cut the rate below it.
    settings = ClientSettings(initial_concurrency=32, backoff_base_s=0.05, max_attempts=20)
    rates: list[tuple[float, float]] = []
    with running_endpoint(
        *QUIET, "--scenario", str(scenario), "--ttft-median", "0.1", "--ttft-sigma", "0.1"
    ) as url:
        started = time.monotonic()
        async with LLMClient([_endpoint(url, "cc", rpm=100_000)], settings) as client:

            async def sample() -> None:
                while True:
                    rpm = client.stats().endpoints[0].rpm
                    if rpm is not None:
                        rates.append((time.monotonic() - started, rpm))
                    await asyncio.sleep(0.05)

            sampler = asyncio.create_task(sample())
            results = await complete_many(client, _requests(700, max_tokens=8))
            sampler.cancel()
    assert all(r.ok for r in results)
    early = min(rpm for t, rpm in rates if 2 < t < 4.5)
    late = max(rpm for t, rpm in rates if t > 5.5)
    assert early <= 600  # cut from 98,000 towards the real 300
    assert late >= 3 * early  # and grown back once the headers announced the new capacity


async def test_concurrency_backs_off_when_latency_rises_before_any_429_and_grows_back() -> None:
    settings = ClientSettings(initial_concurrency=64, max_concurrency=256)
    # Latency x (1 + 0.3 per other request in flight): 64 in flight are 20x slower than one.
    latency = ("--ttft-median", "0.02", "--ttft-sigma", "0.1", "--inflight-slowdown", "0.3")
    limits: list[float] = []
    with running_endpoint(*QUIET, *latency) as url:
        async with LLMClient([_endpoint(url, "lat")], settings) as client:
            results = await complete_many(
                client, _requests(400, max_tokens=4), lambda _i, _r: limits.append(client.permits)
            )
            stats = client.stats()
    assert all(r.ok for r in results)
    assert stats.rate_limited == 0
    lowest = min(limits)
    assert lowest <= 16  # from 64, on latency alone
    assert max(limits[limits.index(lowest) :]) >= 2 * lowest  # probing upwards again once latency falls


def test_sync_helper_from_plain_code_and_from_inside_a_running_loop() -> None:
    with running_endpoint(*QUIET) as url:
        endpoints = [_endpoint(url, "sync")]
        results, stats = complete_many_sync(endpoints, _requests(5), share=4)

        async def inside_a_loop() -> int:
            rows, _ = complete_many_sync(endpoints, _requests(3))
            return sum(r.ok for r in rows)

        inside = asyncio.run(inside_a_loop())
    assert [r.ok for r in results] == [True] * 5
    assert stats.ok == 5
    assert inside == 3


async def test_a_hanging_endpoint_times_out_and_fails_over() -> None:
    hang = ("--fault-hang", "1.0", "--hang-seconds", "30")
    with running_endpoint(*QUIET, *hang) as hanging, running_endpoint(*QUIET) as healthy:
        endpoints = [
            _endpoint(hanging, "to", name="hanging", timeout_s=0.3, weight=10.0),
            _endpoint(healthy, "to", name="healthy"),
        ]
        async with LLMClient(endpoints, ClientSettings(breaker_failures=1)) as client:
            results = await complete_many(client, _requests(5))
            hanging_stats = client.stats().endpoints[0]
    assert all(r.ok and r.endpoint == "healthy" for r in results)
    assert hanging_stats.failures >= 1 and hanging_stats.breaker == "open"


def test_cli_runs_a_jsonl_file_of_requests(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from semtel_core.cli.app import app

    requests = tmp_path / "requests.jsonl"
    lines = [
        {"request_id": "a", "messages": [{"role": "user", "content": "hello"}], "max_tokens": 8},
        {"request_id": "b", "messages": [{"role": "user", "content": "hello"}], "max_tokens": 0},
    ]
    requests.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    output = tmp_path / "results.jsonl"
    with running_endpoint(*QUIET) as url:
        config = tmp_path / "semtel.yaml"
        config.write_text(f"endpoints:\n  - {{name: local, base_url: '{url}', model: instant}}\n")
        result = CliRunner().invoke(app, ["llm", "run", str(requests), str(output), "-c", str(config)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in output.read_text().splitlines()]
    assert [(r["request_id"], r["status"]) for r in rows] == [("a", "ok"), ("b", "error")]
    assert "1/2 ok, 1 errors" in result.output


def test_cli_rejects_a_malformed_request_file(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from semtel_core.cli.app import app

    requests = tmp_path / "requests.jsonl"
    requests.write_text('{"request_id": "a"}\n')
    result = CliRunner().invoke(app, ["llm", "run", str(requests), str(tmp_path / "out.jsonl")])
    assert result.exit_code == 2
    assert "requests.jsonl:1: not a chat request" in result.output


async def test_a_paced_run_holds_about_a_second_of_backlog_not_twice_the_in_flight_limit() -> None:
    """At 4 requests/s a run must not pull dozens of requests ahead: they would only wait in this process, and
    a run told to stop (or a second process on the key) would find them still taken."""
    started: list[int] = []
    done: list[int] = []

    def requests() -> Any:
        for i, request in enumerate(_requests(24, max_tokens=4)):
            started.append(i)
            yield request

    ahead: list[int] = []
    with running_endpoint(*QUIET) as url:
        endpoint = _endpoint(url, "paced", rpm=240)
        settings = ClientSettings(shared_budget_url="local", initial_concurrency=32)
        async with LLMClient([endpoint], settings) as client:

            def on_result(index: int, result: Any) -> None:
                done.append(index)
                ahead.append(len(started) - len(done))

            results = await complete_many(client, requests(), on_result)
    assert all(r.ok for r in results)
    assert max(ahead) <= 10, ahead  # 2 x (on the wire + half a second of queue), not 2 x 32 in-flight slots
