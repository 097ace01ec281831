"""Statistics on constructed cases whose answer is known, and cross-checks against scikit-learn and scipy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.distance import jensenshannon
from sklearn.metrics import cohen_kappa_score

from semtel_core.evaluate.consistency import repeat_consistency
from semtel_core.evaluate.stats import (
    chi_square,
    confusion_matrix,
    encode,
    jsd_of,
    kappa_of,
    paired_bootstrap,
)

pytestmark = [pytest.mark.unit]

LABELS = ["coding", "math", "writing", "other"]


def _flip(base: list[str], rate: float, rng: np.random.Generator) -> list[str]:
    """Each label replaced, with probability ``rate``, by a different label chosen uniformly."""
    out = []
    for label in base:
        if rng.random() < rate:
            out.append(str(rng.choice([x for x in LABELS if x != label])))
        else:
            out.append(label)
    return out


def _base(n: int, seed: int) -> list[str]:
    return [str(x) for x in np.random.default_rng(seed).choice(LABELS, size=n, p=[0.4, 0.3, 0.2, 0.1])]


def test_identical_runs_have_kappa_one_and_no_shift() -> None:
    a = _base(500, 1)
    labels, ca, cb = encode(a, a)
    boot = paired_bootstrap(ca, cb, len(labels), resamples=500)
    assert boot.agreement.estimate == boot.agreement.low == boot.agreement.high == 1.0
    assert boot.kappa.estimate == boot.kappa.low == 1.0
    assert boot.jsd.estimate == boot.jsd.high == 0.0
    test = chi_square(confusion_matrix(ca, cb, len(labels)))
    assert test.statistic == pytest.approx(0.0)
    assert test.p_value == pytest.approx(1.0)


def test_single_label_identical_runs_count_as_perfect_agreement() -> None:
    labels, ca, cb = encode(["yes"] * 20, ["yes"] * 20)
    cm = confusion_matrix(ca, cb, len(labels))
    assert float(kappa_of(cm)) == 1.0
    assert chi_square(cm).p_value == 1.0


def test_known_flip_rate_is_inside_the_interval() -> None:
    rng = np.random.default_rng(7)
    a = _base(2000, 2)
    b = _flip(a, 0.10, rng)
    labels, ca, cb = encode(a, b)
    boot = paired_bootstrap(ca, cb, len(labels), resamples=1000, seed=3)
    disagreement_low, disagreement_high = 1 - boot.agreement.high, 1 - boot.agreement.low
    assert disagreement_low <= 0.10 <= disagreement_high
    assert disagreement_high - disagreement_low < 0.04  # and the interval is informative


def test_interval_coverage_of_a_known_flip_rate_is_near_nominal() -> None:
    """Over 120 independent samples the 95% interval should contain the true agreement ~95% of the time."""
    hits = 0
    trials = 120
    for seed in range(trials):
        rng = np.random.default_rng(1000 + seed)
        a = _base(300, seed)
        labels, ca, cb = encode(a, _flip(a, 0.2, rng))
        boot = paired_bootstrap(ca, cb, len(labels), resamples=400, seed=seed)
        hits += boot.agreement.contains(0.8)
    assert 0.88 <= hits / trials <= 1.0


def test_kappa_matches_scikit_learn() -> None:
    rng = np.random.default_rng(4)
    a = _base(800, 5)
    b = _flip(a, 0.3, rng)
    labels, ca, cb = encode(a, b)
    ours = float(kappa_of(confusion_matrix(ca, cb, len(labels))))
    assert ours == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)


def test_independent_runs_have_kappa_near_zero() -> None:
    a, b = _base(3000, 8), _base(3000, 9)
    labels, ca, cb = encode(a, b)
    boot = paired_bootstrap(ca, cb, len(labels), resamples=500)
    assert boot.kappa.contains(0.0)
    assert boot.agreement.estimate == pytest.approx(0.4**2 + 0.3**2 + 0.2**2 + 0.1**2, abs=0.03)


def test_jsd_matches_scipy_and_detects_an_injected_shift() -> None:
    a = _base(1000, 11)
    # Shift: half of "math" becomes "coding" in B.
    b = [("coding" if x == "math" and i % 2 == 0 else x) for i, x in enumerate(a)]
    labels, ca, cb = encode(a, b)
    cm = confusion_matrix(ca, cb, len(labels))
    p, q = cm.sum(axis=1) / cm.sum(), cm.sum(axis=0) / cm.sum()
    assert float(jsd_of(cm)) == pytest.approx(jensenshannon(p, q, base=2) ** 2, abs=1e-12)
    test = chi_square(cm)
    assert test.dof == len(labels) - 1
    assert test.p_value < 1e-6


def test_encode_rejects_unpaired_runs() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        encode(["a"], ["a", "b"])


def test_repeat_consistency_of_a_known_flip_rate() -> None:
    rng = np.random.default_rng(21)
    base = _base(3000, 22)
    runs = [base, _flip(base, 0.1, rng), _flip(base, 0.1, rng)]
    result = repeat_consistency(runs, resamples=800, seed=1)
    p, k = 0.1, len(LABELS)
    expected_changed = 1 - (1 - p) ** 2
    expected_pair_23 = 1 - ((1 - p) ** 2 + p * p / (k - 1))
    expected_pairwise = (2 * p + expected_pair_23) / 3
    assert result.runs == 3 and result.conversations == 3000
    assert result.changed_share.contains(expected_changed)
    assert result.pairwise_flip_rate.contains(expected_pairwise)


def test_repeat_consistency_counts_a_lost_label_as_a_change() -> None:
    result = repeat_consistency([["a", "b", "c", "d"], ["a", "b", None, "d"]], resamples=200)
    assert result.changed_share.estimate == 0.25
    identical = repeat_consistency([["a", "b"], ["a", "b"], ["a", "b"]], resamples=200)
    assert identical.changed_share.estimate == identical.changed_share.high == 0.0


def test_repeat_consistency_needs_two_aligned_runs() -> None:
    with pytest.raises(ValueError):
        repeat_consistency([["a"]])
    with pytest.raises(ValueError):
        repeat_consistency([["a"], ["a", "b"]])
