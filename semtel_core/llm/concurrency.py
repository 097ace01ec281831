"""Adaptive in-flight limit per endpoint: a gradient controller (Netflix Gradient2 / Envoy adaptive concurrency).

On every completed request with latency ``rtt`` (HTTP time only, never time spent waiting for our own limiter):

    short  = EMA(rtt, n=short_window)          # current latency
    long   = EMA(rtt, n=long_window) while short >= long, else EMA(short, n=short_window)
                                               # the no-load latency: rises slowly, falls fast (so a slow
                                               # first request or a past overload is forgotten quickly)
    gradient = clamp(tolerance * long / short, 0.5, 1.0)
    target   = limit * gradient + sqrt(limit)  # sqrt(limit): the queue we allow to probe for more
    limit    = (1 - smoothing) * limit + smoothing * target

so the limit grows by about ``smoothing * sqrt(limit)`` per success while latency stays within ``tolerance``
of its long-run level, and shrinks towards half when latency rises before any 429 appears. When fewer than
half the permitted requests are on the wire the endpoint is not the bottleneck (our rate limiter or the
caller is), so the limit is left alone instead of growing without evidence.

The very first answer is not a latency sample (it pays for connection setup and the SDK's lazy imports);
the pool sends the first ``CALIBRATION_ANSWERS`` requests of an endpoint one at a time, so that the no-load
latency is measured at no load and the rate limits are read from headers before a burst goes out.

A 429 or timeout multiplies the limit by ``backoff_ratio`` at most once per round trip: drops of requests that
were sent before the last back-off belong to the same burst and do not shrink the limit again.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

CALIBRATION_ANSWERS = 3


class AdaptiveConcurrency:
    def __init__(
        self,
        initial: float,
        *,
        min_limit: int = 1,
        max_limit: int = 512,
        tolerance: float = 1.5,
        smoothing: float = 0.2,
        backoff_ratio: float = 0.7,
        short_window: int = 10,
        long_window: int = 500,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.min_limit = min_limit
        self.max_limit = max_limit
        self.limit = float(min(max(initial, min_limit), max_limit))
        self._tolerance = tolerance
        self._smoothing = smoothing
        self._backoff_ratio = backoff_ratio
        self._short_alpha = 2.0 / (short_window + 1)
        self._long_alpha = 2.0 / (long_window + 1)
        self._clock = clock
        self.short_rtt: float | None = None
        self.long_rtt: float | None = None
        self._last_backoff = -math.inf
        self.samples = 0
        self.holders = 0  # slots taken (waiting for the rate limiter or on the wire)
        self.on_wire = 0
        self.on_room: Callable[[], None] = _nothing  # the pool's wake-up: a slot was freed or the limit grew

    @property
    def permits(self) -> int:
        return max(self.min_limit, math.floor(self.limit))

    def has_room(self) -> bool:
        return self.holders < self.permits

    def try_acquire(self) -> bool:
        if not self.has_room():
            return False
        self.holders += 1
        return True

    def release(self) -> None:
        self.holders -= 1
        self.on_room()

    def on_success(self, rtt: float, on_wire_at_start: int) -> None:
        self.samples += 1
        if self.samples == 1:
            return  # warm-up: connection setup, lazy imports
        self._update_rtt(rtt)
        if on_wire_at_start < self.limit / 2:
            return
        assert self.short_rtt is not None and self.long_rtt is not None
        gradient = min(1.0, max(0.5, self._tolerance * self.long_rtt / self.short_rtt))
        target = self.limit * gradient + math.sqrt(self.limit)
        self._set((1 - self._smoothing) * self.limit + self._smoothing * target)

    def on_drop(self, sent_at: float) -> bool:
        """A 429 or timeout of a request sent at ``sent_at``; returns whether the limit was cut."""
        if sent_at < self._last_backoff:
            return False
        self._last_backoff = self._clock()
        self._set(self.limit * self._backoff_ratio)
        return True

    def _update_rtt(self, rtt: float) -> None:
        rtt = max(rtt, 1e-6)
        if self.short_rtt is None or self.long_rtt is None:
            self.short_rtt = self.long_rtt = rtt
            return
        self.short_rtt += self._short_alpha * (rtt - self.short_rtt)
        if self.short_rtt < self.long_rtt:
            self.long_rtt += self._short_alpha * (self.short_rtt - self.long_rtt)
        else:
            self.long_rtt += self._long_alpha * (rtt - self.long_rtt)

    def _set(self, limit: float) -> None:
        grew = limit > self.limit
        self.limit = min(max(limit, float(self.min_limit)), float(self.max_limit))
        if grew:
            self.on_room()


def _nothing() -> None:
    return None
