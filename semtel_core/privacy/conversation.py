"""Scrub every message of a :class:`Conversation`."""

from __future__ import annotations

from collections import Counter

from semtel_core.privacy.scrubber import Scrubber
from semtel_core.schema.conversation import Conversation, Message


def scrub_conversation(conversation: Conversation, scrubber: Scrubber) -> tuple[Conversation, dict[str, int]]:
    """A copy of ``conversation`` with PII replaced in every message, and the entity counts over all of them.

    Conversations are immutable; when nothing is found the same instance is returned. Metadata is kept:
    it holds no free text (locale, product, model).
    """
    counts: Counter[str] = Counter()
    messages: list[Message] = []
    changed = False
    for message in conversation.messages:
        result = scrubber.scrub(message.content)
        if result.counts:
            counts.update(result.counts)
            messages.append(Message(role=message.role, content=result.text))
            changed = True
        else:
            messages.append(message)
    if not changed:
        return conversation, {}
    return conversation.model_copy(update={"messages": tuple(messages)}), dict(counts)
