"""What the local models read from a chat request, per ``docs/prompt-protocol.md``.

The conversations (``<conversation id=...>`` blocks), the proposals of a grader prompt
(``<proposed_labels>{json}</proposed_labels>``), and, when a prompt holds no block at all, the user messages
as one text. Label definitions come from the schema: ``- label: definition`` lines in an enum field's description.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from semtel_core.prompts.delimiters import ConversationBlock, extract_conversation_blocks

_PROPOSED_RE = re.compile(r"<proposed_labels>(.*?)</proposed_labels>", re.S)
_DEFINITION_RE = re.compile(r"^\s*[-*]\s*`?([^:`]+?)`?\s*:\s*(.+?)\s*$")


def message_text(content: Any) -> str:
    """A message's text: a plain string, or the text parts of a content-part list."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            str(part.get("text", ""))
            for part in content
            if isinstance(part, dict) and part.get("type") == "text"
        )
    return ""


@dataclass(frozen=True)
class PromptView:
    blocks: list[ConversationBlock]
    fallback_text: str
    proposed: dict[str, Any] = field(default_factory=dict)

    def block_text(self, index: int) -> str:
        """Text of block ``index`` (``-1``: the prompt's user text when it holds no block)."""
        if 0 <= index < len(self.blocks):
            return self.blocks[index].text()
        return self.fallback_text

    @property
    def target_block(self) -> int:
        """The block a single-output prompt is about: the last one (examples, if any, come first)."""
        return len(self.blocks) - 1


def view_prompt(messages: Iterable[Mapping[str, Any]]) -> PromptView:
    texts = [(str(m.get("role", "")), message_text(m.get("content"))) for m in messages]
    prompt = "\n".join(text for _, text in texts)
    blocks = extract_conversation_blocks(prompt) if "<conversation" in prompt else []
    fallback = "\n".join(text for role, text in texts if role == "user") or prompt
    return PromptView(blocks=blocks, fallback_text=fallback, proposed=_proposed_labels(prompt))


def _proposed_labels(prompt: str) -> dict[str, Any]:
    matches = _PROPOSED_RE.findall(prompt)
    if not matches:
        return {}
    raw = matches[-1].strip()
    for candidate in (raw, html.unescape(raw)):
        try:
            parsed = orjson.loads(candidate)
        except orjson.JSONDecodeError:
            continue
        if isinstance(parsed, dict):
            return parsed
    return {}


def label_definitions(labels: Sequence[str], description: str | None) -> list[str]:
    """One text per label: ``"label: definition"`` from the description, else the label name in words."""
    found: dict[str, str] = {}
    for line in (description or "").splitlines():
        m = _DEFINITION_RE.match(line)
        if m:
            found[m.group(1).strip()] = m.group(2)
    return [f"{_words(label)}: {found[label]}" if label in found else _words(label) for label in labels]


def _words(label: str) -> str:
    return label.replace("_", " ").replace("-", " ")
