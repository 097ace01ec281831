"""The week's figures for the quality gate, in one streaming pass over the result rows (Polars), so the gate's
memory does not grow with the week: what it keeps is one row per classifier and one per distinct
(classifier, label, status, strategy).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce
from typing import Any

import polars as pl

from semtel_core.hash_passes import in_pass, passes_for, rows_of
from semtel_core.load.aggregates import LABELLED_STATUSES
from semtel_core.load.reading import results_on_spark, scan_results

UNLABELLED = ("invalid", "error")
# Never null in a result row; classifier, status and strategy are checked on the combinations instead.
REQUIRED = ("run_id", "conversation_id", "content_hash", "created_at")
NON_NEGATIVE = ("prompt_tokens", "completion_tokens", "cost_usd", "attempts")
COMBINATION = ("classifier", "label", "status", "strategy")


@dataclass(frozen=True)
class WeekCounts:
    per_classifier: pl.DataFrame  # classifier, rows, distinct_conversations, unlabelled, ...
    combinations: pl.DataFrame  # classifier, label, status, strategy, rows

    def row(self, classifier: str) -> dict[str, int] | None:
        found = self.per_classifier.filter(pl.col("classifier") == classifier)
        return found.row(0, named=True) if found.height else None

    def classifiers(self) -> list[str]:
        return sorted(str(c) for c in self.per_classifier["classifier"].drop_nulls())

    def label_counts(self) -> dict[str, dict[str, int]]:
        """Rows of each label per classifier, among rows that have one; labels sorted."""
        labelled = (
            self.combinations.filter(pl.col("label").is_not_null() & pl.col("classifier").is_not_null())
            .group_by("classifier", "label")
            .agg(pl.col("rows").sum())
            .sort("classifier", "label")
        )
        counts: dict[str, dict[str, int]] = {}
        for name, label, rows in labelled.iter_rows():
            counts.setdefault(str(name), {})[str(label)] = int(rows)
        return counts


def _distinct_conversations(rows: pl.LazyFrame) -> pl.LazyFrame:
    """Distinct conversations per classifier, in hash passes over the ids (:mod:`semtel_core.hash_passes`)."""
    passes = passes_for(rows_of(rows))
    counted = [
        rows.filter(in_pass("conversation_id", passes, index))
        .group_by("classifier")
        .agg(pl.col("conversation_id").n_unique().alias("distinct_conversations"))
        .collect(engine="streaming")
        for index in range(passes)
    ]
    summed = pl.concat(counted).group_by("classifier").agg(pl.col("distinct_conversations").sum())
    return summed.with_columns(pl.col("distinct_conversations").cast(pl.UInt32)).lazy()


def count_week(results_path: str) -> WeekCounts:
    rows = scan_results(results_path)
    per_classifier = rows.group_by("classifier").agg(
        pl.len().alias("rows"),
        pl.col("status").is_in(UNLABELLED).sum().alias("unlabelled"),
        (pl.col("status").is_in(LABELLED_STATUSES) & pl.col("label").is_null())
        .sum()
        .alias("labelled_without_label"),
        pl.col("grader_verdict").is_not_null().sum().alias("graded"),
        pl.col("flipped").fill_null(False).sum().alias("flipped"),
        pl.any_horizontal([pl.col(c).is_null() for c in REQUIRED]).sum().alias("null_required"),
        pl.any_horizontal([pl.col(c).fill_null(0) < 0 for c in NON_NEGATIVE]).sum().alias("negative_values"),
    )
    combinations = rows.group_by(*COMBINATION).agg(pl.len().alias("rows"))
    per, combos = pl.collect_all([per_classifier, combinations], engine="streaming")
    distinct = _distinct_conversations(rows).collect()
    figures = per.join(distinct, on="classifier", how="left", nulls_equal=True).select(
        "classifier",
        "rows",
        "distinct_conversations",
        *[c for c in per.columns if c not in ("classifier", "rows")],
    )
    return WeekCounts(figures.sort("classifier"), combos.sort(*COMBINATION))


def count_week_on_spark(results_path: str, master: str, spark: Any = None) -> WeekCounts:
    """:func:`count_week` as one Spark job (the given or active session, else ``master``): the same figures, so
    the same gate, when the week's rows live where only a cluster reads them in time."""
    from pyspark.sql import functions as F

    from semtel_core.classify.spark_engine import owned_session

    def count(condition: Any) -> Any:
        return F.sum(F.when(condition, 1).otherwise(0))

    with owned_session(master, spark) as session:
        rows = results_on_spark(session, results_path)
        per_classifier = rows.groupBy("classifier").agg(
            F.count(F.lit(1)).alias("rows"),
            # Polars' n_unique counts a null as one more value; Spark's distinct count skips it
            (F.countDistinct("conversation_id") + F.max(F.col("conversation_id").isNull().cast("int"))).alias(
                "distinct_conversations"
            ),
            count(F.col("status").isin(*UNLABELLED)).alias("unlabelled"),
            count(F.col("status").isin(*LABELLED_STATUSES) & F.col("label").isNull()).alias(
                "labelled_without_label"
            ),
            count(F.col("grader_verdict").isNotNull()).alias("graded"),
            count(F.coalesce(F.col("flipped"), F.lit(False))).alias("flipped"),
            count(reduce(operator.or_, [F.col(c).isNull() for c in REQUIRED])).alias("null_required"),
            count(reduce(operator.or_, [F.coalesce(F.col(c), F.lit(0)) < 0 for c in NON_NEGATIVE])).alias(
                "negative_values"
            ),
        )
        combinations = rows.groupBy(*COMBINATION).agg(F.count(F.lit(1)).alias("rows"))
        per, combos = per_classifier.toArrow(), combinations.toArrow()
    counts = [c for c in per.column_names if c != "classifier"]
    # The Polars figures' types (lengths and counts are UInt32 there), so both engines give equal frames.
    per_frame = pl.DataFrame(pl.from_arrow(per)).with_columns(pl.col(counts).cast(pl.UInt32))
    combo_frame = pl.DataFrame(pl.from_arrow(combos)).with_columns(pl.col("rows").cast(pl.UInt32))
    return WeekCounts(per_frame.sort("classifier"), combo_frame.sort(*COMBINATION))
