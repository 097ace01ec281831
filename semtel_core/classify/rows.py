"""Result rows of one call: labels or errors, with the call's tokens and cost apportioned over its rows.

Rows are plain dicts built by :func:`semtel_core.schema.results.result_row`. A strategy produces
*hash rows*: one per (content hash, classifier), carrying the representative conversation's id; the engine
later copies them to every conversation id with that content.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from semtel_core.llm.types import CallResult
from semtel_core.prompts.budget import TruncationRecord
from semtel_core.prompts.results import LabelResult
from semtel_core.schema.results import result_row

HashRow = dict[str, Any]
CheckpointKey = tuple[str, str, str, str, str]  # content hash, classifier, version, model, strategy


def checkpoint_key(row: Mapping[str, Any]) -> CheckpointKey:
    return (
        row["content_hash"],
        row["classifier"],
        row["classifier_version"],
        row["model"] or "",
        row["strategy"],
    )


def apportion(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` integers that differ by at most one and sum to ``total``."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


@dataclass(frozen=True, slots=True)
class Target:
    """One row a call must produce."""

    content_hash: str
    conversation_id: str
    classifier: str
    classifier_version: str


def _truncation_json(record: TruncationRecord | None) -> str | None:
    return record.model_dump_json() if record is not None else None


def _error_output(call: CallResult) -> str:
    fields = ("error_type", "status_code", "reason", "server_request_id", "finish_reason", "content")
    return orjson.dumps({k: getattr(call, k) for k in fields}).decode()


def _label_fields(result: LabelResult | None) -> dict[str, Any]:
    if result is None:
        return {"label": None, "status": "invalid", "reason": "missing_field", "raw_output": None}
    reason = result.reason
    if result.status == "repaired":
        reason = "repairs: " + ",".join(result.repairs)
    raw = None if result.status == "ok" else result.raw_output
    return {"label": result.label, "status": result.status, "reason": reason, "raw_output": raw}


def call_rows(
    call: CallResult,
    targets: Sequence[Target],
    labels: Mapping[tuple[str, str], LabelResult] | None,
    truncation: Mapping[str, TruncationRecord],
    *,
    run_id: str,
    strategy: str,
    requested_model: str,
) -> list[HashRow]:
    """One row per target; ``labels`` is keyed by (conversation id, classifier) and ``None`` for a failed
    call, whose rows are ``error`` rows with the failure kept in ``raw_output``."""
    n = len(targets)
    prompt = apportion(call.usage.prompt_tokens, n)
    completion = apportion(call.usage.completion_tokens, n)
    now = datetime.now(UTC)
    rows: list[HashRow] = []
    for i, target in enumerate(targets):
        if call.ok and labels is not None:
            outcome = _label_fields(labels.get((target.conversation_id, target.classifier)))
        else:
            outcome = {
                "label": None,
                "status": "error",
                "reason": call.reason,
                "raw_output": _error_output(call),
            }
        rows.append(
            result_row(
                run_id=run_id,
                conversation_id=target.conversation_id,
                content_hash=target.content_hash,
                classifier=target.classifier,
                classifier_version=target.classifier_version,
                **outcome,
                strategy=strategy,
                model=call.model or requested_model,
                endpoint=call.endpoint,
                truncation=_truncation_json(truncation.get(target.conversation_id)),
                prompt_tokens=prompt[i],
                completion_tokens=completion[i],
                cost_usd=call.cost_usd / n,
                latency_ms=call.latency_s * 1000.0,
                attempts=call.attempts,
                created_at=now,
            )
        )
    return rows
