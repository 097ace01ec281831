"""Typed records that flow through the pipeline and their Arrow schemas."""

from semtel_core.schema.conversation import ROLES, Conversation, ConversationMetadata, Message

__all__ = ["ROLES", "Conversation", "ConversationMetadata", "Message"]
