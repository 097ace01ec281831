"""The grader's report: flip rate per classifier and strategy (a data-quality metric), flags by reason, and
the cost of the re-check itself (grader and re-classification calls, online)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from semtel_core.llm.accounting import CallCost
from semtel_core.llm.types import CallResult


class FlipRate(BaseModel):
    """Of the rows of one classifier and strategy: how many were judged, found wrong, and changed label.

    ``flip_rate`` = flipped / judged: the share of re-checked labels the grader changed."""

    classifier: str
    strategy: str
    rows: int = 0
    flagged: int = 0
    judged: int = 0
    incorrect: int = 0
    flipped: int = 0

    @property
    def flip_rate(self) -> float | None:
        return self.flipped / self.judged if self.judged else None

    def as_dict(self) -> dict[str, Any]:
        return {**self.model_dump(), "flip_rate": self.flip_rate}


class GradeReport(BaseModel):
    rows: int
    flagged: int
    flagged_by_reason: dict[str, int]
    judged: int
    unjudged: int  # flagged, but the grader's answer was unusable: left untouched
    incorrect: int
    flipped: int
    reclassify_failed: int  # judged wrong, but re-classification gave no valid label: label kept
    flip_rates: list[FlipRate]
    grader_cost: CallCost
    reclassify_cost: CallCost

    @property
    def flip_rate(self) -> float | None:
        return self.flipped / self.judged if self.judged else None

    def flip_rate_table(self) -> dict[str, dict[str, float | None]]:
        """classifier -> strategy -> flip rate, for the data-quality checks."""
        table: dict[str, dict[str, float | None]] = {}
        for line in self.flip_rates:
            table.setdefault(line.classifier, {})[line.strategy] = line.flip_rate
        return table

    def as_dict(self) -> dict[str, Any]:
        data = self.model_dump()
        data["flip_rates"] = [line.as_dict() for line in self.flip_rates]
        data["flip_rate"] = self.flip_rate
        return data


def build_report(
    rows: Sequence[Mapping[str, Any]],
    reasons: Sequence[Sequence[str]],
    grader_calls: Sequence[CallResult],
    reclassify_calls: Sequence[CallResult],
    reclassify_failed: int,
) -> GradeReport:
    """``rows`` after grading, with each row's flag reasons (empty: not flagged)."""
    lines: dict[tuple[str, str], FlipRate] = {}
    by_reason: Counter[str] = Counter()
    for row, why in zip(rows, reasons, strict=True):
        key = (row["classifier"], row["strategy"])
        line = lines.setdefault(key, FlipRate(classifier=key[0], strategy=key[1]))
        line.rows += 1
        by_reason.update(why)
        line.flagged += bool(why)
        line.judged += row["grader_verdict"] is not None
        line.incorrect += row["grader_verdict"] == "incorrect"
        line.flipped += bool(row["flipped"])
    flagged = sum(line.flagged for line in lines.values())
    judged = sum(line.judged for line in lines.values())
    return GradeReport(
        rows=len(rows),
        flagged=flagged,
        flagged_by_reason=dict(sorted(by_reason.items())),
        judged=judged,
        unjudged=flagged - judged,
        incorrect=sum(line.incorrect for line in lines.values()),
        flipped=sum(line.flipped for line in lines.values()),
        reclassify_failed=reclassify_failed,
        flip_rates=[lines[k] for k in sorted(lines)],
        grader_cost=CallCost.of(grader_calls),
        reclassify_cost=CallCost.of(reclassify_calls),
    )
