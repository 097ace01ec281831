"""The conversation record: what every reader produces and every classifier consumes."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["system", "user", "assistant", "tool"]
ROLES: frozenset[str] = frozenset(get_args(Role))


class Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    role: Role
    content: str


class ConversationMetadata(BaseModel):
    """Optional context about where a conversation came from; ``extra`` keeps anything else as strings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    locale: str | None = None
    product: str | None = None
    model: str | None = None
    extra: dict[str, str] = Field(default_factory=dict)


class Conversation(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    conversation_id: str = Field(min_length=1)
    timestamp: datetime | None = None
    messages: tuple[Message, ...] = Field(min_length=1)
    metadata: ConversationMetadata = Field(default_factory=ConversationMetadata)

    @property
    def content_hash(self) -> str:
        """Hash of the message content only, so identical conversations are classified once."""
        return content_hash(self.messages)

    def text(self) -> str:
        return "\n".join(f"{m.role}: {m.content}" for m in self.messages)

    def to_row(self) -> dict[str, Any]:
        """A plain dict matching :data:`semtel_core.schema.arrow.CONVERSATION_SCHEMA`."""
        return {
            "conversation_id": self.conversation_id,
            "timestamp": self.timestamp,
            "messages": [{"role": m.role, "content": m.content} for m in self.messages],
            "locale": self.metadata.locale,
            "product": self.metadata.product,
            "model": self.metadata.model,
            "content_hash": self.content_hash,
        }


def content_hash(messages: tuple[Message, ...] | list[Message]) -> str:
    h = hashlib.blake2b(digest_size=16)
    for m in messages:
        # Length-prefixed so that ("ab", "c") and ("a", "bc") never collide.
        for part in (m.role, m.content):
            data = part.encode("utf-8")
            h.update(len(data).to_bytes(8, "little"))
            h.update(data)
    return h.hexdigest()
