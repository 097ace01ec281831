"""What the online engine and the Batch API path share: content grouping, the completion budget, and copying a
content's result rows to every conversation with that content.

Each distinct content is asked once (its representative: the smallest conversation id); its rows are then
copied to the other conversations with the same content, with tokens and cost kept on the representative so
that sums over the results equal what was paid.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from semtel_core.config import Settings
from semtel_core.schema.conversation import Conversation
from semtel_core.schema.results import with_changes

_FIXED_COMPLETION_TOKENS = 16  # braces, keys and quotes of a JSON answer beyond its labels


def group_by_content(conversations: Sequence[Conversation]) -> dict[str, list[str]]:
    """Content hash -> conversation ids with that content, smallest id first (the representative)."""
    groups: dict[str, list[str]] = {}
    for conversation in sorted(conversations, key=lambda c: c.conversation_id):
        groups.setdefault(conversation.content_hash, []).append(conversation.conversation_id)
    return groups


def completion_budget(settings: Settings, labels: int) -> int:
    """``max_tokens`` of a call answering ``labels`` labels (conversations x classifiers), online or batch."""
    return _FIXED_COMPLETION_TOKENS + settings.classify.label_max_tokens * labels


def copy_to_duplicates(row: Mapping[str, Any], ids: Sequence[str], **overrides: Any) -> list[dict[str, Any]]:
    """One copy of a content's ``row`` per conversation id in ``ids`` (representative first); the copies carry
    zero tokens and cost."""
    copies = []
    for i, cid in enumerate(ids):
        free = {"prompt_tokens": 0, "completion_tokens": 0, "cost_usd": 0.0} if i else {}
        copies.append(with_changes(row, conversation_id=cid, **overrides, **free))
    return copies
