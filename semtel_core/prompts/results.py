"""What normalization produces: one label (or grade) per classifier, with status, repairs and the raw output."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["ok", "repaired", "invalid"]
STATUSES: tuple[Status, ...] = ("ok", "repaired", "invalid")


class NormalizedField(BaseModel):
    """Common part of a label and a grade: how one classifier's answer came out."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    classifier: str
    classifier_version: str
    status: Status
    repairs: tuple[str, ...] = ()
    reason: str | None = Field(default=None, description="why the answer is invalid")
    raw_value: str | None = Field(default=None, description="the answer as the model wrote it")
    raw_output: str = Field(repr=False, description="the whole model output, kept for audit")


class LabelResult(NormalizedField):
    label: str | None


class GradeResult(NormalizedField):
    """A grader's judgement of one proposed label; ``final_label`` is what the row should carry."""

    proposed_label: str | None
    verdict: Literal["correct", "incorrect"] | None
    corrected_label: str | None
    final_label: str | None

    @property
    def flipped(self) -> bool:
        """The grader replaced the proposal with a different valid label."""
        return self.final_label is not None and self.final_label != self.proposed_label


class NormalizedOutput(BaseModel):
    """Per conversation id, per classifier: the results; plus what a batched answer got wrong about ids.

    ``missing_ids`` are the conversations to re-run; ``extra_ids`` (not asked for) and ``duplicate_ids``
    (answered more than once; the first answer is kept) are only reported.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    results: dict[str, dict[str, LabelResult]]
    missing_ids: tuple[str, ...] = ()
    extra_ids: tuple[str, ...] = ()
    duplicate_ids: tuple[str, ...] = ()
    unidentified_items: int = 0
    parse_repairs: tuple[str, ...] = ()
    parse_error: str | None = None
    raw_output: str = Field(repr=False)

    def all_results(self) -> list[LabelResult]:
        return [r for per_id in self.results.values() for r in per_id.values()]
