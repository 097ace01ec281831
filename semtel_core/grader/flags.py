"""Which result rows the grader re-checks, and why.

A row is flagged when its label was repaired, when no valid label came back (``invalid``), when its call
shared a prompt with other labels (multi-task, batched, the Batch API) and another signal for the same
conversation and classifier disagrees (e.g. the embedding classifier), or when it falls in the random audit
sample. The audit draw is a hash of (seed, conversation id, classifier): seeded, independent of row order and
partitioning, so a rerun flags the same rows. ``error`` rows carry no label to judge; a classify rerun retries
them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import pyarrow as pa

from semtel_core.config import GraderSettings

FlagReason = Literal["repaired", "invalid", "disagreement", "audit"]
SignalKey = tuple[str, str]  # conversation id, classifier


def audit_draw(seed: int, conversation_id: str, classifier: str) -> float:
    """A uniform number in [0, 1) fixed by its arguments."""
    digest = hashlib.blake2b(f"{seed}\x00{conversation_id}\x00{classifier}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def signal_labels(signals: pa.Table | None) -> dict[SignalKey, list[tuple[str, str]]]:
    """Other classifiers' answers: (conversation id, classifier) -> [(strategy, label)] of rows with a label."""
    found: dict[SignalKey, list[tuple[str, str]]] = {}
    if signals is None:
        return found
    for row in signals.select(["conversation_id", "classifier", "strategy", "label"]).to_pylist():
        if row["label"] is not None:
            key = (row["conversation_id"], row["classifier"])
            found.setdefault(key, []).append((row["strategy"], row["label"]))
    return found


def _disagrees(row: Mapping[str, Any], others: Sequence[tuple[str, str]]) -> bool:
    return any(strategy != row["strategy"] and label != row["label"] for strategy, label in others)


def flag_reasons(
    row: Mapping[str, Any], settings: GraderSettings, others: Sequence[tuple[str, str]] = ()
) -> list[FlagReason]:
    """Why ``row`` (a RESULT_SCHEMA dict) is re-checked; empty when it is not."""
    if row["status"] == "error":
        return []
    reasons: list[FlagReason] = []
    if settings.flag_repaired and row["status"] == "repaired":
        reasons.append("repaired")
    if settings.flag_invalid and row["status"] == "invalid":
        reasons.append("invalid")
    if row["strategy"] in settings.shared_call_strategies and _disagrees(row, others):
        reasons.append("disagreement")
    if audit_draw(settings.audit_seed, row["conversation_id"], row["classifier"]) < settings.audit_rate:
        reasons.append("audit")
    return reasons


def flag_rows(
    rows: Sequence[Mapping[str, Any]], settings: GraderSettings, signals: pa.Table | None = None
) -> list[list[FlagReason]]:
    """Reasons per row, in row order."""
    others = signal_labels(signals)
    return [
        flag_reasons(row, settings, others.get((row["conversation_id"], row["classifier"]), ()))
        for row in rows
    ]
