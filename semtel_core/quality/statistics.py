"""Per-classifier figures of a week's results and the week-over-week label-distribution shift.

The shift is the Jensen-Shannon divergence in base 2 (0 = same distribution, 1 = disjoint), the same measure and
scale as the A/B gate (``semtel_core.evaluate.stats.jsd_of``). That one works on the marginals of a paired
confusion matrix; two weeks hold different conversations, so here it is scipy's ``jensenshannon`` (which returns
the distance, the square root of the divergence) on the two label distributions.

A small week differs from the last by chance: with 70 conversations and 19 topics the divergence of two samples
of one distribution is about 0.1. So the shift also carries the p-value of a chi-square test of homogeneity of the
two weeks' label counts, and the suite acts only on shifts that test rejects (``quality.shift_alpha``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from semtel_core.quality.report import ClassifierStatistics

if TYPE_CHECKING:
    import pandas as pd

UNLABELLED = ("invalid", "error")
LABELLED = ("ok", "repaired")


def label_counts(frame: pd.DataFrame) -> dict[str, int]:
    """Rows of each label among the rows that have one, labels sorted."""
    return {str(k): int(v) for k, v in sorted(frame["label"].dropna().value_counts().items())}


def shares(counts: Mapping[str, int]) -> dict[str, float]:
    total = sum(counts.values())
    return {k: v / total for k, v in counts.items()} if total else {}


def label_distribution(frame: pd.DataFrame) -> dict[str, float]:
    """Share of each label among the rows that have one, labels sorted."""
    return shares(label_counts(frame))


def homogeneity_p_value(a: Mapping[str, int], b: Mapping[str, int]) -> float | None:
    """p-value of the chi-square test that two label count vectors come from one distribution.

    None when either is empty; 1.0 when fewer than two labels occur (nothing can differ).
    """
    if not sum(a.values()) or not sum(b.values()):
        return None
    labels = sorted(set(a) | set(b))
    if len(labels) < 2:
        return 1.0
    from scipy.stats import chi2_contingency

    table = [[a.get(k, 0) for k in labels], [b.get(k, 0) for k in labels]]
    return float(chi2_contingency(table).pvalue)


def js_divergence(p: Mapping[str, float], q: Mapping[str, float]) -> float | None:
    """Jensen-Shannon divergence (base 2, in [0, 1]) of two label distributions; None if either is empty."""
    if not p or not q:
        return None
    import numpy as np
    from scipy.spatial.distance import jensenshannon

    labels = sorted(set(p) | set(q))
    a = np.array([p.get(k, 0.0) for k in labels], dtype=np.float64)
    b = np.array([q.get(k, 0.0) for k in labels], dtype=np.float64)
    distance = float(jensenshannon(a, b, base=2))
    return 0.0 if math.isnan(distance) else min(distance**2, 1.0)


def classifier_statistics(
    frame: pd.DataFrame,
    classifier: str,
    expected_rows: int,
    previous: Mapping[str, int] | None,
) -> ClassifierStatistics:
    """The figures of one classifier's rows (``frame`` already filtered to it); ``previous``: last week's
    label counts."""
    rows = len(frame)
    status = frame["status"]
    graded = int(frame["grader_verdict"].notna().sum())
    flipped = int(frame["flipped"].fillna(False).astype(bool).sum())
    counts = label_counts(frame)
    distribution = shares(counts)
    return ClassifierStatistics(
        classifier=classifier,
        rows=rows,
        distinct_conversations=int(frame["conversation_id"].nunique()),
        expected_rows=expected_rows,
        unlabelled_rate=float(status.isin(UNLABELLED).sum()) / rows if rows else 0.0,
        labelled_without_label=int((status.isin(LABELLED) & frame["label"].isna()).sum()),
        graded=graded,
        flip_rate=flipped / graded if graded else 0.0,
        label_distribution=distribution,
        jsd_previous=js_divergence(distribution, shares(previous)) if previous is not None else None,
        shift_p_value=homogeneity_p_value(counts, previous) if previous is not None else None,
    )


def previous_counts(frame: pd.DataFrame | None) -> dict[str, dict[str, int]]:
    """Label counts per classifier of the previous week's results (empty when there is none)."""
    if frame is None:
        return {}
    return {str(name): label_counts(group) for name, group in frame.groupby("classifier", sort=True)}
