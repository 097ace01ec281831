"""The rate-limit headers of a response (``x-ratelimit-*``, ``retry-after*``, ``x-should-retry``), parsed.

They are hints for the rate budget (``budget``), never the truth: many servers send none, Azure only the
``remaining-*`` ones, and a limit header may stay put while the server's real capacity changes.
"""

from __future__ import annotations

import datetime
import email.utils
import re
from collections.abc import Mapping
from dataclasses import dataclass

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


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
