"""The quality report: JSON-able figures, each expectation's outcome and the warnings of one week."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ExpectationOutcome(BaseModel):
    """One checked expectation: what was expected, whether it held and what was observed."""

    expectation: str
    suite: str
    success: bool
    expected: dict[str, Any] = Field(default_factory=dict)
    observed: dict[str, Any] = Field(default_factory=dict)

    def describe(self) -> str:
        """One log line for an operator: which classifier and statistic, what was observed, what is allowed."""
        column = self.expected.get("column", "(table)")
        condition = self.expected.get("row_condition")
        where = ""
        if isinstance(condition, dict) and "parameter" in condition:
            where = f"classifier={condition['parameter']} "
        rows = self.observed.get("unexpected_index_list")
        if rows:
            seen = "; ".join(
                ", ".join(f"{k}={v}" for k, v in sorted(row.items(), key=lambda kv: kv[0] != "classifier"))
                for row in rows[:5]
            )
        elif "partial_unexpected_list" in self.observed:
            seen = f"{self.observed.get('unexpected_count')} unexpected, e.g. {self.observed['partial_unexpected_list'][:5]}"
        else:
            seen = str(self.observed.get("observed_value", self.observed))
        return f"{self.suite}: {where}{column}: observed {seen}; allowed {_allowed(self.expected)}"


def _allowed(expected: dict[str, Any]) -> str:
    if "value_set" in expected:
        return f"one of {len(expected['value_set'])} labels"
    if "min_value" in expected or "max_value" in expected:
        return f"[{expected.get('min_value', '-inf')}, {expected.get('max_value', 'inf')}]"
    shown = {k: v for k, v in expected.items() if k not in ("column", "row_condition")}
    return str(shown or "(see the quality report)")


class ClassifierStatistics(BaseModel):
    """The week's figures of one classifier."""

    classifier: str
    rows: int
    distinct_conversations: int
    expected_rows: int
    unlabelled_rate: float
    labelled_without_label: int
    graded: int
    flip_rate: float
    null_required: int = 0  # rows missing a run id, conversation id, content hash or timestamp
    negative_values: int = 0  # rows with negative tokens, cost or attempts
    label_distribution: dict[str, float]
    jsd_previous: float | None = None
    # chi-square test that this week's and last week's labels share one distribution
    shift_p_value: float | None = None


class QualityReport(BaseModel):
    """The outcome of :func:`semtel_core.quality.validate_week`; ``model_dump(mode="json")`` is the XCom."""

    success: bool
    results_path: str
    rows: int
    extract: dict[str, int]
    classifiers: list[ClassifierStatistics]
    expectations: list[ExpectationOutcome]
    warnings: list[str] = Field(default_factory=list)

    @property
    def failed_expectations(self) -> list[ExpectationOutcome]:
        return [e for e in self.expectations if not e.success]

    def statistics(self) -> dict[str, Any]:
        """The figures an operator on call needs, without the per-expectation detail."""
        return {
            "rows": self.rows,
            "extract": self.extract,
            "classifiers": {
                c.classifier: c.model_dump(exclude={"classifier", "label_distribution"})
                for c in self.classifiers
            },
        }
