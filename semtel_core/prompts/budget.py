"""Token budget: fit a conversation into ``max_tokens`` (of turn text) and record what was done.

Strategies:

- ``head``: keep the beginning; ``tail``: keep the end; ``head_tail``: keep both ends, elide the middle.
- ``turns``: cap every turn (both ends of a long turn kept), keep the first user turn (it states the task) and
  as many of the last turns as fit (they show how it ended); the turns in between are dropped.

Every elision leaves a marker in the text (``[… 120 tokens elided …]``), and the marker counts towards the limit.
Compression (see :mod:`semtel_core.prompts.compression`) runs first when enabled.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from semtel_core.prompts.compression import CompressionOptions, Turn, compress_turns
from semtel_core.prompts.tokens import count_tokens, decode, encode

if TYPE_CHECKING:
    from semtel_core.config import Settings
    from semtel_core.schema.conversation import Conversation

TruncationStrategy = Literal["none", "head", "tail", "head_tail", "turns"]
_MIN_TURN_CAP = 16


class TruncationRecord(BaseModel):
    """What the token budget did to one conversation; recorded on every result."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    strategy: TruncationStrategy
    limit: int | None
    truncated: bool
    original_tokens: int
    final_tokens: int
    turns_dropped: int = 0
    turns_cut: int = 0
    compression: tuple[str, ...] = ()
    compressed_tokens: int | None = None


@dataclass(frozen=True)
class TokenBudget:
    """How conversations are fitted into prompts. ``max_tokens=None`` never truncates."""

    max_tokens: int | None = None
    strategy: TruncationStrategy = "head_tail"
    compress: bool = False
    turn_cap: int | None = None
    compression: CompressionOptions = field(default_factory=CompressionOptions)

    def __post_init__(self) -> None:
        if self.max_tokens is not None and self.max_tokens < 2 * _MIN_TURN_CAP:
            raise ValueError(f"max_tokens must be at least {2 * _MIN_TURN_CAP}, got {self.max_tokens}")

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenBudget:
        s = settings.prompts
        return cls(
            max_tokens=s.max_conversation_tokens,
            strategy=s.truncation,
            compress=s.compress,
            turn_cap=s.turn_cap_tokens,
        )


def _marker(elided_tokens: int) -> str:
    return f"[… {elided_tokens} tokens elided …]"


ELISION_MARKER = re.compile(r"\[… \d+ (?:tokens|turns) elided …\]")  # what _marker and turn elision write


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _keep_span(
    tokens: Sequence[list[int]], head_n: int, tail_n: int
) -> tuple[list[int], list[str], int, int]:
    """Keep the first ``head_n`` and last ``tail_n`` tokens across turns; a marker replaces the middle.

    Returns (index of the source turn for each kept turn, kept contents, turns dropped, turns cut).
    """
    total = sum(len(t) for t in tokens)
    tail_start = total - tail_n
    marker = _marker(tail_start - head_n)
    sources: list[int] = []
    contents: list[str] = []
    dropped = cut = 0
    start = 0
    for i, toks in enumerate(tokens):
        end = start + len(toks)
        head = toks[: max(0, min(end, head_n) - start)]
        tail = toks[max(0, tail_start - start) :] if end > tail_start else []
        holds_marker = start <= head_n < end
        if not head and not tail and not holds_marker:
            dropped += 1
        else:
            cut += len(head) + len(tail) < len(toks)
            contents.append(_join(decode(head), marker if holds_marker else "", decode(tail)))
            sources.append(i)
        start = end
    return sources, contents, dropped, cut


def _split(strategy: TruncationStrategy, budget: int) -> tuple[int, int]:
    if strategy == "head":
        return budget, 0
    if strategy == "tail":
        return 0, budget
    return budget - budget // 2, budget // 2


def _fit_span(
    turns: Sequence[Turn], tokens: Sequence[list[int]], limit: int, strategy: TruncationStrategy
) -> tuple[tuple[Turn, ...], int, int]:
    budget = limit - count_tokens(_marker(sum(len(t) for t in tokens))) - 2
    for _ in range(4):  # re-tokenising decoded pieces can differ by a token or two: shrink until it fits
        sources, contents, dropped, cut = _keep_span(tokens, *_split(strategy, max(budget, 0)))
        fitted = tuple((turns[i][0], c) for i, c in zip(sources, contents, strict=True))
        excess = sum(count_tokens(c) for _, c in fitted) - limit
        if excess <= 0:
            break
        budget -= excess
    return fitted, dropped, cut


def _fit_turns_strategy(
    turns: Sequence[Turn], tokens: Sequence[list[int]], limit: int, cap: int
) -> tuple[tuple[Turn, ...], int, int]:
    capped: list[Turn] = []
    cut = 0
    for (role, content), toks in zip(turns, tokens, strict=True):
        if len(toks) > cap:
            (turn,), _, _ = _fit_span([(role, content)], [toks], cap, "head_tail")
            capped.append(turn)
            cut += 1
        else:
            capped.append((role, content))
    sizes = [count_tokens(c) for _, c in capped]
    first = next((i for i, (role, _) in enumerate(capped) if role == "user"), 0)
    used = sizes[first] + count_tokens(f"\n[… {len(turns)} turns elided …]")
    kept_tail: list[int] = []
    for i in range(len(capped) - 1, first, -1):
        if used + sizes[i] > limit:
            break
        kept_tail.append(i)
        used += sizes[i]
    kept = [first, *reversed(kept_tail)]
    dropped = len(capped) - len(kept)
    role, content = capped[first]
    head_turn = (role, content + f"\n[… {dropped} turns elided …]") if dropped else (role, content)
    return (head_turn, *(capped[i] for i in kept[1:])), dropped, cut


def _tokens_of(turns: Sequence[Turn]) -> int:
    return sum(count_tokens(c) for _, c in turns)


@lru_cache(maxsize=4096)
def fit_turns(turns: tuple[Turn, ...], budget: TokenBudget) -> tuple[tuple[Turn, ...], TruncationRecord]:
    """Fit (role, content) turns into the budget; the record says whether and how they were changed."""
    original_tokens = _tokens_of(turns)
    compression: tuple[str, ...] = ()
    compressed_tokens = None
    if budget.compress:
        turns, compression = compress_turns(turns, budget.compression)
        compressed_tokens = _tokens_of(turns)
    current = compressed_tokens if compressed_tokens is not None else original_tokens
    dropped = cut = 0
    limit = budget.max_tokens
    truncated = limit is not None and budget.strategy != "none" and current > limit
    if truncated and limit is not None:
        tokens = [encode(c) for _, c in turns]
        if budget.strategy == "turns":
            cap = budget.turn_cap or max(limit // 4, _MIN_TURN_CAP)
            turns, dropped, cut = _fit_turns_strategy(turns, tokens, limit, cap)
            if _tokens_of(turns) > limit:  # first user turn + markers alone exceed a tiny limit
                turns, more_dropped, more_cut = _fit_span(
                    turns, [encode(c) for _, c in turns], limit, "head_tail"
                )
                dropped, cut = dropped + more_dropped, cut + more_cut
        else:
            turns, dropped, cut = _fit_span(turns, tokens, limit, budget.strategy)
    final_tokens = _tokens_of(turns)
    record = TruncationRecord(
        strategy=budget.strategy,
        limit=limit,
        truncated=truncated,
        original_tokens=original_tokens,
        final_tokens=final_tokens,
        turns_dropped=dropped,
        turns_cut=cut,
        compression=compression,
        compressed_tokens=compressed_tokens,
    )
    return turns, record


def fit_conversation(
    conversation: Conversation, budget: TokenBudget
) -> tuple[tuple[Turn, ...], TruncationRecord]:
    """:func:`fit_turns` over a conversation's messages."""
    return fit_turns(tuple((m.role, m.content) for m in conversation.messages), budget)
