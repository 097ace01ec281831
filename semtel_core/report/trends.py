"""Label shares over the last weeks, from each week's saved aggregates (never the rows): a share per label and
week with its 95 % Wilson interval, and a mark where a share moved significantly from the week before
(two-proportion z-test, Benjamini–Hochberg over every label and week of the classifier)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from pydantic import BaseModel
from scipy.stats import false_discovery_control, norm

from semtel_core.quality.week_counts import WeekCounts
from semtel_core.report.figures import withheld_labels

Z95 = float(norm.ppf(0.975))
CHANGE_FDR = 0.05


class TrendCell(BaseModel):
    share: float | None  # None: suppressed (as in the week's distribution), or the week holds no labelled row
    low: float | None = None
    high: float | None = None
    change: int = 0  # +1 / -1: significantly up / down from the week before; 0: not significant or not tested


class Trend(BaseModel):
    classifier: str
    weeks: list[date]  # oldest first; the report's week last
    labels: list[str]
    cells: list[list[TrendCell]]  # per label, per week


def wilson(count: int, total: int) -> tuple[float, float]:
    """The 95 % Wilson score interval of ``count`` of ``total``."""
    p = count / total
    centre = (p + Z95**2 / (2 * total)) / (1 + Z95**2 / total)
    half = Z95 * math.sqrt(p * (1 - p) / total + Z95**2 / (4 * total**2)) / (1 + Z95**2 / total)
    return max(0.0, centre - half), min(1.0, centre + half)


def _change_p(a: int, n: int, b: int, m: int) -> float:
    """Two-sided p-value of the two-proportion z-test of a/n against b/m."""
    pooled = (a + b) / (n + m)
    if pooled in (0.0, 1.0):
        return 1.0
    z = (a / n - b / m) / math.sqrt(pooled * (1 - pooled) * (1 / n + 1 / m))
    return float(2 * norm.sf(abs(z)))


def trend(classifier: str, weeks: Sequence[tuple[date, WeekCounts]], k: int) -> Trend | None:
    """The classifier's labels over ``weeks`` (oldest first); None when it has no labelled row in any of them."""
    counts = [(week, counts.label_counts().get(classifier, {})) for week, counts in weeks]
    labels = sorted(
        {label for _, c in counts for label in c},
        key=lambda lab: (-sum(c.get(lab, 0) for _, c in counts), lab),
    )
    if not labels:
        return None
    totals = [sum(c.values()) for _, c in counts]
    tests: list[tuple[int, int, int, float]] = []  # label index, week index, direction, p
    cells: list[list[TrendCell]] = []
    hidden = [withheld_labels(c, k) for _, c in counts]  # the distribution's rule, week by week
    for li, label in enumerate(labels):
        row = []
        for wi, (_, c) in enumerate(counts):
            n, total = c.get(label, 0), totals[wi]
            if not total or n < k or label in hidden[wi]:
                row.append(TrendCell(share=None))
                continue
            low, high = wilson(n, total)
            row.append(TrendCell(share=n / total, low=low, high=high))
            before, before_total = (counts[wi - 1][1].get(label, 0), totals[wi - 1]) if wi else (0, 0)
            if wi and before_total and before >= k and label not in hidden[wi - 1]:
                direction = 1 if n / total > before / before_total else -1
                tests.append((li, wi, direction, _change_p(n, total, before, before_total)))
        cells.append(row)
    if tests:
        for (li, wi, direction, _), q in zip(
            tests, false_discovery_control([p for *_, p in tests]), strict=True
        ):
            if q <= CHANGE_FDR:
                cells[li][wi].change = direction
    return Trend(classifier=classifier, weeks=[w for w, _ in weeks], labels=labels, cells=cells)
