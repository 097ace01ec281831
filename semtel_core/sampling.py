"""Deterministic sampling by conversation id.

A conversation is in the sample when a keyed hash of its id falls below ``rate``: the same conversations are
chosen on every rerun, on every engine (Polars and Spark call this same function), and a sample at rate r is a
subset of the sample at any rate above r, so raising the rate only adds conversations.
"""

from __future__ import annotations

import hashlib

_SCALE = float(1 << 64)


def sample_point(conversation_id: str, salt: str = "semtel") -> float:
    """A uniform number in [0, 1) fixed for (salt, id)."""
    digest = hashlib.blake2b(
        conversation_id.encode("utf-8"), digest_size=8, key=salt.encode("utf-8")[:64]
    ).digest()
    return int.from_bytes(digest, "big") / _SCALE


def in_sample(conversation_id: str, rate: float, salt: str = "semtel") -> bool:
    if rate >= 1.0:
        return True
    return sample_point(conversation_id, salt) < rate
