from __future__ import annotations

import email.utils
from datetime import UTC, datetime, timedelta

import pytest

from semtel_core.llm.limiter import RateLimitHeaders, parse_duration

pytestmark = [pytest.mark.unit]


def test_headers_are_parsed_like_openai_sends_them() -> None:
    parsed = RateLimitHeaders.parse(
        {
            "X-RateLimit-Limit-Requests": "600",
            "x-ratelimit-limit-tokens": "150000",
            "x-ratelimit-remaining-requests": "599",
            "x-ratelimit-remaining-tokens": "149000",
            "retry-after": "2",
            "retry-after-ms": "1250",
        }
    )
    assert parsed == RateLimitHeaders(600, 150_000, 599, 149_000, 1.25)
    assert RateLimitHeaders.parse({"retry-after": "3"}).retry_after_s == 3.0
    # The HTTP-date form, as the openai SDK honours it: seconds from now (a past date: retry now).
    assert RateLimitHeaders.parse({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}).retry_after_s == 0.0
    soon = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 < RateLimitHeaders.parse({"retry-after": soon}).retry_after_s <= 30  # type: ignore[operator]
    assert RateLimitHeaders.parse({"retry-after": "soon"}).retry_after_s is None
    assert RateLimitHeaders.parse({"x-should-retry": "false"}).should_retry is False
    assert RateLimitHeaders.parse({"X-Should-Retry": "true"}).should_retry is True


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1s", 1.0), ("6m0s", 360.0), ("20ms", 0.02), ("1.5s", 1.5), ("0.25", 0.25), ("x", None)],
)
def test_parse_duration(text: str, seconds: float | None) -> None:
    assert parse_duration(text) == (pytest.approx(seconds) if seconds is not None else None)
