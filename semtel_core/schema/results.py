"""The result row: one per (conversation, classifier), whatever path produced it.

Online strategies, the Batch API, the grader and the embedding classifiers all write this shape, so the load,
quality and report steps never care where a label came from. Token counts of a call shared by several rows
(multi-task, batched) are apportioned so that they sum to the call's usage.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

import pyarrow as pa
from pydantic import BaseModel, ConfigDict

ResultStatus = Literal["ok", "repaired", "invalid", "error"]
Strategy = Literal["single", "multi", "batched", "batch", "embedding"]
GraderVerdict = Literal["correct", "incorrect"]


class ClassificationResult(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    run_id: str
    conversation_id: str
    content_hash: str
    classifier: str
    classifier_version: str
    label: str | None
    status: ResultStatus
    reason: str | None = None
    strategy: Strategy
    model: str | None = None
    endpoint: str | None = None
    truncation: str | None = None  # JSON of semtel_core.prompts.budget.TruncationRecord
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    latency_ms: float = 0.0
    attempts: int = 0
    raw_output: str | None = None  # kept for repaired / invalid / error rows
    confidence: float | None = None  # embedding classifiers' top probability
    grader_verdict: GraderVerdict | None = None
    label_before_grader: str | None = None
    flipped: bool | None = None
    created_at: datetime


RESULT_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("conversation_id", pa.string()),
        ("content_hash", pa.string()),
        ("classifier", pa.string()),
        ("classifier_version", pa.string()),
        ("label", pa.string()),
        ("status", pa.string()),
        ("reason", pa.string()),
        ("strategy", pa.string()),
        ("model", pa.string()),
        ("endpoint", pa.string()),
        ("truncation", pa.string()),
        ("prompt_tokens", pa.int64()),
        ("completion_tokens", pa.int64()),
        ("cost_usd", pa.float64()),
        ("latency_ms", pa.float64()),
        ("attempts", pa.int64()),
        ("raw_output", pa.string()),
        ("confidence", pa.float64()),
        ("grader_verdict", pa.string()),
        ("label_before_grader", pa.string()),
        ("flipped", pa.bool_()),
        ("created_at", pa.timestamp("us", tz="UTC")),
    ]
)

assert RESULT_SCHEMA.names == list(ClassificationResult.model_fields), (
    "schema and model must list the same fields"
)

_DEFAULTS: dict[str, Any] = {
    name: field.default
    for name, field in ClassificationResult.model_fields.items()
    if not field.is_required()
}
_REQUIRED = frozenset(
    name for name, field in ClassificationResult.model_fields.items() if field.is_required()
)


def result_row(**fields: Any) -> dict[str, Any]:
    """A result row as a plain dict in :data:`RESULT_SCHEMA` order, with the model's defaults filled in.

    The hot path builds millions of rows, so they are not validated one by one as models; but a name the
    schema does not have, or a required field left out, is a programming error here rather than a column of
    nulls in the week's table.
    """
    unknown = fields.keys() - ClassificationResult.model_fields.keys()
    missing = _REQUIRED - fields.keys()
    if unknown or missing:
        raise TypeError(f"result row: unknown fields {sorted(unknown)}, missing fields {sorted(missing)}")
    return {name: fields[name] if name in fields else _DEFAULTS[name] for name in RESULT_SCHEMA.names}


def with_changes(row: Mapping[str, Any], **changes: Any) -> dict[str, Any]:
    """A copy of result row ``row`` with ``changes``; a name the schema does not have is refused (a misspelt
    field would otherwise ride along as an extra key and be lost when the rows become a table)."""
    unknown = changes.keys() - ClassificationResult.model_fields.keys()
    if unknown:
        raise TypeError(f"result row: unknown fields {sorted(unknown)}")
    return {**row, **changes}
