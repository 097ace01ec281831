"""Rejected rows: why a row was not accepted and where it came from."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class RejectReason(StrEnum):
    INVALID_JSON = "invalid_json"
    NOT_AN_OBJECT = "not_an_object"
    INVALID_UTF8 = "invalid_utf8"
    MISSING_ID = "missing_id"
    DUPLICATE_ID = "duplicate_id"
    NO_MESSAGES = "no_messages"
    UNKNOWN_ROLE = "unknown_role"
    MISSING_CONTENT = "missing_content"
    NON_STRING_CONTENT = "non_string_content"
    TEXT_TOO_LONG = "text_too_long"
    TOO_MANY_MESSAGES = "too_many_messages"
    INVALID_TIMESTAMP = "invalid_timestamp"
    INVALID_METADATA = "invalid_metadata"
    ID_TOO_LONG = "id_too_long"


@dataclass(frozen=True)
class SourceLocation:
    """Where a row came from: 1-based ``line`` for text formats, 0-based ``row`` for columnar ones."""

    source: str
    line: int | None = None
    row: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else f"row {self.row}"
        return f"{self.source}:{where}"


@dataclass(frozen=True)
class Reject:
    location: SourceLocation
    reason: RejectReason
    detail: str
    conversation_id: str | None = None
    excerpt: str = ""

    def to_row(self) -> dict[str, Any]:
        loc = asdict(self.location)
        return {
            **loc,
            "conversation_id": self.conversation_id,
            "reason": self.reason.value,
            "detail": self.detail,
            "excerpt": self.excerpt,
        }
