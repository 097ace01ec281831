"""The HTTP side of chat completions: context window, admission (rate limits), injected faults, latency."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import math

from semtel_core.endpoint.chat import ChatEngine, ChatRequest, completion_payload, parse_chat_request
from semtel_core.endpoint.http import (
    DroppedConnection,
    Headers,
    HttpError,
    Receive,
    Send,
    parse_json,
    read_body,
    send_json,
)
from semtel_core.endpoint.malformed import corrupt
from semtel_core.endpoint.options import EndpointOptions
from semtel_core.endpoint.ratelimit import RateLimiter
from semtel_core.endpoint.simulation import Fault, Simulator
from semtel_core.endpoint.stats import KeyStats, Stats

MAX_BODY_BYTES = 32 * 1024 * 1024


class ChatRoute:
    def __init__(self, options: EndpointOptions, stats: Stats, engine: ChatEngine) -> None:
        self.options = options
        self.stats = stats
        self.engine = engine
        self.limiter = RateLimiter(options.rate_limit) if options.rate_limit.enabled else None
        self.simulator = Simulator(options.latency, options.faults, options.seed)

    def admit(self, api_key: str, tokens: int, headers: Headers) -> None:
        """Charge the key's quota or raise a 429 carrying ``retry-after`` and the rate-limit headers."""
        if self.limiter is None:
            self.stats.key(api_key).tokens_charged += tokens
            return
        decision = self.limiter.admit(api_key, tokens)
        headers += decision.headers
        if decision.admitted or self.options.rate_limit.charge_rejected:
            self.stats.key(api_key).tokens_charged += tokens
        if not decision.admitted:
            raise HttpError(429, decision.message, code="rate_limit_exceeded", kind=decision.limited_by)

    def check_context(self, request: ChatRequest) -> None:
        """A prompt over ``max_context_tokens`` gets OpenAI's 400, before admission (it is not charged)."""
        limit = self.options.max_context_tokens
        if limit is not None and request.prompt_tokens > limit:
            raise HttpError(
                400,
                f"This model's maximum context length is {limit} tokens. However, your messages resulted in "
                f"{request.prompt_tokens} tokens. Please reduce the length of the messages.",
                code="context_length_exceeded",
                param="messages",
            )

    async def __call__(self, receive: Receive, send: Send, api_key: str, headers: Headers) -> None:
        request = parse_chat_request(parse_json(await read_body(receive, MAX_BODY_BYTES)))
        if self.options.token_factor != 1.0:  # a server whose tokenizer counts differently from the client's
            request = dataclasses.replace(
                request, prompt_tokens=round(request.prompt_tokens * self.options.token_factor)
            )
        self.check_context(request)
        self.admit(api_key, request.charged_tokens(self.options.rate_limit.default_max_tokens), headers)
        key_stats = self.stats.key(api_key)
        fault = self.simulator.draw_fault()
        if fault is not None:
            key_stats.faults[fault] += 1
        self.stats.in_flight += 1
        try:
            await self._answer(request, fault, receive, send, headers, key_stats)
        finally:
            self.stats.in_flight -= 1

    async def _answer(
        self,
        request: ChatRequest,
        fault: Fault | None,
        receive: Receive,
        send: Send,
        headers: Headers,
        key_stats: KeyStats,
    ) -> None:
        if fault in ("error_500", "error_503"):
            await self._sleep(self.simulator.latency_s(0, self.stats.in_flight))
            status = 500 if fault == "error_500" else 503
            raise HttpError(
                status, "The server had an error while processing your request.", kind="server_error"
            )
        if fault == "hang":
            await _hang(receive, self.options.faults.hang_s)
            raise DroppedConnection("hang ended")
        completion = await self.engine.complete(request)
        await self._sleep(self.simulator.latency_s(completion.completion_tokens, self.stats.in_flight))
        if fault == "drop":
            await send(
                {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"4096")]}
            )
            raise DroppedConnection("simulated drop")
        content = None
        if fault == "malformed":
            content = corrupt(completion.content, self.simulator.malformed_kind(), self.simulator.rng)
        payload = completion_payload(request, completion, content)
        key_stats.successes += 1
        key_stats.prompt_tokens += request.prompt_tokens
        key_stats.completion_tokens += payload["usage"]["completion_tokens"]
        await send_json(send, 200, payload, headers)

    @staticmethod
    async def _sleep(seconds: float) -> None:
        if seconds > 0 and math.isfinite(seconds):
            await asyncio.sleep(seconds)


async def _hang(receive: Receive, seconds: float) -> None:
    """Say nothing until the client gives up (disconnects) or ``seconds`` pass."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            while (await receive())["type"] != "http.disconnect":
                pass
