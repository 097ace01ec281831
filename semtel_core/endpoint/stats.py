"""Server-side counters, per API key, as served on ``GET /v1/_stats``.

Benchmarks read the 429 share and the attempt counts from here rather than trusting the clients they measure.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class KeyStats:
    attempts: int = 0
    successes: int = 0
    rate_limited: int = 0
    server_errors: int = 0
    client_errors: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    tokens_charged: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "attempts": self.attempts,
            "successes": self.successes,
            "rate_limited": self.rate_limited,
            "server_errors": self.server_errors,
            "client_errors": self.client_errors,
            "faults_injected": sum(self.faults.values()),
            "faults": dict(self.faults),
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "tokens_charged": self.tokens_charged,
        }

    def add(self, other: KeyStats) -> None:
        for name in ("attempts", "successes", "rate_limited", "server_errors", "client_errors"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("prompt_tokens", "completion_tokens", "tokens_charged"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.faults.update(other.faults)


class Stats:
    """Counters of one server process (single event loop, so no locking)."""

    def __init__(self) -> None:
        self.started_monotonic = time.monotonic()
        self.by_key: dict[str, KeyStats] = {}
        self.by_client: dict[
            str, Counter[str]
        ] = {}  # per x-client-name header: attempts, rate_limited, errors
        self.in_flight = 0
        self.batch_requests: Counter[str] = Counter()
        self.batches_created = 0

    def key(self, api_key: str) -> KeyStats:
        stats = self.by_key.get(api_key)
        if stats is None:
            stats = self.by_key[api_key] = KeyStats()
        return stats

    def count_client(self, client: str, what: str) -> None:
        if client:
            self.by_client.setdefault(client, Counter())[what] += 1

    def record_status(self, api_key: str, status: int) -> None:
        stats = self.key(api_key)
        if status == 429:
            stats.rate_limited += 1
        elif status >= 500:
            stats.server_errors += 1
        elif status >= 400:
            stats.client_errors += 1

    def totals(self) -> KeyStats:
        total = KeyStats()
        for stats in self.by_key.values():
            total.add(stats)
        return total

    def snapshot(self) -> dict[str, Any]:
        return {
            "uptime_s": round(time.monotonic() - self.started_monotonic, 3),
            "in_flight": self.in_flight,
            "totals": self.totals().as_dict(),
            "keys": {_redact(k): v.as_dict() for k, v in self.by_key.items()},
            "clients": {name: dict(counts) for name, counts in self.by_client.items()},
            "batch_requests": dict(self.batch_requests),
            "batches_created": self.batches_created,
        }

    def reset(self) -> None:
        self.by_key.clear()
        self.by_client.clear()
        self.batch_requests.clear()
        self.batches_created = 0
        self.started_monotonic = time.monotonic()

    def summary_line(self, window_s: float, previous: KeyStats) -> str:
        now = self.totals()
        attempts = now.attempts - previous.attempts
        return (
            f"last {window_s:.0f}s: {attempts} attempts ({attempts / window_s:.1f}/s), "
            f"{now.successes - previous.successes} ok, {now.rate_limited - previous.rate_limited} 429, "
            f"{now.server_errors - previous.server_errors} 5xx, "
            f"{sum(now.faults.values()) - sum(previous.faults.values())} faults; in flight {self.in_flight}"
        )


def _redact(api_key: str) -> str:
    """Keys are simulator identities, but they may be real-looking: show only a short prefix."""
    return api_key if len(api_key) <= 12 else f"{api_key[:8]}...{api_key[-2:]}"
