"""Per-endpoint rate limiter for requests and tokens: reserve on the estimate, settle on what was charged.

Why our own: aiolimiter, limits and pyrate-limiter take a fixed cost per acquisition. A token limit needs a
*weighted* reservation made before the call (prompt estimate + ``max_tokens``) and corrected after it (the
usage the server reports), limits that are learned mid-run from response headers, and a way to empty the
bucket when the server says 429. That is a token bucket that may go into debt (a GCRA in effect), which is
short enough to own: every reservation is taken at once and the caller sleeps off its share of the debt, so
waiters are served in arrival order without polling.
"""

from __future__ import annotations

import datetime
import email.utils
import math
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

Clock = Callable[[], float]
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
# Rate AIMD for keys shared with unknown clients: cut 10% per 429 (at most once a second), win it back in ~5 s.
_CUT_RATIO = 0.9
_CUT_INTERVAL_S = 1.0
_MIN_SCALE = 0.1
_RECOVERY_PER_S = 0.02


class RateBucket:
    """A token bucket over one quantity (requests or tokens) whose per-minute limit may be unknown.

    ``rate`` is the limit times ``headroom`` per second; the bucket holds at most ``burst_s`` seconds of it.
    With no limit known every reservation is free.
    """

    def __init__(
        self, per_minute: float | None, *, headroom: float, burst_s: float, clock: Clock = time.monotonic
    ) -> None:
        self._headroom = headroom
        self._burst_s = burst_s
        self._clock = clock
        self.per_minute: float | None = None
        self._level = 0.0
        self._updated = clock()
        self.scale = 1.0  # cut on 429s below the limit: the key may be shared with clients we do not know of
        self._last_cut = -math.inf
        self._scale_at_cut = 1.0
        if per_minute is not None:
            self.set_limit(per_minute, start_full=True)

    @property
    def rate(self) -> float:
        if self.per_minute is None:
            return 0.0
        return self.per_minute * self._headroom * self.scale / 60.0

    @property
    def capacity(self) -> float:
        return self.rate * self._burst_s

    def set_limit(self, per_minute: float, *, start_full: bool = False) -> None:
        self._refill()
        first = self.per_minute is None
        self.per_minute = per_minute
        if first:
            # A limit learned mid-run: requests already on the wire were not reserved, so start empty.
            self._level = self.capacity if start_full else 0.0
        self._level = min(self._level, self.capacity)

    def reserve(self, amount: float) -> float:
        """Take ``amount`` now; return the seconds the caller must wait before sending."""
        if self.per_minute is None:
            return 0.0
        self._refill()
        self._level -= amount
        return 0.0 if self._level >= 0 else -self._level / self.rate

    def adjust(self, delta: float) -> None:
        """Charge ``delta`` more (a refund when negative): settling an estimate, or undoing a reservation."""
        if self.per_minute is None:
            return
        self._refill()
        self._level = min(self._level - delta, self.capacity)

    def empty(self) -> None:
        """The server refused us: whatever we believed was left is not there, and our rate was too high."""
        if self.per_minute is None:
            return
        self._refill()
        self._level = min(self._level, 0.0)
        now = self._clock()
        if now - self._last_cut >= _CUT_INTERVAL_S:
            self._last_cut = now
            self.scale = self._scale_at_cut = max(_MIN_SCALE, self.scale * _CUT_RATIO)

    def recover(self) -> None:
        """A success: win back the rate lost to cuts, ``_RECOVERY_PER_S`` of the limit per second since the cut."""
        if self.scale < 1.0:
            since = self._clock() - self._last_cut
            self.scale = min(1.0, self._scale_at_cut + since * _RECOVERY_PER_S)

    def wait_time(self, amount: float) -> float:
        """Seconds until ``amount`` could be taken without debt (0 when free); does not reserve."""
        if self.per_minute is None:
            return 0.0
        self._refill()
        missing = amount - self._level
        return 0.0 if missing <= 0 else missing / self.rate

    def headroom(self) -> float:
        """Fill level as a fraction of capacity (1.0 when no limit is known), may be negative in debt."""
        if self.per_minute is None or self.capacity <= 0:
            return 1.0
        self._refill()
        return self._level / self.capacity

    def _refill(self) -> None:
        now = self._clock()
        if self.per_minute is not None:
            self._level = min(self.capacity, self._level + (now - self._updated) * self.rate)
        self._updated = now


@dataclass(frozen=True, slots=True)
class RateLimitHeaders:
    """The ``x-ratelimit-*`` and ``retry-after*`` headers of one response, parsed; ``None`` when absent."""

    limit_requests: float | None = None
    limit_tokens: float | None = None
    remaining_requests: float | None = None
    remaining_tokens: float | None = None
    retry_after_s: float | None = None
    should_retry: bool | None = None  # x-should-retry: the server's own word, as the openai SDK reads it

    @classmethod
    def parse(cls, headers: Mapping[str, str]) -> RateLimitHeaders:
        lower = {k.lower(): v for k, v in headers.items()}
        return cls(
            limit_requests=_number(lower.get("x-ratelimit-limit-requests")),
            limit_tokens=_number(lower.get("x-ratelimit-limit-tokens")),
            remaining_requests=_number(lower.get("x-ratelimit-remaining-requests")),
            remaining_tokens=_number(lower.get("x-ratelimit-remaining-tokens")),
            retry_after_s=_retry_after(lower),
            should_retry={"true": True, "false": False}.get(lower.get("x-should-retry", "").strip().lower()),
        )


def parse_duration(text: str) -> float | None:
    """``"1s"``, ``"6m0s"``, ``"20ms"``, ``"0.5"`` -> seconds (the OpenAI reset-header format)."""
    text = text.strip()
    plain = _number(text)
    if plain is not None:
        return plain
    parts = _DURATION_PART.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        return None
    return sum(float(n) * _UNIT_SECONDS[u] for n, u in parts)


def _retry_after(headers: Mapping[str, str]) -> float | None:
    millis = _number(headers.get("retry-after-ms"))
    if millis is not None:
        return millis / 1000.0
    seconds = headers.get("retry-after")
    if seconds is None:
        return None
    parsed = parse_duration(seconds)
    if parsed is not None:
        return parsed
    # The HTTP-date form (RFC 9110), as the openai SDK honours it: seconds from now, never negative.
    try:
        when = email.utils.parsedate_to_datetime(seconds)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return max(0.0, (when - datetime.datetime.now(datetime.UTC)).total_seconds())


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value >= 0 else None


class EndpointLimiter:
    """Requests and tokens of one endpoint; configured limits win over the ones learned from headers.

    ``share`` clients use the endpoint's limits together (e.g. the tasks of one Spark stage), so each paces
    itself at ``1 / share`` of them; the rate cut on 429s corrects what that static split gets wrong.
    """

    def __init__(
        self,
        rpm: float | None,
        tpm: float | None,
        *,
        headroom: float,
        burst_s: float,
        share: int = 1,
        clock: Clock = time.monotonic,
    ) -> None:
        self._configured = (rpm is not None, tpm is not None)
        self._share = max(share, 1)
        self.requests = RateBucket(self._mine(rpm), headroom=headroom, burst_s=burst_s, clock=clock)
        self.tokens = RateBucket(self._mine(tpm), headroom=headroom, burst_s=burst_s, clock=clock)

    def _mine(self, per_minute: float | None) -> float | None:
        return None if per_minute is None else per_minute / self._share

    def reserve(self, tokens: int) -> float:
        return max(self.requests.reserve(1), self.tokens.reserve(tokens))

    def release(self, tokens: int) -> None:
        """Undo a reservation whose request was never sent."""
        self.requests.adjust(-1)
        self.tokens.adjust(-tokens)

    def settle(self, reserved_tokens: int, charged_tokens: int) -> None:
        self.tokens.adjust(charged_tokens - reserved_tokens)

    def wait_time(self, tokens: int) -> float:
        return max(self.requests.wait_time(1), self.tokens.wait_time(tokens))

    def headroom(self) -> float:
        return min(self.requests.headroom(), self.tokens.headroom())

    def observe(self, headers: RateLimitHeaders, *, rejected: bool) -> None:
        """Learn limits from a response's headers (a capacity change shows up here too); a 429 empties the
        bucket the server says is exhausted (both when it does not say) and cuts its rate."""
        if not self._configured[0] and headers.limit_requests:
            self.requests.set_limit(headers.limit_requests / self._share)
        if not self._configured[1] and headers.limit_tokens:
            self.tokens.set_limit(headers.limit_tokens / self._share)
        if not rejected:
            self.requests.recover()
            self.tokens.recover()
            return
        requests_out = headers.remaining_requests is None or headers.remaining_requests < 1
        tokens_out = headers.remaining_tokens is None or not requests_out
        if requests_out:
            self.requests.empty()
        if tokens_out:
            self.tokens.empty()
