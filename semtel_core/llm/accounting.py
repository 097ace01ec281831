"""Accounting: per-request cost, and the aggregates that go to logs, the CLI progress bar and the run summary."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from pydantic import BaseModel

from semtel_core.config import Price
from semtel_core.llm.types import CallResult, Usage

_LATENCY_WINDOW = 10_000  # recent results kept for percentiles: enough for a stable p95, bounded memory


class CallCost(BaseModel):
    """Calls, failed calls, tokens and cost of a set of results (the grader's report, topic discovery)."""

    calls: int = 0
    errors: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0

    @classmethod
    def of(cls, calls: Sequence[CallResult]) -> CallCost:
        return cls(
            calls=len(calls),
            errors=sum(not c.ok for c in calls),
            prompt_tokens=sum(c.usage.prompt_tokens for c in calls),
            completion_tokens=sum(c.usage.completion_tokens for c in calls),
            cost_usd=sum(c.cost_usd for c in calls),
        )


def cost_usd(prices: Mapping[str, Price], model: str | None, usage: Usage) -> float:
    """Online price of ``usage`` for ``model``; 0.0 for a model missing from the price table."""
    price = prices.get(model or "")
    if price is None:
        return 0.0
    return (
        usage.prompt_tokens * price.input_per_mtok + usage.completion_tokens * price.output_per_mtok
    ) / 1e6


@dataclass(frozen=True, slots=True)
class EndpointSnapshot:
    name: str
    model: str
    attempts: int
    rate_limited: int
    failures: int
    concurrency_limit: float
    in_flight: int
    breaker: str
    rpm: float | None
    tpm: float | None
    budget: str = "local"
    token_ratio: float = 1.0  # the server's prompt-token count / our tokenizer's, learned from its usage


@dataclass(frozen=True, slots=True)
class StatsSnapshot:
    """Aggregates since the client was built. ``share_429`` = 429 answers / HTTP attempts."""

    elapsed_s: float
    requests: int
    ok: int
    errors: int
    attempts: int
    rate_limited: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    latency_p50_s: float | None
    latency_p95_s: float | None
    endpoints: tuple[EndpointSnapshot, ...] = field(default_factory=tuple)

    @property
    def share_429(self) -> float:
        return self.rate_limited / self.attempts if self.attempts else 0.0

    @property
    def concurrency_limit(self) -> float:
        return sum(e.concurrency_limit for e in self.endpoints)

    @property
    def in_flight(self) -> int:
        return sum(e.in_flight for e in self.endpoints)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(
            share_429=self.share_429,
            concurrency_limit=self.concurrency_limit,
            in_flight=self.in_flight,
            budget=self.budget,
        )
        return data

    def summary(self) -> str:
        p50 = "-" if self.latency_p50_s is None else f"{self.latency_p50_s:.2f}s"
        p95 = "-" if self.latency_p95_s is None else f"{self.latency_p95_s:.2f}s"
        return (
            f"{self.ok}/{self.requests} ok, {self.errors} errors, {self.attempts} attempts, "
            f"429 share {self.share_429:.2%}, tokens {self.prompt_tokens}+{self.completion_tokens}, "
            f"cost ${self.cost_usd:.4f}, latency p50 {p50} p95 {p95}, "
            f"concurrency {self.in_flight}/{self.concurrency_limit:.1f}, rate budget {self.budget}"
        )

    @property
    def budget(self) -> str:
        """Which rate budget the endpoints used: shared (Redis) or local, and why local."""
        return ", ".join(sorted({e.budget for e in self.endpoints})) or "-"


class Accounting:
    """Counts attempts and results; cheap enough to call on every attempt (no locks: one event loop)."""

    def __init__(self) -> None:
        self._started = time.monotonic()
        self.requests = 0
        self.ok = 0
        self.errors = 0
        self.attempts = 0
        self.rate_limited = 0
        self.usage = Usage()
        self.cost = 0.0
        self._latencies: deque[float] = deque(maxlen=_LATENCY_WINDOW)

    def record_attempt(self, *, rate_limited: bool) -> None:
        self.attempts += 1
        self.rate_limited += int(rate_limited)

    def record_result(self, result: CallResult) -> None:
        self.requests += 1
        if result.ok:
            self.ok += 1
            self._latencies.append(result.latency_s)
        else:
            self.errors += 1
        self.usage = self.usage + result.usage
        self.cost += result.cost_usd

    def snapshot(self, endpoints: tuple[EndpointSnapshot, ...]) -> StatsSnapshot:
        p50, p95 = _percentiles(self._latencies)
        return StatsSnapshot(
            elapsed_s=time.monotonic() - self._started,
            requests=self.requests,
            ok=self.ok,
            errors=self.errors,
            attempts=self.attempts,
            rate_limited=self.rate_limited,
            prompt_tokens=self.usage.prompt_tokens,
            completion_tokens=self.usage.completion_tokens,
            cost_usd=self.cost,
            latency_p50_s=p50,
            latency_p95_s=p95,
            endpoints=endpoints,
        )


def _percentiles(values: deque[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    ordered = sorted(values)
    last = len(ordered) - 1
    return ordered[round(0.5 * last)], ordered[round(0.95 * last)]
