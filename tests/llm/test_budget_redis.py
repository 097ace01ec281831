"""The budget in real Redis (127.0.0.1:6379, a unique key prefix per test, deleted afterwards): several
clients of one key in one test, what a late process reads, what is stored (never the key), the shared breaker,
and the fallback to a local budget when Redis is unreachable."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Callable, Iterator

import httpx2
import openai
import pytest
import redis
from pydantic import SecretStr

from semtel_core.config import ClientSettings, EndpointSettings
from semtel_core.llm import CallRequest, LLMClient
from semtel_core.llm.budget import Budget, LocalStore, RedisStore, budget_key
from semtel_core.llm.limiter import RateLimitHeaders

pytestmark = [pytest.mark.integration]

URL = ClientSettings().shared_budget_url
SECRET = "sk-test-DO-NOT-STORE-1234567890"
PROMPT = {"role": "user", "content": "hi"}


@pytest.fixture
def prefix(budget_cleanup: Callable[[str], int]) -> Iterator[str]:
    try:
        redis.Redis.from_url(URL, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip(f"Redis is not reachable at {URL}")
    name = f"semtel-test-{uuid.uuid4().hex[:12]}:budget"
    yield name
    budget_cleanup(name)


@pytest.fixture
async def stores() -> AsyncIterator[list[RedisStore]]:
    made = [RedisStore(URL) for _ in range(3)]
    yield made
    for store in made:
        await store.aclose()


def _budget(key: str, store: RedisStore | LocalStore, now: list[float], **kwargs: object) -> Budget:
    options: dict[str, object] = {"rpm": 600, "tpm": None, "headroom": 1.0, "burst_s": 1.0} | kwargs
    return Budget(key, store, clock=lambda: now[0], **options)  # type: ignore[arg-type]


async def test_processes_on_one_key_queue_in_one_bucket_in_arrival_order(
    prefix: str, stores: list[RedisStore]
) -> None:
    key = budget_key(prefix, "http://llm.example/v1", "m", SECRET)
    now = [1000.0]
    a, b, c = (_budget(key, store, now) for store in stores)  # three processes: three connections
    waits = []
    for budget in (a, b, c, a, b, c):
        waits.append((await budget.take(10, 0)).wait_s)
    # 600 rpm = 10/s; a configured limit starts empty: each reservation waits 0.1 s more than the one before,
    # whichever process took it.
    assert waits == pytest.approx([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    now[0] += 10  # idle: the bucket refills to its burst (1 s) for everyone
    assert (await c.take(10, 0)).wait_s == 0.0


async def test_a_late_process_reads_the_learned_limits_and_nothing_stored_is_the_key(
    prefix: str, stores: list[RedisStore]
) -> None:
    key = budget_key(prefix, "http://llm.example/v1", "m", SECRET)
    now = [1000.0]
    early = _budget(key, stores[0], now, rpm=None)
    early.observe(RateLimitHeaders(limit_requests=1200, limit_tokens=90_000))
    reservation = await early.take(1000, 10)
    for _ in range(30):
        now[0] += 0.1
        early.settle(reservation, 1210, 1200)  # the server counts 20 % more prompt tokens than we do
        reservation = await early.take(1000, 10)
    late = _budget(key, stores[1], now, rpm=None)
    await late.take(1000, 10)
    assert late.rpm == pytest.approx(1200)
    assert late.tpm == pytest.approx(90_000)
    assert late.ratio == pytest.approx(1.2, rel=0.02)
    raw = redis.Redis.from_url(URL)
    keys = [k.decode() for k in raw.scan_iter(match=f"{prefix}:*")]
    assert keys == [key]
    stored = b" ".join(k + b"=" + v for k, v in raw.hgetall(key).items())
    assert SECRET.encode() not in stored and SECRET not in key
    assert 0 < raw.pttl(key) <= 86_400_000  # learned state outlives the processes, for a day
    raw.close()


async def test_one_processs_open_breaker_keeps_the_others_away(prefix: str, stores: list[RedisStore]) -> None:
    key = budget_key(prefix, "http://llm.example/v1", "m", SECRET)
    now = [1000.0]
    a, b = _budget(key, stores[0], now), _budget(key, stores[1], now)
    await a.open_breaker(10.0)
    await b.take(10, 0)
    assert 9.0 < b.breaker_open_s() <= 10.0


def _real_clock_budget(key: str, store: RedisStore) -> Budget:
    return Budget(key, store, rpm=None, tpm=None, headroom=1.0, burst_s=1.0)  # Redis's clock, as a client's


async def test_a_new_run_probes_past_an_old_runs_open_breaker_and_lifts_it(
    prefix: str, stores: list[RedisStore]
) -> None:
    # A finished run found the endpoint down and left its open-until on the key (it outlives the run by design:
    # the other processes of that run had to stay away). The endpoint has been restarted since: a new client
    # sends one probe instead of waiting 300 s, and its answer lifts the verdict for every process on the key.
    endpoint = EndpointSettings(
        name="e", base_url="http://llm.example/v1", model="m", api_key=SecretStr(SECRET)
    )
    key = budget_key(prefix, endpoint.base_url, "m", SECRET)
    await _real_clock_budget(key, stores[0]).open_breaker(300.0)
    hits: list[int] = []

    def factory(endpoint: EndpointSettings, key: SecretStr | str) -> openai.AsyncOpenAI:
        def server(request: httpx2.Request) -> httpx2.Response:
            hits.append(1)
            usage = {"prompt_tokens": 7, "completion_tokens": 2, "total_tokens": 9}
            choice = {"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}
            return httpx2.Response(200, json={"id": "c", "choices": [choice], "usage": usage})

        http = httpx2.AsyncClient(transport=httpx2.MockTransport(server))
        return openai.AsyncOpenAI(base_url=endpoint.base_url, api_key="k", max_retries=0, http_client=http)

    # a deadline far under the verdict's 300 s: waiting it out would be an error row, not an answer
    settings = ClientSettings(shared_budget_prefix=prefix, deadline_s=20, max_attempts=2)
    async with LLMClient([endpoint], settings, sdk_factory=factory) as client:
        results = [
            await client.complete(CallRequest(messages=[PROMPT], request_id=f"r{i}")) for i in range(3)
        ]
    assert [r.status for r in results] == ["ok", "ok", "ok"]
    assert len(hits) == 3
    other = _real_clock_budget(key, stores[1])
    await other.take(10, 0)
    assert other.breaker_open_s() == 0.0


async def test_the_redis_and_local_stores_run_the_same_script(prefix: str, stores: list[RedisStore]) -> None:
    key = budget_key(prefix, "http://llm.example/v1", "m", SECRET)
    results = []
    for store in (stores[0], LocalStore()):
        now = [1000.0]
        budget = _budget(key, store, now, rpm=None)
        trace = []
        reservation = await budget.take(200, 50)
        for step in range(40):
            now[0] += 0.05
            if step % 13 == 12:
                await budget.reject(reservation, None)
            else:
                budget.settle(reservation, 260, 210)
            reservation = await budget.take(200, 50)
            trace.append((round(reservation.wait_s, 9), budget.rates, round(budget.ratio, 9)))
        results.append(trace)
    assert results[0] == results[1]
    assert any(rates != (0.0, 0.0) for _w, rates, _r in results[0])  # the 429s made it pace


async def test_an_unreachable_redis_falls_back_to_a_local_budget_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = RedisStore("redis://127.0.0.1:1/0")  # nothing listens on port 1
    budget = Budget("k", store, rpm=600, tpm=None, headroom=1.0, burst_s=1.0)
    with caplog.at_level(logging.WARNING, logger="semtel_core.llm.budget"):
        first = await budget.take(10, 0)
        second = await budget.take(10, 0)
    assert budget.mode.startswith("local (fallback: ConnectionError")
    assert second.wait_s > first.wait_s  # still paced, now locally
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "unreachable" in warnings[0].getMessage()
    await budget.aclose()
