from __future__ import annotations

import email.utils
from datetime import UTC, datetime, timedelta

import pytest
from llm_clock import ManualClock

from semtel_core.llm.limiter import EndpointLimiter, RateBucket, RateLimitHeaders, parse_duration

pytestmark = [pytest.mark.unit]


def test_unknown_limit_never_waits() -> None:
    bucket = RateBucket(None, headroom=1.0, burst_s=1.0, clock=ManualClock())
    assert all(bucket.reserve(10_000) == 0.0 for _ in range(100))
    assert bucket.headroom() == 1.0


def test_reservations_queue_in_order_at_the_rate() -> None:
    clock = ManualClock()
    bucket = RateBucket(600, headroom=1.0, burst_s=1.0, clock=clock)  # 10/s, burst of 10
    waits = [bucket.reserve(1) for _ in range(15)]
    assert waits[:10] == [0.0] * 10
    assert waits[10:] == pytest.approx([0.1, 0.2, 0.3, 0.4, 0.5])
    clock.advance(0.5)
    assert bucket.reserve(1) == pytest.approx(0.1)


def test_headroom_scales_the_rate() -> None:
    bucket = RateBucket(600, headroom=0.5, burst_s=2.0, clock=ManualClock())
    assert bucket.rate == pytest.approx(5.0)
    assert bucket.capacity == pytest.approx(10.0)


def test_settle_refunds_and_charges_the_difference() -> None:
    clock = ManualClock()
    bucket = RateBucket(60_000, headroom=1.0, burst_s=1.0, clock=clock)  # 1000 tokens/s
    assert bucket.reserve(1000) == 0.0
    assert bucket.wait_time(500) == pytest.approx(0.5)
    bucket.adjust(-400)  # charged 600, reserved 1000
    assert bucket.wait_time(500) == pytest.approx(0.1)
    bucket.adjust(+400)
    assert bucket.wait_time(500) == pytest.approx(0.5)


def test_a_refund_never_overfills_the_bucket() -> None:
    bucket = RateBucket(600, headroom=1.0, burst_s=1.0, clock=ManualClock())
    bucket.adjust(-50)
    assert bucket.headroom() == pytest.approx(1.0)


def test_limit_learned_mid_run_starts_empty_then_refills() -> None:
    clock = ManualClock()
    bucket = RateBucket(None, headroom=1.0, burst_s=1.0, clock=clock)
    bucket.set_limit(600)
    assert bucket.reserve(1) == pytest.approx(0.1)
    clock.advance(2.0)
    assert bucket.headroom() == pytest.approx(1.0)


def test_rejection_empties_and_cuts_then_recovers() -> None:
    clock = ManualClock()
    bucket = RateBucket(600, headroom=1.0, burst_s=1.0, clock=clock)
    bucket.empty()
    bucket.empty()  # same second: one cut only
    assert bucket.scale == pytest.approx(0.9)
    assert bucket.wait_time(1) == pytest.approx(1 / 9.0)
    clock.advance(2.5)
    bucket.recover()
    assert bucket.scale == pytest.approx(0.95)
    clock.advance(10)
    bucket.recover()
    assert bucket.scale == 1.0


def test_endpoint_limiter_learns_from_headers_unless_configured() -> None:
    clock = ManualClock()
    learned = EndpointLimiter(None, None, headroom=1.0, burst_s=1.0, clock=clock)
    configured = EndpointLimiter(120, None, headroom=1.0, burst_s=1.0, clock=clock)
    headers = RateLimitHeaders(limit_requests=600, limit_tokens=60_000)
    learned.observe(headers, rejected=False)
    configured.observe(headers, rejected=False)
    assert (learned.requests.per_minute, learned.tokens.per_minute) == (600, 60_000)
    assert (configured.requests.per_minute, configured.tokens.per_minute) == (120, 60_000)


def test_share_splits_the_limits_between_tasks() -> None:
    limiter = EndpointLimiter(600, None, headroom=1.0, burst_s=1.0, share=4, clock=ManualClock())
    limiter.observe(RateLimitHeaders(limit_tokens=40_000), rejected=False)
    assert limiter.requests.per_minute == 150
    assert limiter.tokens.per_minute == 10_000


def test_rejection_on_tokens_leaves_the_request_bucket_alone() -> None:
    clock = ManualClock()
    limiter = EndpointLimiter(600, 60_000, headroom=1.0, burst_s=1.0, clock=clock)
    limiter.observe(RateLimitHeaders(remaining_requests=5, remaining_tokens=10), rejected=True)
    assert limiter.requests.headroom() == pytest.approx(1.0)
    assert limiter.tokens.headroom() <= 0.0


def test_reserve_then_release_restores_the_level() -> None:
    limiter = EndpointLimiter(600, 60_000, headroom=1.0, burst_s=1.0, clock=ManualClock())
    limiter.reserve(700)
    limiter.release(700)
    assert limiter.headroom() == pytest.approx(1.0)


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
