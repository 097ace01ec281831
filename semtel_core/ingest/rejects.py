"""Rejected rows: why a row was not accepted and where it came from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

EXCERPT_CHARS = 300  # shown in a reject row, after scrubbing
RAW_EXCERPT_CHARS = 4096  # kept until then: far more than any secret, so the cut at EXCERPT_CHARS is clean


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

    def to_row(self, scrub: Callable[[str], str] | None) -> dict[str, Any]:
        """The reject as a row. ``scrub`` (the PII scrubber; ``None`` only for an explicit opt-out) runs on the
        id, the detail and the excerpt *before* the excerpt is cut to its shown length, so a secret that
        straddles the cut cannot survive as a recognisable prefix."""
        loc = asdict(self.location)
        clean = scrub or (lambda text: text)
        shown = clean(self.excerpt)
        return {
            **loc,
            "conversation_id": clean(self.conversation_id) if self.conversation_id is not None else None,
            "reason": self.reason.value,
            "detail": clean(self.detail),
            "excerpt": shown if len(shown) <= EXCERPT_CHARS else shown[:EXCERPT_CHARS] + "…",
        }
