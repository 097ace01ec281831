"""A simulated provider and clients of the rate budget, on a simulated clock (no sockets, no sleeping).

The server is a per-key token bucket over tokens as the providers enforce it (``window_s`` of the limit at
once, prompt + max_tokens charged at admission, optionally rejected attempts charged too, debt floored at one
bucket); its capacity may change without notice, it may count tokens differently from the client, and it may
announce (or not) its limit in headers. Each client is ``concurrency`` workers that loop: reserve in its
:class:`Budget`, sleep off the wait, send, and settle or report the 429 when the answer comes ``latency_s``
later, exactly as ``LLMClient`` does. Several clients may share one store (processes on one key).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from semtel_core.llm.budget import Budget, Reservation, Store
from semtel_core.llm.limiter import RateLimitHeaders

PROMPT = 240
MAX_TOKENS = 64
RATE_LIMIT_MESSAGE = "Rate limit reached on tokens per min: Limit 182400, Requested 304."


def run_sync(coro: Coroutine[Any, Any, Any]) -> Any:
    """Drive a coroutine that never really waits (the local store) to its result."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value
    raise AssertionError("the coroutine awaited something real")


@dataclass
class SimServer:
    tokens_per_s: float  # C in tokens per second (server units)
    window_s: float = 10.0
    charge_rejected: bool = False
    token_factor: float = 1.0  # server tokens = client tokens x this
    headers: bool = True
    steps: list[tuple[float, float, bool]] = field(default_factory=list)  # (at, factor, announced)
    level: float = -1.0
    updated: float = 0.0
    attempts: int = 0
    rejected: int = 0
    admitted: int = 0

    def limit(self, now: float, announced_only: bool = False) -> float:
        rate = self.tokens_per_s
        for at, factor, announced in self.steps:
            if now >= at and (announced or not announced_only):
                rate = self.tokens_per_s * factor
        return rate

    def admit(self, now: float, prompt_client_tokens: int) -> tuple[bool, int, RateLimitHeaders]:
        rate = self.limit(now)
        capacity = rate * self.window_s
        if self.level < 0 and self.attempts == 0:
            self.level = capacity
        self.level = min(capacity, self.level + (now - self.updated) * rate)
        self.updated = now
        charged = round(prompt_client_tokens * self.token_factor) + MAX_TOKENS
        self.attempts += 1
        ok = self.level >= min(charged, capacity)
        if ok or self.charge_rejected:
            self.level = max(self.level - charged, -capacity)
        if ok:
            self.admitted += 1
        else:
            self.rejected += 1
        shown = self.limit(now, announced_only=True) * 60
        headers = RateLimitHeaders(limit_tokens=shown) if self.headers else RateLimitHeaders()
        return ok, charged, headers


@dataclass
class SimClient:
    budget: Budget
    concurrency: int = 16
    start: float = 0.0
    stop: float = float("inf")
    successes: list[float] = field(default_factory=list)
    rejections: int = 0


class Simulation:
    def __init__(self, server: SimServer, latency_s: float = 0.5) -> None:
        self.server = server
        self.latency_s = latency_s
        self.now = 0.0
        self._events: list[tuple[float, int, Callable[[], None]]] = []
        self._order = itertools.count()
        self.clients: list[SimClient] = []

    def clock(self) -> float:
        return self.now

    def budget(self, store: Store, key: str = "k", **kwargs: Any) -> Budget:
        defaults: dict[str, Any] = {"rpm": None, "tpm": None, "headroom": 0.98, "burst_s": 1.0}
        return Budget(key, store, clock=self.clock, **(defaults | kwargs))

    def add(self, client: SimClient) -> SimClient:
        self.clients.append(client)
        for _ in range(client.concurrency):
            self._at(client.start, lambda c=client: self._worker(c))
        return client

    def _at(self, when: float, action: Callable[[], None]) -> None:
        heapq.heappush(self._events, (when, next(self._order), action))

    def _worker(self, client: SimClient) -> None:
        if self.now >= client.stop:
            return
        reservation: Reservation = run_sync(client.budget.take(PROMPT, MAX_TOKENS))
        self._at(self.now + reservation.wait_s, lambda: self._send(client, reservation))

    def _send(self, client: SimClient, reservation: Reservation) -> None:
        # As Budget.wait_turn: a stale reservation queues again, one not yet due sleeps a slice and looks again.
        if client.budget.stale(reservation):
            fresh: Reservation = run_sync(client.budget.retake(reservation, MAX_TOKENS))
            self._at(self.now + fresh.wait_s, lambda: self._send(client, fresh))
            return
        left = client.budget.remaining_s(reservation)
        if left > 0:
            if client.budget.view_age() >= 0.25:
                run_sync(client.budget.sync_now())
            self._at(self.now + min(max(left, 1e-3), 0.25), lambda: self._send(client, reservation))
            return
        ok, charged, headers = self.server.admit(self.now, reservation.prompt_estimate)
        latency = self.latency_s if ok else 0.05
        self._at(self.now + latency, lambda: self._answer(client, reservation, ok, charged, headers))

    def _answer(
        self, client: SimClient, reservation: Reservation, ok: bool, charged: int, headers: RateLimitHeaders
    ) -> None:
        client.budget.observe(headers, rtt=self.latency_s)
        if ok:
            client.successes.append(self.now)
            client.budget.settle(reservation, charged, charged - MAX_TOKENS)
            self._worker(client)
        else:
            client.rejections += 1
            run_sync(client.budget.reject(reservation, RATE_LIMIT_MESSAGE if self.server.headers else None))
            self._at(self.now + 0.05, lambda: self._worker(client))  # back to the queue (a short backoff)

    def run(self, until: float) -> None:
        while self._events and self._events[0][0] <= until:
            self.now, _, action = heapq.heappop(self._events)
            action()
        self.now = until


def goodput(successes: list[float], start: float, end: float) -> float:
    """Successes per second in [start, end)."""
    return sum(start <= t < end for t in successes) / (end - start)
