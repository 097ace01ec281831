"""The ``embedding`` strategy of the classification engine, with the optional cascade to an LLM strategy.

Settings (``evaluation:`` section): ``embedding_bundle`` (a ``semtel embed train`` folder), ``cascade_threshold``
(rows whose chosen label's calibrated probability is below it go to ``cascade_strategy``, an LLM strategy such as
``multi``). Enable it per classifier with ``classify.strategies: {topic: embedding}`` and
``classify.strategy_plugins: {embedding: "semtel_core.evaluate.embedding_strategy:EmbeddingStrategy"}``.

Rows follow the engine's checkpoint key: ``classifier_version`` is the prompt registry's version, ``model`` the
pool's model name and ``strategy`` ``"embedding"`` on every row the strategy is responsible for, cascaded ones
included (otherwise a rerun would pay the LLM again). Which path a row took is in ``endpoint``: rows from the
embedding path carry ``embedding:<bundle version>:<embedding model>`` and their ``confidence``; cascaded rows
carry the LLM endpoint's name. A classifier the bundle has no model for goes to the LLM strategy when a cascade
is configured, else it is an ``error`` row.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import numpy as np

from semtel_core.classify.reconcile import EMBEDDING_ENDPOINT_PREFIX
from semtel_core.config import EndpointSettings, Settings
from semtel_core.errors import ConfigError
from semtel_core.evaluate.artefact import EmbeddingBundle
from semtel_core.evaluate.embedders import Embedder, EmbeddingSpec, build_embedder
from semtel_core.evaluate.predict import predict_labels
from semtel_core.schema.results import result_row, with_changes

if TYPE_CHECKING:
    from semtel_core.classify.context import StrategyContext
    from semtel_core.classify.rows import HashRow
    from semtel_core.classify.strategies import WorkItem

__all__ = ["EMBEDDING_ENDPOINT_PREFIX", "EmbeddingStrategy"]
log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=4)
def _bundle(path: str) -> EmbeddingBundle:
    return EmbeddingBundle.load(path)


@functools.lru_cache(maxsize=2)
def _in_process_embedder(spec: EmbeddingSpec) -> Embedder:
    """One per process: the in-process encoder loads its weights once, not once per partition."""
    return build_embedder(spec)


def _endpoint_for(settings: Settings) -> EndpointSettings:
    wanted = settings.evaluation.embedding_endpoint
    for endpoint in settings.endpoints:
        if wanted in (None, endpoint.name):
            return endpoint
    raise ConfigError(f"no endpoint named {wanted!r}", field="evaluation.embedding_endpoint")


class EmbeddingStrategy:
    name = "embedding"

    def __init__(self, settings: Settings) -> None:
        path = settings.evaluation.embedding_bundle
        if not path:
            raise ConfigError(
                "strategy 'embedding' needs evaluation.embedding_bundle (a 'semtel embed train' folder)",
                field="evaluation.embedding_bundle",
            )
        self.bundle = _bundle(path)
        self.threshold = settings.evaluation.cascade_threshold
        self.cascade = settings.evaluation.cascade_strategy if self.threshold is not None else None
        spec = self.bundle.manifest.embedding
        self._embedder = (
            build_embedder(spec, _endpoint_for(settings))
            if spec.provider == "endpoint"
            else _in_process_embedder(spec)
        )
        self._tag = f"{EMBEDDING_ENDPOINT_PREFIX}{self.bundle.manifest.version}:{spec.model}"

    async def run(self, items: Sequence[WorkItem], ctx: StrategyContext) -> None:
        loop = asyncio.get_running_loop()
        started = loop.time()
        picks = await asyncio.to_thread(self._predict, items)
        per_item_ms = (loop.time() - started) * 1000 / max(len(items), 1)
        rows: list[HashRow] = []
        deferred: dict[int, list[str]] = {}
        abstained: set[tuple[int, str]] = set()
        for index, item in enumerate(items):
            for name in item.classifiers:
                pick = picks[name][index] if name in picks else None
                if pick is not None and self.bundle.abstains(name, np.asarray([pick[1]]))[0]:
                    abstained.add((index, name))  # the bundle's 'unknown': the cascade, or a row that says so
                    deferred.setdefault(index, []).append(name)
                elif pick is not None and (self.threshold is None or pick[1] >= self.threshold):
                    rows.append(self._row(item, name, ctx, label=pick[0], confidence=pick[1], ms=per_item_ms))
                else:
                    deferred.setdefault(index, []).append(name)
        if rows:
            ctx.emit(rows)
        if deferred:
            work = [replace(items[i], classifiers=tuple(n)) for i, n in deferred.items()]
            await self._defer(work, ctx, {(items[i].content_hash, n) for i, n in abstained})
        log.info(
            "embedding strategy: %d rows by embedding, %d to %s",
            len(rows),
            sum(len(v) for v in deferred.values()),
            self.cascade or "error rows (no cascade)",
        )

    def _predict(self, items: Sequence[WorkItem]) -> dict[str, list[tuple[str, float]]]:
        """Per classifier the bundle knows: (label, its calibrated probability) for every item, in item order;
        every classifier reads the same features."""
        wanted = {name for item in items for name in item.classifiers} & set(self.bundle.classifiers)
        conversations = [item.conversation for item in items]
        return predict_labels(self.bundle, conversations, sorted(wanted), self._embedder)

    def _row(
        self,
        item: WorkItem,
        name: str,
        ctx: StrategyContext,
        *,
        label: str | None,
        confidence: float | None,
        ms: float = 0.0,
        reason: str | None = None,
    ) -> HashRow:
        return result_row(
            run_id=ctx.run_id,
            conversation_id=item.conversation.conversation_id,
            content_hash=item.content_hash,
            classifier=name,
            classifier_version=ctx.version(name),
            label=label,
            status="ok" if label is not None else "error",
            reason=reason,
            strategy=self.name,
            model=ctx.settings.endpoints[0].model,
            endpoint=self._tag,
            latency_ms=ms,
            confidence=confidence,
            created_at=datetime.now(UTC),
        )

    async def _defer(
        self, work: Sequence[WorkItem], ctx: StrategyContext, abstained: set[tuple[str, str]]
    ) -> None:
        if self.cascade is None:
            version = self.bundle.manifest.version
            no_model = f"no embedding model for this classifier in bundle {version}"
            unknown = f"unknown: below the 'unknown' floor of bundle {version}, and no cascade to an LLM"
            ctx.emit(
                [
                    self._row(
                        w,
                        n,
                        ctx,
                        label=None,
                        confidence=None,
                        reason=unknown if (w.content_hash, n) in abstained else no_model,
                    )
                    for w in work
                    for n in w.classifiers
                ]
            )
            return
        from semtel_core.classify.strategies import get_strategy

        llm = get_strategy(self.cascade, ctx.settings)
        await llm.run(work, replace(ctx, emit=_as_embedding(ctx.emit, self.name)))


def _as_embedding(
    emit: Callable[[Sequence[HashRow]], None], strategy: str
) -> Callable[[Sequence[HashRow]], None]:
    """Cascaded rows keep the LLM's labels and endpoint but the checkpoint key of this strategy."""

    def wrapped(rows: Sequence[HashRow]) -> None:
        emit([with_changes(row, strategy=strategy) for row in rows])

    return wrapped
