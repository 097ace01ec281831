"""One batch's state and its wire shape (the SDK's ``Batch``), plus its result lines."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import orjson

_UNRUN_MESSAGES = {
    "expired": ("batch_expired", "This request could not be executed before the completion window expired."),
    "cancelled": ("batch_cancelled", "This request was not executed because the batch was cancelled."),
}


@dataclass
class BatchJob:
    id: str
    endpoint: str
    input_file_id: str
    completion_window: str
    metadata: dict[str, str] | None
    deadline: float
    expires_at: int
    status: str = "validating"
    created_at: int = field(default_factory=lambda: int(time.time()))
    model: str | None = None
    expired: bool = False
    timestamps: dict[str, int] = field(default_factory=dict)
    request_counts: dict[str, int] = field(default_factory=lambda: {"total": 0, "completed": 0, "failed": 0})
    errors: list[dict[str, Any]] | None = None
    output_lines: list[bytes] = field(default_factory=list)
    error_lines: list[bytes] = field(default_factory=list)
    usage: dict[str, int] = field(default_factory=lambda: {"input_tokens": 0, "output_tokens": 0})
    output_file_id: str | None = None
    error_file_id: str | None = None
    history: list[str] = field(default_factory=lambda: ["validating"])

    def mark(self, status: str) -> None:
        self.status = status
        self.history.append(status)
        self.timestamps[f"{status}_at"] = int(time.time())

    def fail(self, errors: list[dict[str, Any]]) -> None:
        self.errors = errors
        self.mark("failed")

    @staticmethod
    def _line(custom_id: str, response: dict[str, Any] | None, error: dict[str, str] | None) -> bytes:
        item = {
            "id": f"batch_req_{uuid.uuid4().hex}",
            "custom_id": custom_id,
            "response": response,
            "error": error,
        }
        return orjson.dumps(item)

    def add_output(self, custom_id: str, response: dict[str, Any]) -> None:
        self.output_lines.append(self._line(custom_id, response, None))
        self.request_counts["completed"] += 1
        usage = response["body"]["usage"]
        self.usage["input_tokens"] += usage["prompt_tokens"]
        self.usage["output_tokens"] += usage["completion_tokens"]

    def add_error(self, custom_id: str, response: dict[str, Any]) -> None:
        self.error_lines.append(self._line(custom_id, response, None))
        self.request_counts["failed"] += 1

    def add_unrun(self, custom_id: str, outcome: str) -> None:
        code, message = _UNRUN_MESSAGES[outcome]
        self.error_lines.append(self._line(custom_id, None, {"code": code, "message": message}))
        self.request_counts["failed"] += 1

    def output_bytes(self) -> bytes:
        return b"".join(line + b"\n" for line in self.output_lines)

    def error_bytes(self) -> bytes:
        return b"".join(line + b"\n" for line in self.error_lines)

    def as_object(self) -> dict[str, Any]:
        stamps = ("in_progress", "finalizing", "completed", "failed", "expired", "cancelling", "cancelled")
        return {
            "id": self.id,
            "object": "batch",
            "endpoint": self.endpoint,
            "model": self.model,
            "errors": {"object": "list", "data": self.errors} if self.errors else None,
            "input_file_id": self.input_file_id,
            "completion_window": self.completion_window,
            "status": self.status,
            "output_file_id": self.output_file_id,
            "error_file_id": self.error_file_id,
            "created_at": self.created_at,
            "expires_at": self.expires_at,
            **{f"{s}_at": self.timestamps.get(f"{s}_at") for s in stamps},
            "request_counts": dict(self.request_counts),
            "usage": self._usage(),
            "metadata": self.metadata,
        }

    def _usage(self) -> dict[str, Any]:
        total = self.usage["input_tokens"] + self.usage["output_tokens"]
        return {
            "input_tokens": self.usage["input_tokens"],
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": self.usage["output_tokens"],
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": total,
        }
