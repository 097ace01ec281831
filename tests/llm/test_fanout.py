"""The bounded fan-out shared by complete_many, the classify engine and the grader re-check."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterator

import pytest

from semtel_core.llm.fanout import fan_out

pytestmark = [pytest.mark.unit]


async def test_never_more_than_the_window_started_and_every_result_once() -> None:
    running = 0
    most = 0
    seen: list[tuple[int, int]] = []

    async def job(i: int) -> int:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.001 * (i % 5))
        running -= 1
        return i * i

    await fan_out((job(i) for i in range(200)), lambda: 7, lambda index, result: seen.append((index, result)))
    assert most == 7
    assert sorted(seen) == [(i, i * i) for i in range(200)]


async def test_the_window_is_read_again_as_it_changes() -> None:
    window = [2]
    most: list[int] = []
    running = 0

    async def job() -> None:
        nonlocal running
        running += 1
        most.append(running)
        await asyncio.sleep(0.001)
        running -= 1
        window[0] = 5

    await fan_out((job() for _ in range(50)), lambda: window[0])
    assert most[:2] == [1, 2] and max(most) == 5


async def test_a_failing_item_cancels_the_others_and_propagates() -> None:
    cancelled = 0
    pulled = 0

    async def slow() -> None:
        nonlocal cancelled
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled += 1
            raise

    async def boom() -> None:
        raise ValueError("a bug in a strategy")

    def source() -> Iterator[Awaitable[None]]:
        nonlocal pulled
        for i in range(1000):
            pulled += 1
            yield boom() if i == 3 else slow()

    with pytest.raises(ValueError, match="a bug"):
        await fan_out(source(), lambda: 4)
    await asyncio.sleep(0)
    assert cancelled == 3 and pulled == 4  # the source is read lazily: nothing beyond the window was built
