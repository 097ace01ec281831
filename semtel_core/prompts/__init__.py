"""Prompt layer: classifier registry over prompts/*.prompty, label models, normalization, token budget.

The pieces the classification engine calls::

    registry = ClassifierRegistry.from_settings(settings)           # or ClassifierRegistry(prompts_dir)
    renderer = PromptRenderer(registry, TokenBudget.from_settings(settings))
    prompt = renderer.batched(conversations, ["topic", "satisfaction"])
    client.chat.completions.create(model=..., **prompt.request_kwargs())
    normalizer = OutputNormalizer.from_settings(registry, settings)
    output = normalizer.normalize(prompt, completion_text)  # output.missing_ids go back to the queue
    stats.add_all(output.all_results())
"""

from semtel_core.prompts.budget import TokenBudget, TruncationRecord, TruncationStrategy, fit_conversation
from semtel_core.prompts.normalize import OutputNormalizer
from semtel_core.prompts.registry import Classifier, ClassifierRegistry, default_prompts_dir
from semtel_core.prompts.render import PromptRenderer, PromptStyle, RenderedPrompt
from semtel_core.prompts.repair_stats import ClassifierRates, RepairStats
from semtel_core.prompts.results import GradeResult, LabelResult, NormalizedOutput, Status

__all__ = [
    "Classifier",
    "ClassifierRates",
    "ClassifierRegistry",
    "GradeResult",
    "LabelResult",
    "NormalizedOutput",
    "OutputNormalizer",
    "PromptRenderer",
    "PromptStyle",
    "RenderedPrompt",
    "RepairStats",
    "Status",
    "TokenBudget",
    "TruncationRecord",
    "TruncationStrategy",
    "default_prompts_dir",
    "fit_conversation",
]
