"""Chat completions: request parsing, the model call, and the ``ChatCompletion`` payload with real usage.

Shared by the HTTP route (which adds rate limits, faults and latency) and the batch runner (which does not).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from semtel_core.endpoint.http import HttpError
from semtel_core.endpoint.models import CHAT_MODELS, INSTANT, ZeroShotModel, instant_answer
from semtel_core.prompts.tokens import count_message_tokens, count_tokens, decode, encode

SYSTEM_FINGERPRINT = "semtel-local"


@dataclass(frozen=True)
class ChatRequest:
    model: str
    messages: list[dict[str, Any]]
    body: Mapping[str, Any]
    prompt_tokens: int
    max_tokens: int | None

    def charged_tokens(self, default_max_tokens: int) -> int:
        """What a provider charges at admission: prompt tokens plus the most the answer may use."""
        return self.prompt_tokens + (self.max_tokens or default_max_tokens)


def parse_chat_request(body: Mapping[str, Any]) -> ChatRequest:
    model = body.get("model")
    messages = body.get("messages")
    if not isinstance(model, str) or not model:
        raise HttpError(400, "'model' is required")
    if model not in CHAT_MODELS:
        raise HttpError(
            404,
            f"The model '{model}' does not exist; served: {', '.join(CHAT_MODELS)}",
            code="model_not_found",
        )
    if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) for m in messages):
        raise HttpError(400, "'messages' must be a non-empty array of message objects")
    if body.get("stream"):
        raise HttpError(
            400, "stream=true is not supported by the local endpoint", code="unsupported_parameter"
        )
    max_tokens = body.get("max_completion_tokens", body.get("max_tokens"))
    if max_tokens is not None and (not isinstance(max_tokens, int) or max_tokens < 1):
        raise HttpError(400, "'max_tokens' must be a positive integer")
    return ChatRequest(model, messages, body, count_message_tokens(messages), max_tokens)


@dataclass(frozen=True)
class Completion:
    content: str
    finish_reason: str
    completion_tokens: int


class ChatEngine:
    def __init__(self, zeroshot: ZeroShotModel) -> None:
        self.zeroshot = zeroshot

    async def complete(self, request: ChatRequest) -> Completion:
        if request.model == INSTANT:
            content = instant_answer(request.body, request.messages)
        else:
            content = await asyncio.to_thread(self.zeroshot.answer, request.body, request.messages)
        return truncate(content, request.max_tokens)


def truncate(content: str, max_tokens: int | None) -> Completion:
    """Cut the answer at ``max_tokens`` like a provider does (``finish_reason="length"``)."""
    tokens = encode(content)
    if max_tokens is not None and len(tokens) > max_tokens:
        return Completion(decode(tokens[:max_tokens]), "length", max_tokens)
    return Completion(content, "stop", len(tokens))


def completion_payload(
    request: ChatRequest, completion: Completion, content: str | None = None
) -> dict[str, Any]:
    """A ``ChatCompletion`` as JSON; ``content`` overrides the text (malformed-output faults)."""
    text = completion.content if content is None else content
    completion_tokens = completion.completion_tokens if content is None else count_tokens(text)
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.model,
        "system_fingerprint": SYSTEM_FINGERPRINT,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text, "refusal": None},
                "finish_reason": completion.finish_reason,
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": request.prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": request.prompt_tokens + completion_tokens,
        },
    }
