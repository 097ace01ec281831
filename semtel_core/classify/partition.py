"""The one per-partition function both engines call: conversations (Arrow) in, result rows (Arrow) out.

Steps: group conversations by content hash (identical content is classified once), load what earlier attempts
already paid for (checkpoint journals and the partition's earlier final file), run each strategy over the
work still missing with one async LLM client, journaling every call's rows as they arrive, then copy each
content hash's rows to every conversation id with that content. :func:`write_partition` is the compaction:
the final Parquet file atomically, then the journals go.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from semtel_core import storage
from semtel_core.classify.checkpoint import CheckpointJournal, clear_checkpoint, load_checkpoint
from semtel_core.classify.content import copy_to_duplicates, group_by_content
from semtel_core.classify.context import StrategyContext, StrategyCounters
from semtel_core.classify.rows import CheckpointKey, HashRow, checkpoint_key
from semtel_core.classify.strategies import WorkItem, get_strategy, group_by_strategy
from semtel_core.config import Settings
from semtel_core.errors import ReconciliationError
from semtel_core.llm.client import LLMClient
from semtel_core.llm.runner import run_sync
from semtel_core.schema.conversation import Conversation, Message
from semtel_core.schema.results import RESULT_SCHEMA

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Progress:
    """One finished call as the progress bar sees it."""

    rows: int
    conversations_done: int  # conversation ids whose every classifier is now done
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    rate_limited: int  # 429 answers so far in this partition (refreshed at most twice a second)
    partition: str


OnProgress = Callable[[Progress], None]


@dataclass
class PartitionResult:
    results: pa.Table
    conversations: int
    unique_contents: int
    reused_rows: int  # hash rows found in the checkpoint, not requested again
    new_rows: int
    counters: StrategyCounters = field(default_factory=StrategyCounters)
    client_stats: dict[str, Any] = field(default_factory=dict)


def conversations_from_arrow(table: pa.Table) -> list[Conversation]:
    """Rows of :data:`semtel_core.schema.arrow.CONVERSATION_SCHEMA` as conversations (already validated)."""
    out = []
    for row in table.select(["conversation_id", "timestamp", "messages"]).to_pylist():
        messages = tuple(
            Message.model_construct(role=m["role"], content=m["content"]) for m in row["messages"]
        )
        out.append(
            Conversation.model_construct(
                conversation_id=row["conversation_id"], timestamp=row["timestamp"], messages=messages
            )
        )
    return out


class _Tracker:
    """Journals rows, keeps them by key, and counts conversations whose every classifier is done."""

    def __init__(
        self,
        journal: CheckpointJournal,
        found: dict[CheckpointKey, HashRow],
        remaining: dict[str, int],
        ids_per_hash: dict[str, int],
        on_progress: OnProgress | None,
    ) -> None:
        self.journal, self.found, self.remaining = journal, found, remaining
        self.ids_per_hash, self.on_progress = ids_per_hash, on_progress
        self.new_rows = 0
        self.partition = ""
        self.client: LLMClient | None = None
        self._rate_limited = 0
        self._stats_at = 0.0

    def _rate_limited_now(self) -> int:
        now = time.monotonic()
        if (
            self.client is not None and now - self._stats_at >= 0.5
        ):  # a snapshot sorts latencies: not per call
            self._stats_at = now
            self._rate_limited = self.client.stats().rate_limited
        return self._rate_limited

    def emit(self, rows: Sequence[HashRow]) -> None:
        self.journal.append(rows)
        done = 0
        for row in rows:
            key = checkpoint_key(row)
            if key in self.found:
                continue
            self.found[key] = row
            self.new_rows += 1
            self.remaining[row["content_hash"]] -= 1
            if self.remaining[row["content_hash"]] == 0:
                done += self.ids_per_hash[row["content_hash"]]
        if self.on_progress is not None:
            self.on_progress(
                Progress(
                    rows=len(rows),
                    conversations_done=done,
                    prompt_tokens=sum(r["prompt_tokens"] for r in rows),
                    completion_tokens=sum(r["completion_tokens"] for r in rows),
                    cost_usd=sum(r["cost_usd"] for r in rows),
                    rate_limited=self._rate_limited_now(),
                    partition=self.partition,
                )
            )


@dataclass(frozen=True)
class _Plan:
    strategy: str
    items: list[WorkItem]


def _pool_models(settings: Settings) -> list[str]:
    return sorted({e.model for e in settings.endpoints})


def _done(
    found: dict[CheckpointKey, HashRow],
    content_hash: str,
    name: str,
    version: str,
    strategy: str,
    models: list[str],
) -> bool:
    """A row from any model of the pool counts (a pool may mix deployments of one model under two names)."""
    return any((content_hash, name, version, m, strategy) in found for m in models)


def _plans(
    reps: dict[str, Conversation],
    classifiers: Sequence[str],
    settings: Settings,
    default: str | None,
    versions: dict[str, str],
    found: dict[CheckpointKey, HashRow],
) -> list[_Plan]:
    models = _pool_models(settings)
    plans = []
    for strategy, names in group_by_strategy(classifiers, settings, default).items():
        items = []
        for content_hash, conversation in reps.items():
            missing = tuple(
                n for n in names if not _done(found, content_hash, n, versions[n], strategy, models)
            )
            if missing:
                items.append(WorkItem(content_hash, conversation, missing))
        plans.append(_Plan(strategy, items))
    return plans


def _expand(
    groups: dict[str, list[str]],
    classifiers: Sequence[str],
    strategy_of: dict[str, str],
    versions: dict[str, str],
    found: dict[CheckpointKey, HashRow],
    models: list[str],
    run_id: str,
) -> pa.Table:
    """Every conversation id x classifier, from its content's row; tokens and cost stay on the first id (the
    one the call was made for), copies carry zero so that sums equal what was paid."""
    rows: list[HashRow] = []
    for content_hash, ids in groups.items():
        for name in classifiers:
            keys = [(content_hash, name, versions[name], m, strategy_of[name]) for m in models]
            row = next((found[k] for k in keys if k in found), None)
            if row is None:  # a strategy broke its contract: fail the partition, never write a hole
                raise ReconciliationError(
                    f"strategy {strategy_of[name]!r} produced no row for content {content_hash} x {name}",
                    content_hash=content_hash,
                    classifier=name,
                )
            rows += copy_to_duplicates(row, ids, run_id=run_id)
    rows.sort(key=lambda r: (r["conversation_id"], r["classifier"]))
    return pa.Table.from_pylist(rows, schema=RESULT_SCHEMA)


async def _run_strategies(plans: list[_Plan], ctx: StrategyContext) -> None:
    await asyncio.gather(
        *(get_strategy(plan.strategy, ctx.settings).run(plan.items, ctx) for plan in plans if plan.items)
    )


def classify_partition(
    conversations: pa.Table,
    classifiers: Sequence[str],
    settings: Settings,
    *,
    run_id: str,
    checkpoint_dir: str,
    cache_files: Sequence[str] = (),
    strategy: str | None = None,
    share: int = 1,
    on_progress: OnProgress | None = None,
) -> PartitionResult:
    """Classify one partition (blocking; runs its own event loop, also from inside a running one).

    ``strategy`` is the default for classifiers without an override in ``settings.classify.strategies``;
    ``share`` is the number of partitions classified at the same time against the same endpoints.
    """
    from semtel_core.prompts import ClassifierRegistry, OutputNormalizer, PromptRenderer, TokenBudget

    registry = ClassifierRegistry.from_settings(settings)
    versions = {name: registry.get(name).version for name in classifiers}
    convs = conversations_from_arrow(conversations)
    by_id = {c.conversation_id: c for c in convs}
    groups = group_by_content(convs)
    reps = {h: by_id[ids[0]] for h, ids in groups.items()}
    found = load_checkpoint(checkpoint_dir, cache_files)
    plans = _plans(reps, classifiers, settings, strategy, versions, found)
    reused = len(groups) * len(classifiers) - sum(len(i.classifiers) for p in plans for i in p.items)
    remaining = {h: 0 for h in groups}
    for plan in plans:
        for item in plan.items:
            remaining[item.content_hash] += len(item.classifiers)
    counters = StrategyCounters()
    stats: dict[str, Any] = {}
    journal = CheckpointJournal(checkpoint_dir)
    tracker = _Tracker(journal, found, remaining, {h: len(ids) for h, ids in groups.items()}, on_progress)
    tracker.partition = checkpoint_dir.rstrip("/").rsplit("/", 1)[-1]

    async def go() -> None:
        async with LLMClient.from_settings(settings, share=share) as client:
            tracker.client = client
            ctx = StrategyContext(
                settings=settings,
                registry=registry,
                renderer=PromptRenderer(registry, TokenBudget.from_settings(settings)),
                normalizer=OutputNormalizer.from_settings(registry, settings),
                client=client,
                run_id=run_id,
                emit=tracker.emit,
                counters=counters,
            )
            await _run_strategies(plans, ctx)
            stats.update(client.stats().as_dict())
            stats["outage"] = client.outage

    try:
        run_sync(go)
    finally:
        journal.close()
    strategy_of = {
        n: s for s, names in group_by_strategy(classifiers, settings, strategy).items() for n in names
    }
    table = _expand(groups, classifiers, strategy_of, versions, found, _pool_models(settings), run_id)
    return PartitionResult(
        results=table,
        conversations=len(convs),
        unique_contents=len(groups),
        reused_rows=reused,
        new_rows=tracker.new_rows,
        counters=counters,
        client_stats=stats,
    )


def write_partition(result: PartitionResult, results_path: str, checkpoint_dir: str) -> None:
    """Compaction: the partition's final Parquet appears atomically, then its journals are removed."""
    with storage.atomic_open(results_path) as fh:
        pq.write_table(result.results, fh, compression="zstd")
    clear_checkpoint(checkpoint_dir)
