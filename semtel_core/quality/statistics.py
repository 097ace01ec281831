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

from semtel_core.quality.report import ClassifierStatistics


def shares(counts: Mapping[str, int]) -> dict[str, float]:
    total = sum(counts.values())
    return {k: v / total for k, v in counts.items()} if total else {}


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
    classifier: str,
    figures: Mapping[str, int] | None,
    counts: Mapping[str, int],
    expected_rows: int,
    previous: Mapping[str, int] | None,
) -> ClassifierStatistics:
    """The figures of one classifier: ``figures`` its row of :class:`~semtel_core.quality.week_counts.WeekCounts`
    (None: no rows), ``counts`` its label counts, ``previous`` last week's label counts."""
    f = dict(figures or {})
    rows = int(f.get("rows", 0))
    graded = int(f.get("graded", 0))
    distribution = shares(counts)
    return ClassifierStatistics(
        classifier=classifier,
        rows=rows,
        distinct_conversations=int(f.get("distinct_conversations", 0)),
        expected_rows=expected_rows,
        unlabelled_rate=int(f.get("unlabelled", 0)) / rows if rows else 0.0,
        labelled_without_label=int(f.get("labelled_without_label", 0)),
        graded=graded,
        flip_rate=int(f.get("flipped", 0)) / graded if graded else 0.0,
        null_required=int(f.get("null_required", 0)),
        negative_values=int(f.get("negative_values", 0)),
        label_distribution=distribution,
        jsd_previous=js_divergence(distribution, shares(previous)) if previous is not None else None,
        shift_p_value=homogeneity_p_value(counts, previous) if previous is not None else None,
    )
