"""Plain data of the LLM client: what a caller sends and the one result row it always gets back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from semtel_core.prompts.tokens import count_message_tokens

Message = Mapping[str, Any]
CallStatus = Literal["ok", "error"]


@dataclass(frozen=True, slots=True)
class CallRequest:
    """One chat completion to make.

    ``extra`` goes into the chat completion request body as is (``response_format``, ``temperature``, ``seed``...).
    ``truncate`` is called once when the endpoint says the prompt is too long: it gets the messages and returns
    shorter ones (the caller knows how to shorten a conversation; the client does not).
    """

    messages: Sequence[Message]
    max_tokens: int = 256
    request_id: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)
    truncate: Callable[[Sequence[Message]], Sequence[Message] | Awaitable[Sequence[Message]]] | None = None
    prompt_tokens_hint: int | None = None

    def estimated_prompt_tokens(self) -> int:
        if self.prompt_tokens_hint is not None:
            return self.prompt_tokens_hint
        return count_message_tokens(self.messages)

    def with_messages(self, messages: Sequence[Message]) -> CallRequest:
        return replace(self, messages=messages, prompt_tokens_hint=None)


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.prompt_tokens + other.prompt_tokens, self.completion_tokens + other.completion_tokens
        )


@dataclass(frozen=True, slots=True)
class CallResult:
    """The outcome of one request; ``status == "error"`` rows carry ``reason`` and never raise.

    ``usage`` sums every attempt the provider billed (a context-length retry bills twice); ``latency_s`` is
    the wall time from the call to the result, waits included; ``attempts`` counts HTTP attempts.
    """

    status: CallStatus
    request_id: str
    content: str | None = None
    reason: str | None = None
    error_type: str | None = None
    status_code: int | None = None
    usage: Usage = field(default_factory=Usage)
    cost_usd: float = 0.0
    latency_s: float = 0.0
    attempts: int = 0
    endpoint: str | None = None
    model: str | None = None
    server_request_id: str | None = None
    finish_reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def as_row(self) -> dict[str, Any]:
        """A flat dict for a results table (Polars / Spark / JSONL)."""
        return {
            "request_id": self.request_id,
            "status": self.status,
            "content": self.content,
            "reason": self.reason,
            "error_type": self.error_type,
            "status_code": self.status_code,
            "prompt_tokens": self.usage.prompt_tokens,
            "completion_tokens": self.usage.completion_tokens,
            "cost_usd": self.cost_usd,
            "latency_s": self.latency_s,
            "attempts": self.attempts,
            "endpoint": self.endpoint,
            "model": self.model,
            "server_request_id": self.server_request_id,
            "finish_reason": self.finish_reason,
        }
