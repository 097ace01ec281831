"""The strategy seam: how a set of conversations gets labels for a set of classifiers.

A strategy receives work items (one per distinct conversation content, with the classifiers still missing for
it) and a context, and hands every finished row to ``ctx.emit`` as soon as its call completes; ``emit`` makes
the rows durable (checkpoint journal) before it returns. The engine does the rest: dedupe, checkpoints, the
expansion of rows to every conversation id, reconciliation. Built-in strategies: ``single``, ``multi``,
``batched`` (``semtel_core.classify.llm_strategies``). Others (``embedding``) plug in with
:func:`register_strategy` or through ``classify.strategy_plugins`` in the settings (``name: "module:attr"``),
which also reaches Spark executors, since settings travel with the task.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from semtel_core.errors import ConfigError

if TYPE_CHECKING:
    from semtel_core.classify.context import StrategyContext
    from semtel_core.config import Settings
    from semtel_core.schema.conversation import Conversation


@dataclass(frozen=True, slots=True)
class WorkItem:
    """One distinct conversation content and the classifiers (of this strategy) it still lacks."""

    content_hash: str
    conversation: Conversation  # the representative: the smallest conversation id with this content
    classifiers: tuple[str, ...]


class ClassificationStrategy(Protocol):
    """What the engine calls. ``name`` is written to every row's ``strategy`` field and is part of the
    checkpoint key, so results of different strategies never stand in for each other."""

    name: str

    async def run(self, items: Sequence[WorkItem], ctx: StrategyContext) -> None:
        """Produce exactly one row per (item, classifier in ``item.classifiers``) through ``ctx.emit``."""
        ...


StrategyFactory = Callable[["Settings"], ClassificationStrategy]

_BUILTIN: dict[str, str] = {
    "single": "semtel_core.classify.llm_strategies:SingleStrategy",
    "multi": "semtel_core.classify.llm_strategies:MultiStrategy",
    "batched": "semtel_core.classify.llm_strategies:BatchedStrategy",
}
_registered: dict[str, StrategyFactory] = {}
_lock = threading.Lock()


def register_strategy(name: str, factory: StrategyFactory) -> None:
    """Make ``name`` available in this process (later registrations win)."""
    with _lock:
        _registered[name] = factory


def _load(path: str, name: str) -> StrategyFactory:
    module, _, attribute = path.partition(":")
    try:
        factory: Any = getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(
            f"strategy {name!r}: cannot load {path!r}: {exc}", field=f"classify.strategy_plugins.{name}"
        ) from None
    return factory  # type: ignore[no-any-return]


def known_strategies(settings: Settings) -> list[str]:
    """Every strategy name ``get_strategy`` accepts with these settings."""
    with _lock:
        registered = set(_registered)
    return sorted({*_BUILTIN, *registered, *settings.classify.strategy_plugins})


def get_strategy(name: str, settings: Settings) -> ClassificationStrategy:
    """The strategy called ``name``: registered, else a plugin from the settings, else a built-in one."""
    with _lock:
        factory = _registered.get(name)
    if factory is None:
        path = settings.classify.strategy_plugins.get(name) or _BUILTIN.get(name)
        if path is None:
            known = known_strategies(settings)
            raise ConfigError(
                f"unknown strategy {name!r}; known: {known} (register one with "
                "semtel_core.classify.register_strategy or classify.strategy_plugins)",
                field="classify.strategy",
            )
        factory = _load(path, name)
    return factory(settings)


def strategy_of(classifier: str, settings: Settings, default: str | None = None) -> str:
    """The strategy configured for one classifier: its override, else ``default``, else the settings'."""
    return settings.classify.strategies.get(classifier) or default or settings.classify.strategy


def group_by_strategy(
    classifiers: Sequence[str], settings: Settings, default: str | None = None
) -> dict[str, tuple[str, ...]]:
    """Classifiers grouped by strategy name, each group in the given classifier order."""
    groups: dict[str, list[str]] = {}
    for name in classifiers:
        groups.setdefault(strategy_of(name, settings, default), []).append(name)
    return {k: tuple(v) for k, v in groups.items()}
