"""Repeat-run consistency: the same configuration run k times on the same conversations.

Two figures, both with paired bootstrap intervals over conversations:
- ``changed_share``: share of conversations whose label is not the same in all k runs ("labels that change");
  it grows with k, so it is reported with k.
- ``pairwise_flip_rate``: mean over run pairs of the share of conversations labelled differently; independent
  of k, it is the rate to compare with the A/B disagreement (an A/B disagreement no larger than this is noise).
A missing label (invalid / error row) is a value of its own: a label that turns into an invalid row changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from semtel_core.evaluate.stats import CHUNK, Floats, Interval

MISSING = "\x00missing"


@dataclass(frozen=True, slots=True)
class Consistency:
    runs: int
    conversations: int
    changed_share: Interval
    pairwise_flip_rate: Interval


def repeat_consistency(
    runs: Sequence[Sequence[str | None]], *, resamples: int = 2000, level: float = 0.95, seed: int = 0
) -> Consistency:
    """``runs[r][i]`` is run r's label of conversation i (``None`` for no label)."""
    if len(runs) < 2:
        raise ValueError("repeat-run consistency needs at least two runs")
    n = len(runs[0])
    if any(len(r) != n for r in runs) or n == 0:
        raise ValueError("every run must label the same, non-empty list of conversations")
    values = sorted({MISSING if x is None else x for run in runs for x in run})
    index = {v: i for i, v in enumerate(values)}
    codes = np.array([[index[MISSING if x is None else x] for x in run] for run in runs], dtype=np.int64)
    changed = (codes != codes[0]).any(axis=0).astype(np.float64)
    pairs = list(combinations(range(len(runs)), 2))
    flips = np.mean([(codes[i] != codes[j]).astype(np.float64) for i, j in pairs], axis=0)
    boot = _bootstrap_means(np.vstack([changed, flips]), resamples, seed)
    tail = (1.0 - level) / 2 * 100

    def _interval(row: int, per_conversation: Floats) -> Interval:
        low, high = np.percentile(boot[row], [tail, 100 - tail])
        return Interval(float(per_conversation.mean()), float(low), float(high), level)

    return Consistency(
        runs=len(runs),
        conversations=n,
        changed_share=_interval(0, changed),
        pairwise_flip_rate=_interval(1, flips),
    )


def _bootstrap_means(values: Floats, resamples: int, seed: int) -> Floats:
    """Means of each row of ``values`` (m, n) over the same ``resamples`` resamples of its n columns."""
    rng = np.random.default_rng(seed)
    n = values.shape[1]
    out = np.empty((values.shape[0], resamples), dtype=np.float64)
    for start in range(0, resamples, CHUNK):
        stop = min(start + CHUNK, resamples)
        idx = rng.integers(0, n, size=(stop - start, n))
        out[:, start:stop] = values[:, idx].mean(axis=2)
    return out
