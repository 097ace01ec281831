"""The A/B gate: a new model or prompt ships only if no classifier shifts more than the configured thresholds.

Point estimates are checked (the intervals are in the report for the reader); a classifier with no paired
labels fails, since nothing was shown to be unchanged.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from semtel_core.config import EvaluationSettings
from semtel_core.errors import EvaluationGateError
from semtel_core.evaluate.compare import ClassifierComparison, Comparison


@dataclass(frozen=True, slots=True)
class GateFailure:
    classifier: str
    metric: str
    value: float
    threshold: float

    def __str__(self) -> str:
        return f"{self.classifier}: {self.metric} = {self.value:.4g} (threshold {self.threshold:.4g})"


def _checks(c: ClassifierComparison, s: EvaluationSettings) -> list[tuple[str, float, float, bool]]:
    """(metric, value, threshold, passed) for each enabled check."""
    checks = [
        ("agreement", c.agreement.estimate, s.min_agreement, c.agreement.estimate >= s.min_agreement),
        ("kappa", c.kappa.estimate, s.min_kappa, c.kappa.estimate >= s.min_kappa),
        ("jsd", c.jsd.estimate, s.max_jsd, c.jsd.estimate <= s.max_jsd),
        (
            "unlabelled_increase",
            c.unlabelled_b - c.unlabelled_a,
            s.max_unlabelled_increase,
            c.unlabelled_b - c.unlabelled_a <= s.max_unlabelled_increase,
        ),
    ]
    if s.chi_square_alpha is not None:
        p = c.chi_square.p_value
        checks.append(("chi_square_p", p, s.chi_square_alpha, p >= s.chi_square_alpha))
    # NaN compares False everywhere, so an empty pairing already fails; say so explicitly.
    return [(m, v, t, ok and not math.isnan(v)) for m, v, t, ok in checks]


def gate_failures(comparison: Comparison, settings: EvaluationSettings) -> list[GateFailure]:
    return [
        GateFailure(c.classifier, metric, value, threshold)
        for c in comparison.classifiers
        for metric, value, threshold, passed in _checks(c, settings)
        if not passed
    ]


def enforce_gate(comparison: Comparison, settings: EvaluationSettings) -> None:
    """Raise :class:`EvaluationGateError` listing every breach; return quietly when the comparison passes."""
    failures = gate_failures(comparison, settings)
    if failures:
        raise EvaluationGateError(
            f"A/B gate failed on {len(failures)} check(s): " + "; ".join(str(f) for f in failures),
            failures=[asdict(f) for f in failures],
        )
