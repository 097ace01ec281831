"""The grader calls: one grader prompt per flagged conversation content, then a single-task re-classification
with the (stronger) re-classification model for every label judged wrong.

Async over the project's rate-limit-aware client; each conversation's grader call and its re-classifications
run as one job of a bounded fan-out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from semtel_core.config import EndpointSettings, Settings
from semtel_core.errors import ConfigError
from semtel_core.llm.client import LLMClient
from semtel_core.llm.fanout import fan_out
from semtel_core.llm.types import CallRequest, CallResult
from semtel_core.prompts import ClassifierRegistry, OutputNormalizer, PromptRenderer, TokenBudget
from semtel_core.prompts.results import GradeResult, LabelResult
from semtel_core.prompts.shorten import Render, SentPrompt
from semtel_core.schema.conversation import Conversation

_WINDOW = 16


@dataclass(frozen=True)
class ReviewUnit:
    """One grader call: a conversation content and the labels proposed for it (``None``: no valid label)."""

    content_hash: str
    conversation: Conversation
    proposals: dict[str, str | None]


@dataclass
class Judgement:
    """The grader's word on one (content, classifier), and the re-classification when judged wrong."""

    verdict: str | None  # correct / incorrect / None (the grader call failed or its answer was unusable)
    grade: GradeResult | None = None
    relabel: LabelResult | None = None
    relabel_call: CallResult | None = None

    @property
    def relabel_failed(self) -> bool:
        """Judged wrong, but the re-classification gave no valid label."""
        return self.verdict == "incorrect" and (self.relabel is None or self.relabel.label is None)


@dataclass
class RecheckCalls:
    grader: list[CallResult] = field(default_factory=list)
    reclassify: list[CallResult] = field(default_factory=list)


def endpoint_for(settings: Settings, model: str | None) -> EndpointSettings:
    """The grader endpoint (``grader.endpoint``, else the pool's first) with ``model`` when one is set."""
    wanted = settings.grader.endpoint
    endpoint = next((e for e in settings.endpoints if e.name == wanted), settings.endpoints[0])
    if wanted is not None and endpoint.name != wanted:
        raise ConfigError(f"grader endpoint {wanted!r} is not configured", field="grader.endpoint")
    return endpoint.model_copy(update={"model": model}) if model else endpoint


class Rechecker:
    def __init__(self, settings: Settings, grader: LLMClient, reclassifier: LLMClient) -> None:
        registry = ClassifierRegistry.from_settings(settings)
        self.settings = settings
        self.renderer = PromptRenderer(registry, TokenBudget.from_settings(settings))
        self.normalizer = OutputNormalizer.from_settings(registry, settings)
        self.grader, self.reclassifier = grader, reclassifier
        self.calls = RecheckCalls()
        self.judgements: dict[tuple[str, str], Judgement] = {}

    async def _call(self, client: LLMClient, render: Render, request_id: str, labels: int) -> CallResult:
        sent = SentPrompt(self.renderer, render)  # re-rendered shorter after a context-length error
        request = CallRequest(
            messages=sent.prompt.messages,
            max_tokens=16 + self.settings.classify.label_max_tokens * labels,
            request_id=request_id,
            extra={
                "response_format": sent.prompt.response_format,
                "temperature": self.settings.classify.temperature,
            },
            truncate=sent.truncate,
            prompt_tokens_hint=sent.prompt.estimated_prompt_tokens,
        )
        return await client.complete(request)

    async def _relabel(self, unit: ReviewUnit, name: str) -> tuple[LabelResult | None, CallResult]:
        call = await self._call(
            self.reclassifier,
            lambda renderer: renderer.single(unit.conversation, name),
            f"regrade:{unit.content_hash}:{name}",
            1,
        )
        self.calls.reclassify.append(call)
        if not call.ok:
            return None, call
        return self.normalizer.labels(call.content or "", [name])[name], call

    async def review(self, unit: ReviewUnit) -> None:
        # A verdict and a corrected label per classifier: twice a label's budget.
        call = await self._call(
            self.grader,
            lambda renderer: renderer.grader(unit.conversation, unit.proposals),
            f"grade:{unit.content_hash}",
            2 * len(unit.proposals),
        )
        self.calls.grader.append(call)
        grades = self.normalizer.grades(call.content or "", unit.proposals) if call.ok else {}
        for name, proposed in unit.proposals.items():
            grade = grades.get(name)
            verdict = grade.verdict if grade is not None else None
            if verdict == "correct" and proposed is None:
                verdict = "incorrect"  # the protocol: a null proposal is never correct
            judgement = Judgement(verdict, grade)
            if verdict == "incorrect":
                judgement.relabel, judgement.relabel_call = await self._relabel(unit, name)
            self.judgements[(unit.content_hash, name)] = judgement

    async def run(self, units: Iterable[ReviewUnit]) -> None:
        await fan_out((self.review(unit) for unit in units), lambda: max(_WINDOW, self.grader.worth_starting))


async def recheck(settings: Settings, units: Sequence[ReviewUnit]) -> Rechecker:
    """Grade every unit (and re-classify what is judged wrong); returns the judgements and the calls."""
    grader_endpoint = endpoint_for(settings, settings.grader.grader_model)
    reclassify_endpoint = endpoint_for(settings, settings.grader.reclassify_model)
    async with (
        LLMClient(
            [grader_endpoint], settings.client, prices=settings.prices, privacy=settings.privacy
        ) as grader,
        LLMClient(
            [reclassify_endpoint], settings.client, prices=settings.prices, privacy=settings.privacy
        ) as reclassifier,
    ):
        checker = Rechecker(settings, grader, reclassifier)
        await checker.run(units)
    return checker
