"""Per-API-key request and token limits, enforced the way the providers do.

Each limited dimension is a token bucket refilled continuously at ``limit / 60`` per second whose size is
``limit x burst_window / 60``: a 60 s window admits a whole minute's quota at once, a 1 s window only a
second's worth. A request is charged at admission: 1 request and ``prompt tokens + max_tokens`` tokens. A request
larger than the whole bucket is admitted when the bucket is full (it then goes into debt), so it is slowed down,
not starved. With ``charge_rejected`` a 429'd attempt is charged too (debt floored at one bucket), which is what
punishes clients that retry without waiting.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from semtel_core.endpoint.http import Headers
from semtel_core.endpoint.options import KeyLimits, RateLimitOptions


@dataclass
class _Bucket:
    per_minute: float
    window_s: float
    level: float
    updated: float
    announced: float = 0.0  # the limit the headers show (an unannounced capacity step leaves it behind)

    @property
    def capacity(self) -> float:
        return self.per_minute * self.window_s / 60.0

    def refill(self, now: float) -> None:
        rate = self.per_minute / 60.0
        self.level = min(self.capacity, self.level + (now - self.updated) * rate)
        self.updated = now

    def admits(self, amount: float) -> bool:
        return self.level >= min(amount, self.capacity)

    def seconds_until(self, amount: float) -> float:
        missing = min(amount, self.capacity) - self.level
        return max(0.0, missing / (self.per_minute / 60.0))

    def seconds_to_full(self) -> float:
        return max(0.0, (self.capacity - self.level) / (self.per_minute / 60.0))

    def set_limit(self, per_minute: float) -> None:
        self.per_minute = per_minute
        self.level = min(self.level, self.capacity)


@dataclass
class Decision:
    admitted: bool
    headers: Headers = field(default_factory=list)
    retry_after_s: float = 0.0
    limited_by: str = ""
    message: str = ""


class RateLimiter:
    def __init__(self, options: RateLimitOptions, clock: float | None = None) -> None:
        self.options = options
        self._started = time.monotonic() if clock is None else clock
        self._buckets: dict[str, tuple[_Bucket | None, _Bucket | None]] = {}
        self._steps = sorted(options.capacity_steps, key=lambda s: s.at_s)

    def _limits(
        self, api_key: str, elapsed: float, announced_only: bool = False
    ) -> tuple[float | None, float | None]:
        base = self.options.keys.get(api_key, KeyLimits(rpm=self.options.rpm, tpm=self.options.tpm))
        rpm: float | None = base.rpm
        tpm: float | None = base.tpm
        for step in self._steps:
            if step.at_s > elapsed:
                break
            if step.key not in (None, api_key) or (announced_only and not step.announce):
                continue
            rpm = step.rpm or (base.rpm * step.rpm_factor if base.rpm and step.rpm_factor else rpm)
            tpm = step.tpm or (base.tpm * step.tpm_factor if base.tpm and step.tpm_factor else tpm)
        return rpm, tpm

    def _buckets_of(self, api_key: str, now: float) -> tuple[_Bucket | None, _Bucket | None]:
        rpm, tpm = self._limits(api_key, now - self._started)
        shown = self._limits(api_key, now - self._started, announced_only=True)
        window = self.options.burst_window_s
        pair = self._buckets.get(api_key)
        if pair is None:
            pair = (
                _Bucket(rpm, window, rpm * window / 60, now) if rpm else None,
                _Bucket(tpm, window, tpm * window / 60, now) if tpm else None,
            )
            self._buckets[api_key] = pair
        for bucket, limit, announced in zip(pair, (rpm, tpm), shown, strict=True):
            if bucket is not None and limit and bucket.per_minute != limit:
                bucket.set_limit(limit)
            if bucket is not None:
                bucket.announced = announced or bucket.per_minute
        return pair

    def admit(self, api_key: str, tokens: int, now: float | None = None) -> Decision:
        now = time.monotonic() if now is None else now
        requests, token_bucket = self._buckets_of(api_key, now)
        for bucket in (requests, token_bucket):
            if bucket is not None:
                bucket.refill(now)
        ok_requests = requests is None or requests.admits(1)
        ok_tokens = token_bucket is None or token_bucket.admits(tokens)
        admitted = ok_requests and ok_tokens
        if admitted or self.options.charge_rejected:
            _charge(requests, 1)
            _charge(token_bucket, tokens, floor=not admitted)
        shown = _headers(requests, token_bucket) if self.options.limit_headers else []
        decision = Decision(admitted=admitted, headers=shown)
        if not admitted:
            _explain_rejection(decision, requests, token_bucket, tokens, ok_requests)
            if not self.options.retry_after_headers:
                decision.headers = [h for h in decision.headers if not h[0].startswith(b"retry-after")]
        return decision


def _charge(bucket: _Bucket | None, amount: float, floor: bool = False) -> None:
    if bucket is not None:
        bucket.level -= amount
        if floor:
            bucket.level = max(bucket.level, -bucket.capacity)


def _explain_rejection(
    decision: Decision, requests: _Bucket | None, tokens: _Bucket | None, amount: int, ok_requests: bool
) -> None:
    waits = []
    if requests is not None:
        waits.append(requests.seconds_until(1))
    if tokens is not None:
        waits.append(tokens.seconds_until(amount))
    decision.retry_after_s = max(max(waits, default=0.0), 0.001)
    bucket, unit = (requests, "requests") if not ok_requests else (tokens, "tokens")
    assert bucket is not None
    decision.limited_by = unit
    decision.message = (
        f"Rate limit reached on {unit} per min: Limit {bucket.per_minute:.0f}, "
        f"Requested {1 if unit == 'requests' else amount}. "
        f"Please try again in {format_duration(decision.retry_after_s)}."
    )
    wait_ms = math.ceil(decision.retry_after_s * 1000)
    decision.headers += [
        (b"retry-after", str(math.ceil(decision.retry_after_s)).encode()),
        (b"retry-after-ms", str(wait_ms).encode()),
    ]


def _headers(requests: _Bucket | None, tokens: _Bucket | None) -> Headers:
    out: Headers = []
    for bucket, unit in ((requests, b"requests"), (tokens, b"tokens")):
        if bucket is not None:
            out += [
                (b"x-ratelimit-limit-" + unit, str(int(bucket.announced or bucket.per_minute)).encode()),
                (b"x-ratelimit-remaining-" + unit, str(max(0, math.floor(bucket.level))).encode()),
                (b"x-ratelimit-reset-" + unit, format_duration(bucket.seconds_to_full()).encode()),
            ]
    return out


def format_duration(seconds: float) -> str:
    """The providers' reset format: ``120ms``, ``1.5s``, ``6m0s``."""
    if seconds < 1:
        return f"{math.ceil(seconds * 1000)}ms"
    if seconds < 60:
        return f"{seconds:.3g}s"
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}m{rest:.0f}s"
