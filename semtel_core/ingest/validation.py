"""Row validation: every raw row becomes either a :class:`Conversation` or a :class:`Reject` with its reason."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from semtel_core.config import InputSettings
from semtel_core.ingest.rejects import RAW_EXCERPT_CHARS, Reject, RejectReason, SourceLocation
from semtel_core.schema.conversation import ROLES, Conversation, ConversationMetadata, Message


class _RowError(Exception):
    def __init__(self, reason: RejectReason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def excerpt(text: str) -> str:
    """The start of a bad row, kept for its reject (scrubbed and cut to ``EXCERPT_CHARS`` when written)."""
    return text[:RAW_EXCERPT_CHARS]


def _parse_timestamp(value: Any) -> datetime | None:
    if value is None:
        return None
    try:
        if isinstance(value, datetime):
            ts = value
        elif isinstance(value, int | float) and not isinstance(value, bool):
            ts = datetime.fromtimestamp(value, tz=UTC)
        elif isinstance(value, str):
            ts = datetime.fromisoformat(value.replace("Z", "+00:00"))
        else:
            raise ValueError(type(value).__name__)
        # In UTC now: a valid ISO date near year 1 or 9999 with an offset leaves Python's range once converted
        # (9999-12-31T23:59:59-01:00), and would crash whatever compares or converts it later.
        ts = (ts if ts.tzinfo else ts.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError, OSError) as exc:
        detail = (
            f"timestamp {str(value)[:64]!r} is not an ISO-8601 or epoch time within years 1-9999 UTC: {exc}"
        )
        raise _RowError(RejectReason.INVALID_TIMESTAMP, detail) from None
    return ts


def _parse_messages(value: Any, settings: InputSettings) -> tuple[Message, ...]:
    if not isinstance(value, list) or not value:
        raise _RowError(RejectReason.NO_MESSAGES, "messages is missing, empty or not a list")
    if len(value) > settings.max_messages:
        raise _RowError(RejectReason.TOO_MANY_MESSAGES, f"{len(value)} messages > {settings.max_messages}")
    messages = []
    total_chars = 0
    for i, m in enumerate(value):
        if not isinstance(m, Mapping):
            raise _RowError(RejectReason.NO_MESSAGES, f"message {i} is not an object")
        role = m.get("role")
        if role not in ROLES:
            raise _RowError(RejectReason.UNKNOWN_ROLE, f"message {i} has unknown role {role!r}")
        if "content" not in m or m["content"] is None:
            raise _RowError(RejectReason.MISSING_CONTENT, f"message {i} has no content")
        content = m["content"]
        if not isinstance(content, str):
            raise _RowError(
                RejectReason.NON_STRING_CONTENT,
                f"message {i} content is {type(content).__name__}, not a string",
            )
        total_chars += len(content)
        if total_chars > settings.max_text_chars:
            raise _RowError(
                RejectReason.TEXT_TOO_LONG, f"conversation text exceeds {settings.max_text_chars} characters"
            )
        messages.append(Message(role=role, content=content))
    return tuple(messages)


def _parse_metadata(value: Any) -> ConversationMetadata:
    if not isinstance(value, Mapping):
        raise _RowError(RejectReason.INVALID_METADATA, f"metadata is {type(value).__name__}, not an object")
    known = {k: value.get(k) for k in ("locale", "product", "model")}
    for k, v in known.items():
        if v is not None and not isinstance(v, str):
            raise _RowError(RejectReason.INVALID_METADATA, f"metadata.{k} is not a string")
    extra = {str(k): str(v) for k, v in value.items() if k not in known and v is not None}
    try:
        return ConversationMetadata(**known, extra=extra)
    except ValidationError as exc:  # pragma: no cover - guarded by the checks above
        raise _RowError(RejectReason.INVALID_METADATA, str(exc)) from None


class RecordValidator:
    """Validates raw conversations of one run; with ``unique_ids`` it remembers ids so a repeated id is rejected,
    not duplicated. The weekly extract leaves that to the engine (:mod:`semtel_core.ingest.repeats`): a set of
    every id of the week would grow with it."""

    def __init__(self, settings: InputSettings, *, unique_ids: bool = True) -> None:
        self._settings = settings
        self._unique_ids = unique_ids
        self._seen_ids: set[str] = set()

    def validate(
        self, raw: Mapping[str, Any], location: SourceLocation, raw_text: str
    ) -> Conversation | Reject:
        cid = raw.get("conversation_id")
        cid_str = str(cid) if isinstance(cid, str | int) and not isinstance(cid, bool) else None
        try:
            if not cid_str or not cid_str.strip():
                raise _RowError(RejectReason.MISSING_ID, "conversation_id is missing or empty")
            if len(cid_str) > self._settings.max_id_chars:
                raise _RowError(
                    RejectReason.ID_TOO_LONG,
                    f"conversation_id has {len(cid_str)} characters > input.max_id_chars {self._settings.max_id_chars}",
                )
            if cid_str in self._seen_ids:
                raise _RowError(RejectReason.DUPLICATE_ID, f"conversation_id {cid_str!r} was already read")
            conversation = Conversation(
                conversation_id=cid_str,
                timestamp=_parse_timestamp(raw.get("timestamp")),
                messages=_parse_messages(raw.get("messages"), self._settings),
                metadata=_parse_metadata(raw.get("metadata", {})),
            )
        except _RowError as err:
            shown_id = cid_str if err.reason is not RejectReason.ID_TOO_LONG else excerpt(cid_str or "")
            return Reject(location, err.reason, err.detail, shown_id, excerpt(raw_text))
        if self._unique_ids:
            self._seen_ids.add(cid_str)
        return conversation
