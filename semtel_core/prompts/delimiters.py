"""How conversations are embedded in prompts, and how a server finds them again.

The convention, shared by the prompt renderer and the local endpoint's zero-shot model::

    <conversation id="c-123">
    <turn role="user">text</turn>
    <turn role="assistant">text</turn>
    </conversation>

Conversation text is escaped (``&``, ``<``, ``>``) so nothing inside a conversation can close a turn or the
conversation, or open a fake one: the only literal ``<conversation`` and ``<turn`` tags in a prompt are ours.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

_BLOCK_RE = re.compile(r'<conversation id="([^"]*)">\n?(.*?)\n?</conversation>', re.S)
_TURN_RE = re.compile(r'<turn role="([a-z]+)">(.*?)</turn>', re.S)


def escape(text: str) -> str:
    return html.escape(text, quote=True)


def unescape(text: str) -> str:
    return html.unescape(text)


def render_conversation_block(conversation_id: str, turns: Iterable[tuple[str, str]]) -> str:
    """Render (role, content) turns as one delimited, escaped block."""
    body = "\n".join(f'<turn role="{escape(role)}">{escape(content)}</turn>' for role, content in turns)
    return f'<conversation id="{escape(conversation_id)}">\n{body}\n</conversation>'


@dataclass(frozen=True)
class ConversationBlock:
    conversation_id: str
    turns: tuple[tuple[str, str], ...]

    def text(self, roles: frozenset[str] | None = None) -> str:
        return "\n".join(c for r, c in self.turns if roles is None or r in roles)


def extract_conversation_blocks(prompt: str) -> list[ConversationBlock]:
    """Find every conversation block in a prompt, in order, with text unescaped."""
    blocks = []
    for m in _BLOCK_RE.finditer(prompt):
        turns = tuple((role, unescape(content)) for role, content in _TURN_RE.findall(m.group(2)))
        blocks.append(ConversationBlock(unescape(m.group(1)), turns))
    return blocks
