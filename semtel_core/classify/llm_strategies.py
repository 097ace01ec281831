"""The chat-completion strategies: ``single``, ``multi`` and ``batched``.

Each call renders its prompt just before it is sent (so only the calls in flight hold prompts), normalizes
the answer, and emits all of its rows at once: the journal write per call is the unit of durability.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from semtel_core.classify.rows import Target, call_rows
from semtel_core.classify.strategies import WorkItem
from semtel_core.llm.types import CallRequest, CallResult
from semtel_core.prompts.results import LabelResult
from semtel_core.prompts.shorten import Render, SentPrompt

if TYPE_CHECKING:
    from semtel_core.classify.context import StrategyContext
    from semtel_core.config import Settings
    from semtel_core.prompts.render import RenderedPrompt

Job = Callable[[], Awaitable[None]]


def _targets(ctx: StrategyContext, items: Sequence[WorkItem]) -> list[Target]:
    return [
        Target(item.content_hash, item.conversation.conversation_id, name, ctx.version(name))
        for item in items
        for name in item.classifiers
    ]


async def _send(
    ctx: StrategyContext, render: Render, request_id: str, labels: int
) -> tuple[RenderedPrompt, CallResult]:
    """Render and send; returns the prompt last sent (a shorter re-render after a context-length error)."""
    sent = SentPrompt(ctx.renderer, render)
    request = CallRequest(
        messages=sent.prompt.messages,
        max_tokens=ctx.max_tokens(labels),
        request_id=request_id,
        extra=ctx.request_extra(sent.prompt.response_format),
        truncate=sent.truncate,
        prompt_tokens_hint=sent.prompt.estimated_prompt_tokens,
    )
    ctx.counters.calls += 1
    call = await ctx.client.complete(request)
    return sent.prompt, call


def _render_one(item: WorkItem) -> Render:
    """The prompt of one conversation's call, under whichever renderer (budget) it is given."""
    conversation, names = item.conversation, item.classifiers
    if len(names) == 1:
        return lambda renderer: renderer.single(conversation, names[0])
    return lambda renderer: renderer.multi_task(conversation, names)


def _requested_model(ctx: StrategyContext) -> str:
    return "+".join(sorted({e.model for e in ctx.settings.endpoints}))


async def _one_conversation(ctx: StrategyContext, item: WorkItem, strategy: str) -> None:
    """One conversation, its classifiers in one call (the single-classifier template when there is one)."""
    conversation = item.conversation
    request_id = f"{item.content_hash}:{'+'.join(item.classifiers)}"
    prompt, call = await _send(ctx, _render_one(item), request_id, len(item.classifiers))
    labels = None
    if call.ok:
        output = ctx.normalizer.normalize(prompt, call.content or "")
        per_class = output.results.get(conversation.conversation_id, {})
        labels = {(conversation.conversation_id, k): v for k, v in per_class.items()}
    rows = call_rows(
        call,
        _targets(ctx, [item]),
        labels,
        prompt.truncation,
        run_id=ctx.run_id,
        strategy=strategy,
        requested_model=_requested_model(ctx),
    )
    ctx.emit(rows)


class SingleStrategy:
    """One call per conversation x classifier."""

    name = "single"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def run(self, items: Sequence[WorkItem], ctx: StrategyContext) -> None:
        def jobs() -> Iterator[Job]:
            for item in items:
                for name in item.classifiers:
                    one = WorkItem(item.content_hash, item.conversation, (name,))
                    yield functools.partial(_one_conversation, ctx, one, self.name)

        await ctx.fan_out(jobs())


class MultiStrategy:
    """One call per conversation for all of its (missing) classifiers of this strategy."""

    name = "multi"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def run(self, items: Sequence[WorkItem], ctx: StrategyContext) -> None:
        await ctx.fan_out(functools.partial(_one_conversation, ctx, item, self.name) for item in items)


class BatchedStrategy:
    """``batch_size`` conversations per call, in a seeded shuffled order (against position bias); ids the
    answer lacks are re-run one conversation per call, extra and duplicated ids are counted and dropped."""

    name = "batched"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def _batches(self, items: Sequence[WorkItem]) -> Iterator[list[WorkItem]]:
        groups: dict[tuple[str, ...], list[WorkItem]] = {}
        for item in items:  # a batch asks the same classifiers of all its conversations
            groups.setdefault(item.classifiers, []).append(item)
        rng = random.Random(self.settings.classify.shuffle_seed)
        size = self.settings.classify.batch_size
        for group in groups.values():
            order = sorted(group, key=lambda i: i.content_hash)
            rng.shuffle(order)
            for start in range(0, len(order), size):
                yield order[start : start + size]

    async def run(self, items: Sequence[WorkItem], ctx: StrategyContext) -> None:
        await ctx.fan_out(functools.partial(self._call, ctx, batch) for batch in self._batches(items))

    async def _call(self, ctx: StrategyContext, batch: list[WorkItem]) -> None:
        if len(batch) == 1:
            await _one_conversation(ctx, batch[0], self.name)
            return
        names = batch[0].classifiers
        conversations = [i.conversation for i in batch]
        request_id = "batch:" + ",".join(i.content_hash[:12] for i in batch)
        prompt, call = await _send(
            ctx, lambda renderer: renderer.batched(conversations, names), request_id, len(batch) * len(names)
        )
        answered = batch
        labels: dict[tuple[str, str], LabelResult] | None = None
        if call.ok:
            output = ctx.normalizer.normalize(prompt, call.content or "")
            ctx.counters.missing_ids += len(output.missing_ids)
            ctx.counters.extra_ids += len(output.extra_ids)
            ctx.counters.duplicate_ids += len(output.duplicate_ids)
            missing = set(output.missing_ids)
            answered = [i for i in batch if i.conversation.conversation_id not in missing]
            labels = {(cid, k): v for cid, per in output.results.items() for k, v in per.items()}
            rerun = [i for i in batch if i.conversation.conversation_id in missing]
        else:
            rerun = []
        if answered:
            rows = call_rows(
                call,
                _targets(ctx, answered),
                labels,
                prompt.truncation,
                run_id=ctx.run_id,
                strategy=self.name,
                requested_model=_requested_model(ctx),
            )
            ctx.emit(rows)
        ctx.counters.reruns += len(rerun)
        for item in rerun:  # the call's tokens stay on the answered rows; each re-run carries its own
            await _one_conversation(ctx, item, self.name)
