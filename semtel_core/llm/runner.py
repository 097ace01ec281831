"""Many requests through one client: bounded fan-out for asyncio callers, and a blocking helper for Polars,
Spark and Airflow tasks (which run plain synchronous code)."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable, Coroutine, Iterable, Sequence
from typing import Any, TypeVar

from semtel_core.config import ClientSettings, EndpointSettings, Price
from semtel_core.llm.accounting import StatsSnapshot
from semtel_core.llm.client import LLMClient
from semtel_core.llm.fanout import fan_out
from semtel_core.llm.sdk import KeyResolver, default_key_resolver
from semtel_core.llm.types import CallRequest, CallResult

T = TypeVar("T")
OnResult = Callable[[int, CallResult], None]
_MIN_WINDOW = 8


async def complete_many(
    client: LLMClient, requests: Iterable[CallRequest], on_result: OnResult | None = None
) -> list[CallResult]:
    """Results in input order. Only a window of tasks exists at a time (``LLMClient.worth_starting``: about
    twice what can be in flight), so a partition of a million rows does not become a million pending tasks,
    and a paced run holds no more than a second or so of backlog."""
    results: dict[int, CallResult] = {}

    def keep(index: int, result: CallResult) -> None:
        results[index] = result
        if on_result is not None:
            on_result(index, result)

    await fan_out(
        (client.complete(request) for request in requests),
        lambda: max(_MIN_WINDOW, client.worth_starting),
        keep,
    )
    return [results[i] for i in range(len(results))]


def complete_many_sync(
    endpoints: Sequence[EndpointSettings],
    requests: Iterable[CallRequest],
    settings: ClientSettings | None = None,
    *,
    prices: dict[str, Price] | None = None,
    share: int = 1,
    key_resolver: KeyResolver = default_key_resolver,
    on_result: OnResult | None = None,
) -> tuple[list[CallResult], StatsSnapshot]:
    """Blocking: build a client, run every request, close it; returns the results and the client's stats.

    ``share`` is the number of tasks running this at the same time against the same endpoints (the number
    of Spark executor cores or Airflow mapped tasks in parallel).
    """

    async def _go() -> tuple[list[CallResult], StatsSnapshot]:
        async with LLMClient(
            endpoints, settings, prices=prices, share=share, key_resolver=key_resolver
        ) as client:
            results = await complete_many(client, requests, on_result)
            return results, client.stats()

    return run_sync(_go)


def run_sync(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion from synchronous code, also when this thread already runs a loop
    (Jupyter, an async Airflow worker): then in a fresh thread with its own loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="semtel-llm") as pool:
        return pool.submit(lambda: asyncio.run(make())).result()
