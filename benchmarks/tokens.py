"""Token cost per (conversation × classifier) of each prompt strategy, on real Chatbot Arena conversations.

Prompt tokens come from the real rendered prompts (chat messages + the response_format schema, counted with
cl100k_base); completion tokens from a schema-valid JSON answer of the shape each prompt asks for, with labels
picked deterministically per conversation. Strategies: single (one classifier per call), multi-task (all
classifiers, one conversation per call) and batched multi-task with N = 5, 10, 20, each without truncation and
with per-conversation limits of 512 / 1024 / 2048 tokens (head_tail).

    .venv/bin/python benchmarks/tokens.py [--limit N] [--data PATH]

Target: batched multi-task at N = 10 costs at most 20% of single-task tokens per conversation-classifier.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from semtel_core.prompts import ClassifierRegistry, PromptRenderer, TokenBudget
from semtel_core.prompts.tokens import count_tokens
from semtel_core.schema.conversation import Conversation

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "arena_conversations.jsonl"
LIMITS: tuple[int | None, ...] = (None, 512, 1024, 2048)
BATCH_SIZES = (5, 10, 20)
TARGET = 0.20


@dataclass
class Cost:
    prompt: int = 0
    completion: int = 0
    units: int = 0  # conversation × classifier pairs covered

    def add(self, prompt: int, completion: int, units: int) -> None:
        self.prompt += prompt
        self.completion += completion
        self.units += units

    @property
    def per_unit(self) -> tuple[float, float, float]:
        p, c = self.prompt / self.units, self.completion / self.units
        return p, c, p + c


def _label(conversation_id: str, labels: Sequence[str], classifier: str) -> str:
    digest = hashlib.blake2b(f"{classifier}\x00{conversation_id}".encode(), digest_size=4).digest()
    return labels[int.from_bytes(digest, "little") % len(labels)]


def _answer(registry: ClassifierRegistry, conversation_id: str, names: Sequence[str]) -> dict[str, str]:
    return {n: _label(conversation_id, registry.get(n).labels, n) for n in names}


def _completion_tokens(value: object) -> int:
    return count_tokens(json.dumps(value, separators=(",", ":")))


def _measure(
    registry: ClassifierRegistry, conversations: Sequence[Conversation], limit: int | None
) -> dict[str, Cost]:
    renderer = PromptRenderer(registry, TokenBudget(max_tokens=limit, strategy="head_tail"))
    names = list(registry.names)
    costs = {"single": Cost(), "multi_task": Cost(), **{f"batched N={n}": Cost() for n in BATCH_SIZES}}
    for conversation in conversations:
        cid = conversation.conversation_id
        for name in names:
            prompt = renderer.single(conversation, name)
            costs["single"].add(
                prompt.estimated_prompt_tokens, _completion_tokens(_answer(registry, cid, [name])), 1
            )
        prompt = renderer.multi_task(conversation, names)
        costs["multi_task"].add(
            prompt.estimated_prompt_tokens, _completion_tokens(_answer(registry, cid, names)), len(names)
        )
    for n in BATCH_SIZES:
        for start in range(0, len(conversations), n):
            chunk = conversations[start : start + n]
            prompt = renderer.batched(chunk, names)
            answer = {
                "results": [
                    {"conversation_id": c.conversation_id, **_answer(registry, c.conversation_id, names)}
                    for c in chunk
                ]
            }
            costs[f"batched N={n}"].add(
                prompt.estimated_prompt_tokens, _completion_tokens(answer), len(chunk) * len(names)
            )
    return costs


def _load(path: Path, limit: int | None) -> list[Conversation]:
    conversations = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            conversations.append(
                Conversation(conversation_id=row["conversation_id"], messages=row["messages"])
            )
            if limit is not None and len(conversations) >= limit:
                break
    return conversations


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="first N conversations only (default: all)")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"skipped: {args.data} is not present")
        return 0
    started = time.perf_counter()
    registry = ClassifierRegistry()
    conversations = _load(args.data, args.limit)
    print(
        f"{len(conversations)} conversations from {args.data.name}, classifiers: {', '.join(registry.names)}"
    )
    print(
        "tokens per (conversation × classifier); % = total relative to single at the same truncation limit\n"
    )
    print("| truncation | strategy | prompt | completion | total | % of single |")
    print("|---|---|---:|---:|---:|---:|")
    failures = []
    for limit in LIMITS:
        costs = _measure(registry, conversations, limit)
        single_total = costs["single"].per_unit[2]
        label = "none" if limit is None else f"{limit} head_tail"
        for strategy, cost in costs.items():
            p, c, t = cost.per_unit
            print(f"| {label} | {strategy} | {p:.1f} | {c:.1f} | {t:.1f} | {100 * t / single_total:.1f}% |")
        ratio = costs["batched N=10"].per_unit[2] / single_total
        if ratio > TARGET:
            failures.append(f"{label}: batched N=10 at {100 * ratio:.1f}%")
    verdict = "PASS" if not failures else "FAIL (" + "; ".join(failures) + ")"
    print(f"\ntarget batched multi-task N=10 <= {100 * TARGET:.0f}% of single: {verdict}")
    print(f"elapsed {time.perf_counter() - started:.1f}s")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
