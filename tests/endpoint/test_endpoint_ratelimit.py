"""The limiter's arithmetic on a fake clock: buckets, burst windows, charging modes, capacity steps."""

from __future__ import annotations

import pytest

from semtel_core.endpoint.options import CapacityStep, KeyLimits, RateLimitOptions
from semtel_core.endpoint.ratelimit import RateLimiter, format_duration

pytestmark = [pytest.mark.unit]


def _admitted(limiter: RateLimiter, n: int, now: float, key: str = "k", tokens: int = 1) -> int:
    return sum(limiter.admit(key, tokens, now=now).admitted for _ in range(n))


@pytest.mark.parametrize(("window", "burst"), [(1, 10), (10, 100), (60, 600)])
def test_burst_window_sets_how_much_is_admitted_at_once(window: float, burst: int) -> None:
    limiter = RateLimiter(RateLimitOptions(rpm=600, burst_window_s=window), clock=0.0)
    assert _admitted(limiter, 1000, now=0.0) == burst
    assert _admitted(limiter, 1000, now=0.5) == 5  # refills at 600/60 = 10 per second


def test_rejection_carries_retry_after_and_headers() -> None:
    limiter = RateLimiter(RateLimitOptions(rpm=60, tpm=6000, burst_window_s=1), clock=0.0)
    ok = limiter.admit("k", 50, now=0.0)
    assert ok.admitted
    assert dict(ok.headers)[b"x-ratelimit-remaining-requests"] == b"0"
    assert dict(ok.headers)[b"x-ratelimit-limit-tokens"] == b"6000"
    rejected = limiter.admit("k", 50, now=0.25)
    headers = dict(rejected.headers)
    assert not rejected.admitted and rejected.limited_by == "requests"
    assert headers[b"retry-after-ms"] == b"750" and headers[b"retry-after"] == b"1"
    assert headers[b"x-ratelimit-reset-requests"] == b"750ms"


def test_tokens_are_charged_as_prompt_plus_max_tokens_and_big_requests_wait_for_a_full_bucket() -> None:
    limiter = RateLimiter(RateLimitOptions(tpm=6000, burst_window_s=10), clock=0.0)  # bucket of 1,000 tokens
    assert _admitted(limiter, 5, now=0.0, tokens=300) == 3
    decision = limiter.admit("k", 300, now=0.0)
    assert decision.limited_by == "tokens" and decision.retry_after_s == pytest.approx(2.0)
    big = RateLimiter(RateLimitOptions(tpm=6000, burst_window_s=10), clock=0.0)
    assert big.admit("k", 5000, now=0.0).admitted  # larger than the bucket: admitted when full, then debt
    assert not big.admit("k", 1, now=30.0).admitted
    assert big.admit("k", 1, now=41.0).admitted


def test_charging_rejected_attempts_punishes_retrying_without_waiting() -> None:
    results = {}
    for charge in (False, True):
        limiter = RateLimiter(RateLimitOptions(rpm=600, burst_window_s=1, charge_rejected=charge), clock=0.0)
        _admitted(limiter, 30, now=0.0)
        results[charge] = _admitted(limiter, 30, now=0.5)
    assert results == {False: 5, True: 0}


def test_limits_are_per_key_and_keys_may_override_the_default() -> None:
    options = RateLimitOptions(rpm=60, burst_window_s=60, keys={"big": KeyLimits(rpm=120)})
    limiter = RateLimiter(options, clock=0.0)
    assert _admitted(limiter, 500, 0.0, key="a") == 60
    assert _admitted(limiter, 500, 0.0, key="b") == 60
    assert _admitted(limiter, 500, 0.0, key="big") == 120


def test_capacity_steps_change_limits_at_their_time() -> None:
    steps = [CapacityStep(at_s=60, tpm_factor=0.5), CapacityStep(at_s=90, key="b", rpm=6)]
    limiter = RateLimiter(
        RateLimitOptions(rpm=60, tpm=6000, burst_window_s=1, capacity_steps=steps), clock=0.0
    )
    before = dict(limiter.admit("a", 1, now=59.0).headers)
    after = dict(limiter.admit("a", 1, now=61.0).headers)
    assert before[b"x-ratelimit-limit-tokens"] == b"6000" and after[b"x-ratelimit-limit-tokens"] == b"3000"
    assert dict(limiter.admit("b", 1, now=91.0).headers)[b"x-ratelimit-limit-requests"] == b"6"
    assert dict(limiter.admit("a", 1, now=91.0).headers)[b"x-ratelimit-limit-requests"] == b"60"


@pytest.mark.parametrize(
    ("seconds", "text"), [(0.0204, "21ms"), (1.5, "1.5s"), (360, "6m0s"), (61.4, "1m1s")]
)
def test_durations_use_the_providers_format(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


def test_an_unannounced_step_leaves_the_headers_on_the_old_limit() -> None:
    steps = [CapacityStep(at_s=60, tpm_factor=0.5, announce=False)]
    limiter = RateLimiter(RateLimitOptions(tpm=6000, burst_window_s=1, capacity_steps=steps), clock=0.0)
    after = limiter.admit("a", 50, now=61.0)
    assert dict(after.headers)[b"x-ratelimit-limit-tokens"] == b"6000"  # the headers lie
    assert _admitted(limiter, 10, now=61.0, key="a", tokens=10) == 0  # the bucket holds 50 tokens, not 100


def test_without_limit_headers_nothing_but_the_429_is_said() -> None:
    options = RateLimitOptions(rpm=60, burst_window_s=1, limit_headers=False, retry_after_headers=False)
    limiter = RateLimiter(options, clock=0.0)
    assert limiter.admit("k", 1, now=0.0).headers == []
    rejected = limiter.admit("k", 1, now=0.1)
    assert not rejected.admitted and rejected.headers == []
    assert "requests per min" in rejected.message  # the message still names the limit, as OpenAI's does
