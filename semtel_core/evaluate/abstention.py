"""Abstention: an ``unknown`` decision for conversations the classifier should not label.

A new kind of request must show up as unknown, not as the nearest old label. The rule is a floor on the
calibrated probability of the chosen label, one per classifier, chosen on validation data only: the training
part's out-of-fold probabilities (the cross-validation the selection runs), never the held-out or test rows.
With no examples of what is unknown, the floor is the highest one whose price, on validation, is at most
``cost`` of accuracy: the share of validation rows answered *correctly* below it. Rows the model gets wrong
anyway cost nothing to abstain on, so the floor rises as far as the model's own uncertainty allows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from semtel_core.evaluate.metrics import decide

UNKNOWN = "unknown"


def abstention_floor(
    probabilities: npt.NDArray[np.float64],
    gold: Sequence[str],
    labels: Sequence[str],
    weights: npt.NDArray[np.float64] | None,
    cost: float,
) -> float:
    """The largest floor on the chosen label's probability that abstains on at most ``cost`` (a share of rows)
    of the rows the decision rule answers correctly; 0.0 when even the lowest would cost more."""
    chosen = decide(probabilities, weights)
    confidence = probabilities[np.arange(len(chosen)), chosen]
    correct = np.asarray([labels[c] == g for c, g in zip(chosen, gold, strict=True)], dtype=bool)
    allowed = int(np.floor(cost * len(gold) + 1e-9))  # correct rows that may fall below the floor
    right = np.sort(confidence[correct])
    if allowed >= len(right):
        return float(np.nextafter(right[-1], np.inf)) if len(right) else 1.0
    # below right[allowed] lie exactly ``allowed`` correct rows (ties are all kept above)
    return float(right[allowed])
