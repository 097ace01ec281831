"""The result row: one per (conversation, classifier), whatever path produced it.

Online strategies, the Batch API, the grader and the embedding classifiers all write this shape, so the load,
quality and report steps never care where a label came from. Token counts of a call shared by several rows
(multi-task, batched) are apportioned so that they sum to the call's usage.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

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
