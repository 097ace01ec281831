"""One chat completion on the wire, sent through the openai SDK's generic ``post`` rather than
``chat.completions.create``: create walks every message through its TypedDict transform and builds a pydantic
model of the answer, ~1 ms of CPU a request (``benchmarks/sdk_send.py``), more than all of the client's own
bookkeeping, while the messages are plain JSON already. The SDK still sends (Azure's deployment routing keys on the
same path) and raises its typed errors for 4xx/5xx, so the client's retry classification is unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx2
import openai

from semtel_core.llm.types import CallRequest, Usage


async def send_chat(
    sdk: openai.AsyncOpenAI, model: str, request: CallRequest, timeout_s: float
) -> tuple[Mapping[str, str], Completion]:
    """POST one chat completion; the answer's headers (rate-limit hints, request id) and what it says."""
    body, options = _request(model, request)
    options["timeout"] = timeout_s
    response = await sdk.post(  # type: ignore[call-overload]  # options: the SDK's RequestOptions
        "/chat/completions", body=body, cast_to=httpx2.Response, options=options
    )
    return response.headers, _completion(response)


# create()'s request options, which CallRequest.extra may carry beside body parameters: where each one goes.
_OPTIONS = {"extra_headers": "headers", "extra_query": "params"}


def _request(model: str, request: CallRequest) -> tuple[dict[str, Any], dict[str, Any]]:
    """The JSON body and the SDK request options of a chat completion, as ``chat.completions.create`` builds
    them: ``extra_body`` is merged into the body, ``extra_headers`` and ``extra_query`` become options."""
    extra = dict(request.extra)
    options = {option: extra.pop(name) for name, option in _OPTIONS.items() if name in extra}
    more = extra.pop("extra_body", None) or {}
    body = {"model": model, "messages": list(request.messages), "max_tokens": request.max_tokens}
    return {**body, **extra, **more}, options


@dataclass(frozen=True, slots=True)
class Completion:
    """What a chat completion answer tells us: its first choice, its usage and its id."""

    content: str | None
    finish_reason: str | None
    usage: Usage
    id: str | None


def _completion(response: httpx2.Response) -> Completion:
    """Read a chat completion from the JSON body; an answer that is not one is the SDK's validation error."""
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise openai.APIResponseValidationError(
            response, response.text[:200], message="the endpoint's answer is not a JSON object"
        )
    choices = data.get("choices")
    choice = choices[0] if isinstance(choices, list) and choices and isinstance(choices[0], dict) else {}
    message = choice.get("message")
    content = message.get("content") if isinstance(message, dict) else None
    raw_usage = data.get("usage")
    usage: dict[str, Any] = raw_usage if isinstance(raw_usage, dict) else {}
    return Completion(
        content=content if isinstance(content, str) else None,
        finish_reason=_str_or_none(choice.get("finish_reason")),
        usage=Usage(_count(usage.get("prompt_tokens")), _count(usage.get("completion_tokens"))),
        id=_str_or_none(data.get("id")),
    )


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
