"""What a strategy works with: the prompt layer, the LLM client, the row builder and the durable ``emit``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from semtel_core.classify.content import completion_budget
from semtel_core.classify.rows import HashRow
from semtel_core.llm.fanout import fan_out

if TYPE_CHECKING:
    from semtel_core.config import Settings
    from semtel_core.llm.client import LLMClient
    from semtel_core.prompts import ClassifierRegistry, OutputNormalizer, PromptRenderer

_MIN_WINDOW = 8


@dataclass
class StrategyCounters:
    """What strategies report beyond rows: calls made, batched answers' id problems, single re-runs."""

    calls: int = 0
    missing_ids: int = 0
    extra_ids: int = 0
    duplicate_ids: int = 0
    reruns: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class StrategyContext:
    """Shared by the strategies of one partition. ``emit`` writes rows to the checkpoint journal (one write
    and flush per call) and counts progress; call it once per finished call with all of that call's rows."""

    settings: Settings
    registry: ClassifierRegistry
    renderer: PromptRenderer
    normalizer: OutputNormalizer
    client: LLMClient
    run_id: str
    emit: Callable[[Sequence[HashRow]], None]
    counters: StrategyCounters = field(default_factory=StrategyCounters)

    def version(self, classifier: str) -> str:
        return self.registry.get(classifier).version

    def max_tokens(self, labels: int) -> int:
        """Completion budget of a call answering ``labels`` labels (conversations x classifiers)."""
        return completion_budget(self.settings, labels)

    def request_extra(self, response_format: dict[str, Any]) -> dict[str, Any]:
        # ``extra_body``: the schema goes into the request JSON as is (as create() sends it), never through the
        # SDK's TypedDict transform (~2 ms a request for a schema).
        return {
            "extra_body": {"response_format": response_format},
            "temperature": self.settings.classify.temperature,
        }

    async def fan_out(self, jobs: Iterable[Callable[[], Awaitable[None]]]) -> None:
        """Run jobs concurrently, keeping ``LLMClient.worth_starting`` started at a time, so a
        partition of a million items never becomes a million pending tasks (or rendered prompts)."""
        # A bug in a strategy fails the partition loudly (the exception propagates, the other jobs are cancelled).
        await fan_out((job() for job in jobs), lambda: max(_MIN_WINDOW, self.client.worth_starting))
