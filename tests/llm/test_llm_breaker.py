from __future__ import annotations

import pytest
from llm_clock import ManualClock

from semtel_core.llm.breaker import CircuitBreaker

pytestmark = [pytest.mark.unit]


def test_opens_after_consecutive_failures_only() -> None:
    breaker = CircuitBreaker(failure_threshold=3, cooldown_s=10, clock=ManualClock())
    breaker.on_failure()
    breaker.on_failure()
    breaker.on_success()
    breaker.on_failure()
    breaker.on_failure()
    assert breaker.state == "closed"
    breaker.on_failure()
    assert breaker.state == "open"
    assert not breaker.available()


def test_half_open_allows_one_probe_and_closes_on_success() -> None:
    clock = ManualClock()
    breaker = CircuitBreaker(failure_threshold=1, cooldown_s=10, clock=clock)
    breaker.on_failure()
    assert breaker.seconds_until_available() == pytest.approx(10)
    clock.advance(10)
    assert breaker.state == "half_open"
    assert breaker.begin()
    assert not breaker.begin()  # a second probe waits
    breaker.on_success()
    assert breaker.state == "closed"
    assert breaker.begin() and breaker.begin()


def test_failed_probe_doubles_the_cooldown() -> None:
    clock = ManualClock()
    breaker = CircuitBreaker(failure_threshold=1, cooldown_s=10, max_cooldown_s=15, clock=clock)
    breaker.on_failure()
    clock.advance(10)
    assert breaker.begin()
    breaker.on_failure()
    assert breaker.seconds_until_available() == pytest.approx(15)  # doubled, capped
    assert breaker.times_opened == 2


def test_neutral_outcome_frees_the_probe() -> None:
    clock = ManualClock()
    breaker = CircuitBreaker(failure_threshold=1, cooldown_s=1, clock=clock)
    breaker.on_failure()
    clock.advance(1)
    assert breaker.begin()
    breaker.on_neutral()
    assert breaker.begin()


def test_another_processs_verdict_is_probed_once_before_it_is_honoured() -> None:
    # A new run reads an open-until that a finished run left on the key: it may be about an endpoint restarted
    # since. Before any answer of its own the breaker lets one probe through instead of waiting it out.
    clock = ManualClock()
    breaker = CircuitBreaker(failure_threshold=3, cooldown_s=10, clock=clock)
    breaker.hold_open(300)
    assert breaker.state == "half_open"
    assert breaker.begin()
    assert not breaker.begin()  # one probe only
    breaker.hold_open(300)  # the next request reads the same verdict: the probe is still out
    assert not breaker.begin()
    breaker.on_success()
    assert breaker.state == "closed"


def test_a_failed_probe_of_another_processs_verdict_opens_the_breaker() -> None:
    clock = ManualClock()
    breaker = CircuitBreaker(failure_threshold=3, cooldown_s=10, clock=clock)
    breaker.hold_open(300)
    assert breaker.begin()
    breaker.on_failure()
    assert breaker.state == "open"
    assert breaker.seconds_until_available() == pytest.approx(20)  # a failed probe doubles the cooldown


def test_once_it_has_heard_from_the_endpoint_the_verdict_holds_it_open() -> None:
    clock = ManualClock()
    breaker = CircuitBreaker(failure_threshold=3, cooldown_s=10, clock=clock)
    assert breaker.begin()
    breaker.on_success()
    breaker.hold_open(30)
    assert breaker.state == "open"
    assert breaker.seconds_until_available() == pytest.approx(30)
    clock.advance(30)
    assert breaker.state == "half_open"  # and the probe after it is ours
