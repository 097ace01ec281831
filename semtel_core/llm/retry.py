"""What to do after a failed attempt: classify the error, and how long to back off.

Written here rather than with tenacity because each attempt may go to a different endpoint (failover), the
wait comes from the server (``retry-after``) as often as from our own schedule, and the loop must feed the
limiter, the concurrency controller and the circuit breaker; tenacity would own the loop but none of that.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Literal

import openai

from semtel_core.llm.limiter import RateLimitHeaders

FailureKind = Literal[
    "rate_limited",
    "timeout",
    "connection",
    "server",
    "context_length",
    "fatal",
    "deadline",
    "skip",
    "unavailable",
    "outage",
]
"""``deadline``: our time budget ran out before an attempt could be made; ``skip``: the chosen endpoint's
breaker opened while we waited for its rate limiter, so no attempt was made and we choose again;
``unavailable``: every endpoint's breaker stayed open through a cooldown (counted as an attempt);
``outage``: every endpoint has been down for ``client.outage_s``: the client stops."""
RETRYABLE_STATUS = frozenset({408, 409, 429})
_CONTEXT_CODES = frozenset({"context_length_exceeded", "string_above_max_length"})
# llama.cpp's server: type "exceed_context_size_error", "request (N tokens) exceeds the available context size";
# vLLM: "This model's maximum context length is N tokens"; Ollama: "input length exceeds the context length".
_CONTEXT_TYPES = frozenset({"exceed_context_size_error"})
_CONTEXT_PHRASES = (
    "maximum context length",
    "context_length_exceeded",
    "too many tokens",
    "exceeds the available context size",
    "exceeds the context length",
)


@dataclass(frozen=True, slots=True)
class Failure:
    """One failed attempt, reduced to what the retry loop needs."""

    kind: FailureKind
    reason: str
    error_type: str
    status_code: int | None = None
    headers: RateLimitHeaders = field(default_factory=RateLimitHeaders)
    server_request_id: str | None = None

    @property
    def retryable(self) -> bool:
        if self.kind in ("deadline", "outage"):
            return False
        if self.headers.should_retry is not None and self.kind != "skip":
            return self.headers.should_retry  # the server's word wins, as in the openai SDK
        return self.kind in ("rate_limited", "timeout", "connection", "server", "skip", "unavailable")

    @property
    def endpoint_unhealthy(self) -> bool:
        """Counts against the circuit breaker and triggers failover to another endpoint."""
        return self.kind in ("timeout", "connection", "server")


def classify(exc: BaseException) -> Failure:
    """Map an exception of the openai SDK to a :class:`Failure`; anything unknown is fatal for the row."""
    name = type(exc).__name__
    if isinstance(exc, openai.APITimeoutError):
        return Failure("timeout", "request timed out", name)
    if isinstance(exc, openai.APIConnectionError):
        return Failure("connection", f"connection error: {exc.__cause__ or exc}", name)
    if isinstance(exc, openai.APIStatusError):
        return _classify_status(exc)
    return Failure("fatal", f"{name}: {exc}", name)


def _classify_status(exc: openai.APIStatusError) -> Failure:
    status = exc.status_code
    headers = RateLimitHeaders.parse(exc.response.headers)
    kind: FailureKind
    if status == 429:
        kind = "rate_limited"
    elif status in RETRYABLE_STATUS or status >= 500:
        kind = "server"
    elif _is_context_length(exc):
        kind = "context_length"
    else:
        kind = "fatal"
    # llama.cpp's code is the status again ("400"); its type names the error.
    code = exc.code if exc.code != str(status) else exc.type
    reason = f"{status} {code or type(exc).__name__}: {exc.message}"[:500]
    return Failure(kind, reason, type(exc).__name__, status, headers, exc.request_id)


def _is_context_length(exc: openai.APIStatusError) -> bool:
    if exc.status_code not in (400, 413):
        return False
    if exc.code in _CONTEXT_CODES or exc.type in _CONTEXT_TYPES:
        return True
    message = exc.message.lower()
    return any(phrase in message for phrase in _CONTEXT_PHRASES)


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff with equal jitter (half fixed, half random); a server ``retry-after`` is honoured up to ``retry_after_cap_s``."""

    base_s: float
    max_s: float
    retry_after_cap_s: float

    def too_long(self, failure: Failure) -> bool:
        """The server asks us to wait longer than we are willing to: give up now rather than hold the row."""
        server = failure.headers.retry_after_s
        return server is not None and server > self.retry_after_cap_s

    def delay(self, attempt: int, failure: Failure, rng: random.Random) -> float:
        """Seconds to wait after the ``attempt``-th failed attempt (1-based)."""
        server = failure.headers.retry_after_s
        if server is not None:
            # A little jitter on top so that requests told the same instant do not return together.
            capped = min(server, self.retry_after_cap_s)
            return capped + rng.uniform(0, min(self.base_s, capped * 0.1 + 0.01))
        ceiling = min(self.max_s, self.base_s * 2 ** (attempt - 1))
        return rng.uniform(ceiling / 2, ceiling)
