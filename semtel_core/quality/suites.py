"""The three expectation suites of a week: result rows, per-classifier figures, extract counts.

Row-level rules (schema, allowed values, one row per conversation and classifier) run on the result rows;
rates, reconciliation and drift are figures per classifier, so they run on a one-row-per-classifier frame and
failing rows are named by their ``classifier`` column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, get_args

from semtel_core.config import QualitySettings
from semtel_core.quality.gx_runner import import_gx
from semtel_core.schema.results import RESULT_SCHEMA, ResultStatus, Strategy

if TYPE_CHECKING:
    from great_expectations.expectations.expectation import Expectation

_REQUIRED = ("run_id", "conversation_id", "content_hash", "classifier", "status", "strategy", "created_at")


def result_row_expectations(labels: Mapping[str, Sequence[str]]) -> list[Expectation]:
    """Schema, allowed statuses/strategies/classifiers, labels in each classifier's set, no duplicate rows."""
    gxe = import_gx().expectations

    column = import_gx().expectations.row_conditions.Column
    return [
        gxe.ExpectTableColumnsToMatchOrderedList(column_list=list(RESULT_SCHEMA.names)),
        *(gxe.ExpectColumnValuesToNotBeNull(column=c) for c in _REQUIRED),
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
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["conversation_id", "classifier"]),
        *(
            gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0)
            for c in ("prompt_tokens", "completion_tokens", "cost_usd", "attempts")
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
        gxe.ExpectColumnValuesToBeBetween(column="labelled_without_label", min_value=0, max_value=0),
        # accepted (= sampled by the extract) conversations each give one result row per classifier
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
