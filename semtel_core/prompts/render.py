"""Render the four prompt styles into chat requests, with prompty (load once, ``prepare`` per request).

Every rendered prompt carries the chat ``messages``, the ``response_format`` json_schema, what the token budget
did to each conversation, the estimated prompt tokens and the versions to record on every result.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from semtel_core.errors import PromptError
from semtel_core.prompts.budget import TokenBudget, TruncationRecord, fit_conversation
from semtel_core.prompts.delimiters import render_conversation_block
from semtel_core.prompts.jinja_cache import prepare
from semtel_core.prompts.registry import Classifier, ClassifierRegistry, Template, content_hash
from semtel_core.prompts.schemas import batched_model, grader_model, label_model, response_format
from semtel_core.prompts.tokens import count_message_tokens, count_tokens
from semtel_core.schema.conversation import Conversation

PromptStyle = Literal["single", "multi_task", "batched", "grader"]
ChatMessage = dict[str, str]


@dataclass(frozen=True)
class RenderedPrompt:
    """One chat request, ready to send, and everything to record about it."""

    style: PromptStyle
    classifiers: tuple[str, ...]
    conversation_ids: tuple[str, ...]
    messages: list[ChatMessage]
    response_format: dict[str, Any]
    output_model: type[BaseModel]
    truncation: Mapping[str, TruncationRecord]
    estimated_prompt_tokens: int
    classifier_versions: Mapping[str, str]
    template_version: str

    @property
    def prompt_ids(self) -> tuple[str, ...]:
        """What the prompt calls its conversations (``c1``, ``c2``, … in order): a conversation id never leaves
        the machine, since an id may itself hold an e-mail address, a customer number or a name."""
        return prompt_aliases(len(self.conversation_ids))

    @property
    def prompt_version(self) -> str:
        """Hash of the template used and the versions of the classifiers it asks about."""
        parts = [self.template_version, *(f"{k}={v}" for k, v in sorted(self.classifier_versions.items()))]
        return content_hash(*(p.encode() for p in parts))

    def request_kwargs(self) -> dict[str, Any]:
        """The ``messages`` and ``response_format`` arguments of ``chat.completions.create``."""
        return {"messages": self.messages, "response_format": self.response_format}


def prompt_aliases(count: int) -> tuple[str, ...]:
    return tuple(f"c{i + 1}" for i in range(count))


def estimate_prompt_tokens(messages: Sequence[Mapping[str, Any]], response_format: Mapping[str, Any]) -> int:
    """Chat-message tokens plus the schema's tokens: providers put a json_schema into the model's context."""
    return count_message_tokens(messages) + _schema_tokens(response_format)


def _schema_tokens(response_format: Mapping[str, Any]) -> int:
    schema = response_format.get("json_schema", {}).get("schema", {})
    return count_tokens(json.dumps(schema, separators=(",", ":")))


@dataclass(frozen=True)
class _Structured:
    """What a (style, classifiers) pair always renders to: built once per renderer, not once per prompt."""

    output_model: type[BaseModel]
    response_format: dict[str, Any]
    schema_tokens: int


def _prepare(template: Template, inputs: dict[str, Any]) -> list[ChatMessage]:
    try:
        messages = prepare(template.agent, inputs)
    except Exception as exc:  # a broken template (undefined filter, bad syntax) or a role-marker injection
        raise PromptError(f"cannot render {template.path}: {exc}", path=str(template.path)) from exc
    return [{"role": m.role, "content": m.text} for m in messages]


def _check_blocks(messages: list[ChatMessage], expected: int, template: Template) -> None:
    # Conversation text is escaped, so every literal block opener in the prompt is one the renderer put there.
    found = sum(m["content"].count("<conversation id=") for m in messages)
    if found != expected:
        raise PromptError(
            f"template {template.path} rendered {found} conversation blocks, expected {expected}",
            path=str(template.path),
        )


class PromptRenderer:
    """Renders prompts for the classifiers of one registry under one token budget."""

    def __init__(self, registry: ClassifierRegistry, budget: TokenBudget | None = None) -> None:
        self.registry = registry
        self.budget = budget or TokenBudget()
        self._structured: dict[tuple[str, tuple[str, ...]], _Structured] = {}

    def with_budget(self, budget: TokenBudget) -> PromptRenderer:
        """The same renderer under another token budget, sharing the response formats already built."""
        other = PromptRenderer(self.registry, budget)
        other._structured = self._structured
        return other

    def _structure(
        self, style: PromptStyle, specs: Sequence[Classifier], build: Callable[[], type[BaseModel]]
    ) -> _Structured:
        key = (style, tuple(s.name for s in specs))
        found = self._structured.get(key)
        if found is None:
            model = build()
            fmt = response_format(f"semtel_{style}_" + "_".join(key[1]), model)
            found = self._structured[key] = _Structured(model, fmt, _schema_tokens(fmt))
        return found

    def _block(self, conversation: Conversation, alias: str = "c1") -> tuple[str, TruncationRecord]:
        turns, record = fit_conversation(conversation, self.budget)
        return render_conversation_block(alias, turns), record

    def _finish(
        self,
        style: PromptStyle,
        template: Template,
        classifiers: Sequence[Classifier],
        conversations: Sequence[Conversation],
        inputs: dict[str, Any],
        build_model: Callable[[], type[BaseModel]],
        records: Mapping[str, TruncationRecord],
    ) -> RenderedPrompt:
        messages = _prepare(template, inputs)
        _check_blocks(messages, len(conversations), template)
        structured = self._structure(style, classifiers, build_model)
        return RenderedPrompt(
            style=style,
            classifiers=tuple(c.name for c in classifiers),
            conversation_ids=tuple(c.conversation_id for c in conversations),
            messages=messages,
            response_format=structured.response_format,
            output_model=structured.output_model,
            truncation=dict(records),
            estimated_prompt_tokens=count_message_tokens(messages) + structured.schema_tokens,
            classifier_versions={c.name: c.version for c in classifiers},
            template_version=template.version,
        )

    def single(self, conversation: Conversation, classifier: str) -> RenderedPrompt:
        """One conversation, one classifier, with the classifier's own template."""
        spec = self.registry.get(classifier)
        block, record = self._block(conversation)
        inputs = {"task": spec.definitions.template_task(), "conversation": block}
        records = {conversation.conversation_id: record}
        return self._finish(
            "single", spec.template, [spec], [conversation], inputs, lambda: spec.output_model, records
        )

    def multi_task(
        self, conversation: Conversation, classifiers: Sequence[str] | None = None
    ) -> RenderedPrompt:
        """One conversation, several classifiers (all when None) in one call."""
        specs = self.registry.select(classifiers)
        block, record = self._block(conversation)
        inputs = {"tasks": [s.definitions.template_task() for s in specs], "conversation": block}
        model = functools.partial(label_model, [s.definitions for s in specs])
        template = self.registry.style("multi_task")
        records = {conversation.conversation_id: record}
        return self._finish("multi_task", template, specs, [conversation], inputs, model, records)

    def batched(
        self, conversations: Sequence[Conversation], classifiers: Sequence[str] | None = None
    ) -> RenderedPrompt:
        """Several conversations, one or more classifiers; the output is keyed by conversation id."""
        ids = [c.conversation_id for c in conversations]
        if not ids or len(set(ids)) != len(ids):
            raise PromptError(f"a batch needs distinct conversation ids, got {ids}")
        specs = self.registry.select(classifiers)
        blocks: list[str] = []
        records: dict[str, TruncationRecord] = {}
        for conversation, alias in zip(conversations, prompt_aliases(len(conversations)), strict=True):
            block, records[conversation.conversation_id] = self._block(conversation, alias)
            blocks.append(block)
        inputs = {"tasks": [s.definitions.template_task() for s in specs], "conversations": blocks}
        model = functools.partial(batched_model, [s.definitions for s in specs])
        template = self.registry.style("batched")
        return self._finish("batched", template, specs, conversations, inputs, model, records)

    def grader(self, conversation: Conversation, proposed: Mapping[str, str | None]) -> RenderedPrompt:
        """Ask a judge whether each proposed label is right; ``None`` means no valid label was proposed."""
        specs = self.registry.select(list(proposed))
        for spec in specs:
            label = proposed[spec.name]
            if label is not None and label not in spec.labels:
                raise PromptError(f"proposed {spec.name} label {label!r} is not one of {list(spec.labels)}")
        block, record = self._block(conversation)
        inputs = {
            "tasks": [s.definitions.template_task() for s in specs],
            "conversation": block,
            # Only canonical labels or null reach this JSON, so it needs no escaping.
            "proposed_labels": json.dumps({s.name: proposed[s.name] for s in specs}),
        }
        model = functools.partial(grader_model, [s.definitions for s in specs])
        template = self.registry.style("grader")
        records = {conversation.conversation_id: record}
        return self._finish("grader", template, specs, [conversation], inputs, model, records)
