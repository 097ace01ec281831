"""The three expectation suites of a week: result values, per-classifier figures, extract counts.

None runs on the row table: the week is counted once, streaming (:mod:`~semtel_core.quality.week_counts`).
Allowed values run on the distinct (classifier, label, status, strategy) combinations; nulls, negative figures,
rates, one row per conversation and classifier, and drift are figures per classifier, checked on a
one-row-per-classifier frame whose failing rows are named by their ``classifier`` column. Column names and types
are compared on the files' Arrow schema (``validate``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, get_args

from semtel_core.config import QualitySettings
from semtel_core.quality.gx_runner import import_gx
from semtel_core.schema.results import ResultStatus, Strategy

if TYPE_CHECKING:
    from great_expectations.expectations.expectation import Expectation


def result_row_expectations(labels: Mapping[str, Sequence[str]]) -> list[Expectation]:
    """Allowed classifiers, statuses, strategies and each classifier's labels, on the week's distinct
    (classifier, label, status, strategy) combinations (:mod:`~semtel_core.quality.week_counts`): every value
    that occurs in a row occurs there."""
    gxe = import_gx().expectations

    column = import_gx().expectations.row_conditions.Column
    return [
        *(gxe.ExpectColumnValuesToNotBeNull(column=c) for c in ("classifier", "status", "strategy")),
        gxe.ExpectColumnValuesToBeInSet(column="status", value_set=list(get_args(ResultStatus))),
        gxe.ExpectColumnValuesToBeInSet(column="strategy", value_set=list(get_args(Strategy))),
        gxe.ExpectColumnValuesToBeInSet(column="classifier", value_set=sorted(labels)),
        # one per classifier: a vectorised isin on its rows (the column-pair form loops over rows in Python)
        *(
            gxe.ExpectColumnValuesToBeInSet(
                column="label", value_set=list(names), row_condition=column("classifier") == name
            )
            for name, names in labels.items()
        ),
    ]


def classifier_expectations(settings: QualitySettings) -> list[Expectation]:
    """Thresholds, reconciliation and drift, checked on one row per classifier."""
    gxe = import_gx().expectations

    return [
        gxe.ExpectColumnValuesToBeBetween(
            column="unlabelled_rate", min_value=0, max_value=settings.max_unlabelled_rate
        ),
        gxe.ExpectColumnValuesToBeBetween(column="flip_rate", min_value=0, max_value=settings.max_flip_rate),
        *(
            gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=0)
            for c in ("labelled_without_label", "null_required", "negative_values")
        ),
        # accepted (= sampled by the extract) conversations each give one result row per classifier, once
        gxe.ExpectColumnPairValuesToBeEqual(column_A="rows", column_B="expected_rows"),
        gxe.ExpectColumnPairValuesToBeEqual(column_A="rows", column_B="distinct_conversations"),
        # Only shifts the homogeneity test finds real (null p-value: no previous week, not checked).
        gxe.ExpectColumnValuesToBeBetween(
            column="jsd_previous",
            min_value=0,
            max_value=settings.jsd_fail,
            row_condition=f"shift_p_value < {settings.shift_alpha!r}",
            condition_parser="pandas",
        ),
    ]


def extract_expectations() -> list[Expectation]:
    """read = accepted + rejected, from the extract summary."""
    gxe = import_gx().expectations

    return [gxe.ExpectColumnPairValuesToBeEqual(column_A="read", column_B="accepted_plus_rejected")]
