"""Bounded fan-out: run the awaitables of a lazy source concurrently, at most ``window()`` started at a time.

Shared by ``complete_many``, the classify engine's partitions and the grader re-check, so a partition of a
million rows never becomes a million pending tasks (or rendered prompts). Completions are collected through
one done-callback per task: ``asyncio.wait(FIRST_COMPLETED)`` would add and remove a callback on every pending
task for every completion, a cost per request that grows with the window.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

T = TypeVar("T")


async def fan_out(
    source: Iterable[Awaitable[T]],
    window: Callable[[], int],
    on_done: Callable[[int, T], None] | None = None,
) -> None:
    """Await every item of ``source`` (taken only when there is room: pass a generator), ``on_done(index,
    result)`` in completion order. An exception of one item cancels the others and propagates."""
    pending: dict[asyncio.Future[T], int] = {}
    finished: collections.deque[asyncio.Future[T]] = collections.deque()
    wake = asyncio.Event()

    def done(task: asyncio.Future[T]) -> None:
        finished.append(task)
        wake.set()

    items = enumerate(source)
    exhausted = False
    try:
        while True:
            while not exhausted and len(pending) < window():
                item = next(items, None)
                if item is None:
                    exhausted = True
                    break
                started = asyncio.ensure_future(item[1])
                pending[started] = item[0]
                started.add_done_callback(done)
            if not pending:
                return
            while not finished:
                wake.clear()
                await wake.wait()
            while finished:
                ended = finished.popleft()
                index = pending.pop(ended)
                result = ended.result()
                if on_done is not None:
                    on_done(index, result)
    finally:
        for left in pending:
            left.remove_done_callback(done)
            left.cancel()
