"""Input shapes: OpenAI messages, ShareGPT and a single text column, mapped onto one raw conversation dict.

The mapping does no validation: it only renames. :mod:`semtel_core.ingest.validation` decides what is accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any


class InputFormat(StrEnum):
    AUTO = "auto"
    OPENAI = "openai"
    SHAREGPT = "sharegpt"
    TEXT = "text"


# ShareGPT speaker names seen in the wild; anything else is kept as-is and rejected as an unknown role.
_SHAREGPT_ROLES = {
    "human": "user",
    "user": "user",
    "gpt": "assistant",
    "chatgpt": "assistant",
    "assistant": "assistant",
    "bard": "assistant",
    "bing": "assistant",
    "model": "assistant",
    "system": "system",
    "tool": "tool",
    "function": "tool",
    "observation": "tool",
}

_ID_KEYS = ("conversation_id", "id")
_TIME_KEYS = ("timestamp", "created_at", "tstamp")
_META_KEYS = ("locale", "product", "model")


def detect_format(record: Mapping[str, Any]) -> InputFormat:
    if "messages" in record:
        return InputFormat.OPENAI
    if "conversations" in record:
        return InputFormat.SHAREGPT
    if "text" in record:
        return InputFormat.TEXT
    return InputFormat.OPENAI  # validation will say what is missing


def _first(record: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if record.get(key) is not None:
            return record[key]
    return None


def _metadata(record: Mapping[str, Any]) -> Any:
    meta = record.get("metadata")
    top = {k: record[k] for k in _META_KEYS if record.get(k) is not None}
    if meta is None:
        return top
    if isinstance(meta, Mapping):
        return {**top, **meta}
    return meta  # not a mapping: validation rejects it


def _sharegpt_messages(turns: Any) -> Any:
    if not isinstance(turns, list):
        return turns
    out: list[Any] = []
    for turn in turns:
        if not isinstance(turn, Mapping):
            out.append(turn)
            continue
        speaker = turn.get("from", turn.get("role"))
        role = _SHAREGPT_ROLES.get(str(speaker).lower(), speaker) if speaker is not None else None
        message: dict[str, Any] = {"role": role}
        if "value" in turn or "content" in turn:
            message["content"] = turn.get("value", turn.get("content"))
        out.append(message)
    return out


def to_raw_conversation(
    record: Mapping[str, Any], fmt: InputFormat, fallback_id: str | None
) -> dict[str, Any]:
    """Rename one input record to ``{conversation_id, timestamp, messages, metadata}``.

    ``fallback_id`` names a row of a text-only source that has no id column at all (file + row), so such
    sources get stable ids; a present-but-empty id is kept empty and rejected.
    """
    if fmt is InputFormat.AUTO:
        fmt = detect_format(record)
    if fmt is InputFormat.SHAREGPT:
        messages = _sharegpt_messages(record.get("conversations"))
    elif fmt is InputFormat.TEXT:
        messages = [{"role": "user", "content": record["text"]}] if "text" in record else None
    else:
        messages = record.get("messages")
    has_id_key = any(k in record for k in _ID_KEYS)
    conversation_id = _first(record, _ID_KEYS)
    if conversation_id is None and not has_id_key and fmt is InputFormat.TEXT:
        conversation_id = fallback_id
    return {
        "conversation_id": conversation_id,
        "timestamp": _first(record, _TIME_KEYS),
        "messages": messages,
        "metadata": _metadata(record),
    }
