"""How conversations are embedded in prompts, and how a server finds them again.

The convention, shared by the prompt renderer and the local endpoint's zero-shot model::

    <conversation id="c-123">
    <turn role="user">text</turn>
    <turn role="assistant">text</turn>
    </conversation>

Conversation text is escaped (``&``, ``<``, ``>``; attribute values also quotes) so nothing inside a conversation
can close a turn or the conversation, or open a fake one: the only literal ``<conversation`` and ``<turn`` tags in
a prompt are ours. Quotes in turn text are left alone: they cannot end anything there, and ``&quot;`` costs tokens.
A line that would read as a chat-role marker to prompty's parser (``system:`` alone on a line) gets its colon
escaped too (``&#58;``), so conversation text can never start a new chat message; :func:`unescape` restores it.
Line breaks are normalized to ``\\n`` first (prompty's parser would do so anyway, after splitting on them).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

_BLOCK_RE = re.compile(r'<conversation id="([^"]*)">\n?(.*?)\n?</conversation>', re.S)
_TURN_RE = re.compile(r'<turn role="([a-z]+)">(.*?)</turn>', re.S)
# prompty's chat parser starts a new message at a line holding only a role marker, e.g. ``system:`` or
# ``# user[name="x"]:``. Its roles are {system, user, assistant, developer}; a test pins this list to prompty's.
_LINE_BREAK_RE = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_PROMPTY_ROLE_LINE_RE = re.compile(
    r"\s*#?\s*(?:system|user|assistant|developer)\s*(?:\[.*\])?\s*:\s*", re.I | re.S
)


def _neutralize_role_lines(text: str) -> str:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if ":" in line and _PROMPTY_ROLE_LINE_RE.fullmatch(line):
            colon = line.rindex(":")
            lines[i] = line[:colon] + "&#58;" + line[colon + 1 :]
    return "\n".join(lines)


def normalize_newlines(text: str) -> str:
    """Every line break as ``\\n``: prompty splits on all of them (``str.splitlines``) and rejoins with ``\\n``."""
    return _LINE_BREAK_RE.sub("\n", text)


def escape(text: str) -> str:
    """Escape for an attribute value or text: ``&``, ``<``, ``>``, both quotes, role-marker lines."""
    return _neutralize_role_lines(html.escape(normalize_newlines(text), quote=True))


def escape_text(text: str) -> str:
    """Escape turn text: ``&``, ``<``, ``>`` and role-marker lines; quotes stay (cheaper in tokens)."""
    return _neutralize_role_lines(html.escape(normalize_newlines(text), quote=False))


def unescape(text: str) -> str:
    return html.unescape(text)


def render_conversation_block(conversation_id: str, turns: Iterable[tuple[str, str]]) -> str:
    """Render (role, content) turns as one delimited, escaped block."""
    body = "\n".join(f'<turn role="{escape(role)}">{escape_text(content)}</turn>' for role, content in turns)
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
