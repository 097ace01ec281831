"""Seeded latency and fault draws for admitted requests.

One ``random.Random(seed)`` serves every draw in arrival order, so a run with the same seed and the same request
order injects the same faults. Latency is lognormal time to first token plus a per-output-token time, scaled by
``1 + inflight_slowdown x (other requests in flight)`` to mimic a provider slowing down under load.
"""

from __future__ import annotations

import math
import random
from typing import Literal

from semtel_core.endpoint.options import FaultOptions, LatencyOptions, MalformedKind

Fault = Literal["error_500", "error_503", "drop", "hang", "malformed"]
_FAULTS: tuple[Fault, ...] = ("error_500", "error_503", "drop", "hang", "malformed")


class Simulator:
    def __init__(self, latency: LatencyOptions, faults: FaultOptions, seed: int) -> None:
        self.latency = latency
        self.faults = faults
        self.rng = random.Random(seed)
        self._fault_active = any(getattr(faults, name) > 0 for name in _FAULTS)

    def draw_fault(self) -> Fault | None:
        if not self._fault_active:
            return None
        u = self.rng.random()
        for name in _FAULTS:
            p = getattr(self.faults, name)
            if u < p:
                return name
            u -= p
        return None

    def malformed_kind(self) -> MalformedKind:
        return self.rng.choice(self.faults.malformed_kinds)

    def latency_s(self, completion_tokens: int, in_flight: int) -> float:
        if not self.latency.enabled:
            return 0.0
        ttft = 0.0
        if self.latency.ttft_median_s > 0:
            ttft = self.rng.lognormvariate(math.log(self.latency.ttft_median_s), self.latency.ttft_sigma)
        total = ttft + self.latency.per_token_s * completion_tokens
        return total * (1.0 + self.latency.inflight_slowdown * max(0, in_flight - 1))
