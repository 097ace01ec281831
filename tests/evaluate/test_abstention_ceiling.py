"""The abstention benchmark's ceiling counts accuracy points as the target does: flagging a row the classifier
labels wrong anyway is free, flagging one it labels right costs a point per 1 % of the in-scope rows."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import numpy as np
import pytest

pytestmark = [pytest.mark.unit]


def test_the_best_floor_within_one_point_flags_wrong_rows_for_free(
    benchmark_script: Callable[[str], ModuleType],
) -> None:
    at_one_point = benchmark_script("embedding_eval")._at_one_point
    # 100 in-scope rows (one point = one right row): 97 right at 0.1, right at 0.8 and 0.6, one wrong at 0.95;
    # six held-out rows. The floor may pass one right row (0.8), so it sits on 0.6: 0.99, 0.9, 0.7, 0.65 recalled.
    in_scope = [0.1] * 97 + [0.8, 0.6, 0.95]
    held_out = [0.99, 0.9, 0.7, 0.65, 0.55, 0.2]
    score = np.asarray(in_scope + held_out)
    out_of_scope = np.asarray([False] * 100 + [True] * 6)
    right = np.asarray([True] * 99 + [False] + [False] * 6)
    assert at_one_point(score, out_of_scope, right) == pytest.approx(4 / 6)
    # the same rows all labelled right: the wrong row at 0.95 now costs the one point, the floor sits on 0.8
    right_everywhere = np.asarray([True] * 100 + [False] * 6)
    assert at_one_point(score, out_of_scope, right_everywhere) == pytest.approx(2 / 6)


def test_with_fewer_right_rows_than_the_allowance_everything_is_flagged(
    benchmark_script: Callable[[str], ModuleType],
) -> None:
    at_one_point = benchmark_script("embedding_eval")._at_one_point
    score = np.asarray([0.3, 0.2, 0.9, 0.1])
    out_of_scope = np.asarray([False, False, True, True])
    right = np.asarray(
        [False, False, False, False]
    )  # nothing in scope is labelled right: flagging costs nothing
    assert at_one_point(score, out_of_scope, right) == pytest.approx(1.0)
