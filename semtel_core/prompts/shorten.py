"""A shorter prompt for the LLM client's one retry after a context-length error.

Cutting the message text would break the conversation blocks and delimiters the normalizer relies on, so the
prompt is rendered again, from the same conversations and classifiers, under a tighter conversation budget.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from semtel_core.prompts.budget import TokenBudget, TruncationRecord
from semtel_core.prompts.render import ChatMessage, PromptRenderer, RenderedPrompt

Render = Callable[[PromptRenderer], RenderedPrompt]
_MIN_CAP = 32  # the smallest TokenBudget.max_tokens


def halving_cap(sizes: Collection[int]) -> int:
    """The largest per-conversation cap under which the conversations' total tokens at most halves.

    Water-filling: only the longest conversations are cut, so the short ones of a batch keep their text.
    """
    left = sum(sizes) // 2
    ordered = sorted(sizes)
    for i, size in enumerate(ordered):
        if size * (len(ordered) - i) > left:  # the cap falls inside this conversation
            return left // (len(ordered) - i)
        left -= size
    return ordered[-1] if ordered else 0


def retry_budget(budget: TokenBudget, records: Collection[TruncationRecord]) -> TokenBudget:
    """The budget of the retry: the same strategy, capped so that the prompt's conversation tokens halve.

    Half, because the overshoot comes from a provider tokenizer counting more than our cl100k estimate, which
    stays well under 2x on text, and there is only one retry: halving clears it without a second guess.
    """
    cap = halving_cap([r.final_tokens for r in records])
    return dataclasses.replace(budget, max_tokens=max(cap, _MIN_CAP))


class SentPrompt:
    """The prompt of one call: rendered at once, and re-rendered shorter by :meth:`shorten`, the
    ``CallRequest.truncate`` callback. ``prompt`` is always the prompt last sent, whose truncation the rows
    record and against which the answer is normalized."""

    def __init__(self, renderer: PromptRenderer, render: Render) -> None:
        self._renderer = renderer
        self._render = render
        self.prompt = render(renderer)

    @property
    def truncate(self) -> Callable[[Sequence[Mapping[str, Any]]], list[ChatMessage]] | None:
        """The callback, or ``None`` under ``truncation: none`` (conversations are never cut)."""
        return None if self._renderer.budget.strategy == "none" else self.shorten

    def shorten(self, messages: Sequence[Mapping[str, Any]]) -> list[ChatMessage]:
        budget = retry_budget(self._renderer.budget, list(self.prompt.truncation.values()))
        self.prompt = self._render(self._renderer.with_budget(budget))
        return self.prompt.messages
