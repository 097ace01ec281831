"""Circuit breaker per endpoint: repeated failures put it in cooldown, then one half-open probe decides.

Failures are connection errors, timeouts and 5xx, not 429s (a rate-limited endpoint is healthy, just full;
the limiter and the concurrency controller deal with it). Each failed probe doubles the cooldown, up to
``max_cooldown_s``; a success closes the breaker and resets it. Another process's open breaker on the same key
keeps this one away too, except before this one has heard from the endpoint at all: then it probes once first,
since that verdict may be a finished run's about an endpoint restarted since.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Literal

log = logging.getLogger(__name__)

BreakerState = Literal["closed", "open", "half_open"]


class CircuitBreaker:
    def __init__(
        self,
        *,
        failure_threshold: int,
        cooldown_s: float,
        max_cooldown_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
        name: str = "endpoint",
    ) -> None:
        self.name = name
        # When the current run of failures began (first opening); None while healthy. The pool's outage clock.
        self.down_since: float | None = None
        self._threshold = failure_threshold
        self._base_cooldown = cooldown_s
        self._max_cooldown = max_cooldown_s
        self._clock = clock
        self._cooldown = cooldown_s
        self._failures = 0
        self._open_until = 0.0
        self._probe_in_flight = False
        self._state: BreakerState = "closed"
        self._heard = False  # whether any attempt of ours has ended (success, failure or a neutral answer)
        self.times_opened = 0

    @property
    def state(self) -> BreakerState:
        if self._state == "open" and self._clock() >= self._open_until:
            self._state = "half_open"
        return self._state

    def available(self) -> bool:
        """Whether a request may be sent now (without taking the half-open probe)."""
        state = self.state
        return state == "closed" or (state == "half_open" and not self._probe_in_flight)

    def seconds_until_available(self) -> float:
        return max(0.0, self._open_until - self._clock()) if self.state == "open" else 0.0

    def begin(self) -> bool:
        """Claim the right to send; in half-open state only one probe at a time is allowed."""
        if not self.available():
            return False
        if self._state == "half_open":
            self._probe_in_flight = True
        return True

    def on_success(self) -> None:
        self._heard = True
        if self._state != "closed":
            log.warning("endpoint %s: circuit breaker closed, the endpoint answers again", self.name)
        self.down_since = None
        self._failures = 0
        self._probe_in_flight = False
        self._cooldown = self._base_cooldown
        self._state = "closed"

    def on_failure(self) -> None:
        self._heard = True
        if self._state == "half_open":
            self._probe_in_flight = False
            self._cooldown = min(self._cooldown * 2, self._max_cooldown)
            self._open()
            return
        self._failures += 1
        if self._state == "closed" and self._failures >= self._threshold:
            self._open()

    def hold_open(self, seconds: float) -> None:
        """Another process on the same key opened its breaker: stay away for the ``seconds`` it has left (no
        failure of ours is counted, and the half-open probe after it is ours to send). Before any answer of our
        own, send that probe first: a new run must not wait out an old run's verdict on a restarted endpoint."""
        if self._state != "closed" or seconds <= 0:
            return
        now = self._clock()
        if self.down_since is None:
            self.down_since = now
        if not self._heard:
            self._state = "half_open"
            log.info(
                "endpoint %s: another process found it down (%.0fs left); probing once first",
                self.name,
                seconds,
            )
            return
        self._state = "open"
        self._open_until = now + seconds
        log.info("endpoint %s: held open for %.0fs, another process found it down", self.name, seconds)

    def on_neutral(self) -> None:
        """The probe ended without telling us about health (a 429, a 4xx): let the next request probe."""
        self._heard = True
        self._probe_in_flight = False

    def _open(self) -> None:
        self._state = "open"
        now = self._clock()
        self._open_until = now + self._cooldown
        self.times_opened += 1
        if self.down_since is None:
            self.down_since = now
        log.warning(
            "endpoint %s: circuit breaker open for %.0fs after repeated failures (down for %.0fs)",
            self.name,
            self._cooldown,
            now - self.down_since,
        )
