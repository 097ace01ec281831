from __future__ import annotations

import pytest
from llm_clock import ManualClock

from semtel_core.llm.concurrency import AdaptiveConcurrency

pytestmark = [pytest.mark.unit]


def _saturated(controller: AdaptiveConcurrency, rtt: float, n: int) -> None:
    for _ in range(n):
        controller.on_success(rtt, on_wire_at_start=controller.permits)


def test_grows_on_sustained_success_at_stable_latency() -> None:
    controller = AdaptiveConcurrency(4, max_limit=100)
    _saturated(controller, 0.5, 50)
    assert controller.limit > 20


def test_does_not_grow_when_not_the_bottleneck() -> None:
    controller = AdaptiveConcurrency(10, max_limit=100)
    for _ in range(100):
        controller.on_success(0.5, on_wire_at_start=2)
    assert controller.limit == 10


def test_backs_off_on_rising_latency_before_any_drop() -> None:
    controller = AdaptiveConcurrency(40, max_limit=100)
    _saturated(controller, 0.5, 200)
    high = controller.limit
    _saturated(controller, 2.0, 30)  # latency x4, well above the 1.5 tolerance
    assert controller.limit < 0.7 * high


def test_grows_back_once_latency_returns() -> None:
    controller = AdaptiveConcurrency(40, max_limit=100)
    _saturated(controller, 0.5, 200)
    _saturated(controller, 2.0, 30)
    low = controller.limit
    _saturated(controller, 0.5, 100)
    assert controller.limit > low + 10


def test_drop_cuts_multiplicatively_once_per_burst() -> None:
    clock = ManualClock()
    controller = AdaptiveConcurrency(40, backoff_ratio=0.5, clock=clock)
    sent = clock()
    clock.advance(1.0)
    assert controller.on_drop(sent) is True
    assert controller.limit == 20
    # more 429s of requests sent before the cut: the same burst
    assert controller.on_drop(sent) is False
    assert controller.limit == 20
    clock.advance(1.0)
    assert controller.on_drop(clock()) is True
    assert controller.limit == 10


def test_limit_stays_within_bounds() -> None:
    clock = ManualClock()
    controller = AdaptiveConcurrency(3, min_limit=2, max_limit=5, clock=clock)
    for _ in range(10):
        clock.advance(1)
        controller.on_drop(clock())
    assert controller.permits == 2
    _saturated(controller, 0.1, 500)
    assert controller.limit == 5


def test_slots_and_wakeups() -> None:
    woken: list[int] = []
    controller = AdaptiveConcurrency(2)
    controller.on_room = lambda: woken.append(1)
    assert controller.try_acquire() and controller.try_acquire()
    assert not controller.try_acquire()
    controller.release()
    assert woken == [1]
    assert controller.try_acquire()
