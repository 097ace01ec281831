from __future__ import annotations

import random

import httpx2
import openai
import pytest

from semtel_core.llm.retry import Backoff, Failure, classify

pytestmark = [pytest.mark.unit]

_REQUEST = httpx2.Request("POST", "http://127.0.0.1:1/v1/chat/completions")


def _status_error(status: int, body: dict[str, object], headers: dict[str, str] | None = None) -> Exception:
    response = httpx2.Response(status, headers=headers or {}, request=_REQUEST, json={"error": body})
    cls = {400: openai.BadRequestError, 429: openai.RateLimitError, 409: openai.ConflictError}.get(
        status, openai.InternalServerError if status >= 500 else openai.APIStatusError
    )
    return cls(str(body.get("message", "")), response=response, body=body)


@pytest.mark.parametrize(
    ("exc", "kind", "retryable"),
    [
        (openai.APITimeoutError(request=_REQUEST), "timeout", True),
        (openai.APIConnectionError(request=_REQUEST), "connection", True),
        (_status_error(429, {"message": "slow down"}), "rate_limited", True),
        (_status_error(409, {"message": "conflict"}), "server", True),
        (_status_error(408, {"message": "timeout"}), "server", True),
        (_status_error(503, {"message": "overloaded"}), "server", True),
        (_status_error(400, {"message": "bad", "code": "invalid_request"}), "fatal", False),
        (_status_error(400, {"message": "filtered", "code": "content_filter"}), "fatal", False),
        (_status_error(401, {"message": "no key"}), "fatal", False),
        (
            _status_error(400, {"message": "too long", "code": "context_length_exceeded"}),
            "context_length",
            False,
        ),
        (
            _status_error(400, {"message": "This model's maximum context length is 8192 tokens"}),
            "context_length",
            False,
        ),
        (  # llama.cpp's server: its own error type, a numeric code
            _status_error(
                400,
                {
                    "code": 400,
                    "message": "request (6031 tokens) exceeds the available context size (4096 tokens), try "
                    "increasing it",
                    "type": "exceed_context_size_error",
                    "n_prompt_tokens": 6031,
                    "n_ctx": 4096,
                },
            ),
            "context_length",
            False,
        ),
        (
            _status_error(400, {"code": 400, "message": "the request exceeds the available context size"}),
            "context_length",
            False,
        ),
        (ValueError("bug"), "fatal", False),
    ],
)
def test_classification(exc: Exception, kind: str, retryable: bool) -> None:
    failure = classify(exc)
    assert failure.kind == kind
    assert failure.retryable is retryable


def test_status_failure_keeps_code_reason_and_headers() -> None:
    exc = _status_error(
        429, {"message": "Rate limit reached"}, {"retry-after-ms": "1500", "x-request-id": "r1"}
    )
    failure = classify(exc)
    assert failure.status_code == 429
    assert failure.headers.retry_after_s == 1.5
    assert failure.server_request_id == "r1"
    assert "Rate limit reached" in failure.reason


def test_backoff_grows_exponentially_with_jitter_and_is_capped() -> None:
    backoff = Backoff(base_s=0.5, max_s=4.0, retry_after_cap_s=10)
    plain = Failure("server", "503", "InternalServerError", 503)
    rng = random.Random(1)
    for attempt, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (8, 4.0)]:
        delays = [backoff.delay(attempt, plain, rng) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1


def test_backoff_honours_retry_after_up_to_the_cap() -> None:
    backoff = Backoff(base_s=0.5, max_s=4.0, retry_after_cap_s=10)
    rng = random.Random(1)
    told = classify(_status_error(429, {"message": "x"}, {"retry-after-ms": "7000"}))
    assert 7.0 <= backoff.delay(1, told, rng) <= 7.5
    too_long = classify(_status_error(429, {"message": "x"}, {"retry-after": "3600"}))
    assert 10.0 <= backoff.delay(1, too_long, rng) <= 10.5
