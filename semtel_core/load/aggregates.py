"""Weekly aggregates for dashboards: one row per (week, classifier, label) with counts, shares, tokens and cost.

Rows without a label (status ``invalid`` or ``error``) are counted under the pseudo-labels ``(invalid)`` and
``(error)``, so shares sum to 1 per classifier and a week that failed more shows up instead of shrinking.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pyarrow as pa
from pydantic import BaseModel, ConfigDict

LABELLED_STATUSES = ("ok", "repaired")


class WeeklyAggregate(BaseModel):
    model_config = ConfigDict(frozen=True)

    week: date
    classifier: str
    label: str
    count: int
    share: float
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float


def label_or_status() -> pl.Expr:
    """The row's label when it has one, else ``(invalid)`` / ``(error)``."""
    return (
        pl.when(pl.col("status").is_in(LABELLED_STATUSES) & pl.col("label").is_not_null())
        .then(pl.col("label"))
        .otherwise(pl.format("({})", pl.col("status")))
    )


def weekly_aggregates(results: pa.Table | pl.LazyFrame, week_start: date) -> list[WeeklyAggregate]:
    """One pass, streaming when ``results`` is lazy: only the (classifier, label) groups are held."""
    if isinstance(results, pa.Table):
        frame = pl.from_arrow(results)
        assert isinstance(frame, pl.DataFrame)
        results = frame.lazy()
    grouped = (
        results.with_columns(label_or_status().alias("bucket_label"))
        .group_by("classifier", "bucket_label")
        .agg(
            pl.len().alias("count"),
            pl.col("prompt_tokens").sum().alias("prompt_tokens"),
            pl.col("completion_tokens").sum().alias("completion_tokens"),
            pl.col("cost_usd").sum().alias("cost_usd"),
        )
        .collect(engine="streaming")
    )
    return aggregates_of(grouped, week_start)


def combination_aggregates(combinations: pl.DataFrame, week_start: date) -> list[WeeklyAggregate]:
    """:func:`weekly_aggregates` from the week's (classifier, label, status, strategy) combinations with their
    ``rows`` and sums (:class:`~semtel_core.quality.week_counts.WeekCounts`), without the rows."""
    grouped = (
        combinations.with_columns(label_or_status().alias("bucket_label"))
        .group_by("classifier", "bucket_label")
        .agg(
            pl.col("rows").sum().alias("count"),
            pl.col("prompt_tokens").sum(),
            pl.col("completion_tokens").sum(),
            pl.col("cost_usd").sum(),
        )
    )
    return aggregates_of(grouped, week_start)


def aggregates_of(grouped: pl.DataFrame, week_start: date) -> list[WeeklyAggregate]:
    """The aggregates of (classifier, label) groups with their count, token and cost sums: shares added."""
    grouped = grouped.with_columns(
        (pl.col("count") / pl.col("count").sum().over("classifier")).alias("share")
    ).sort("classifier", "bucket_label")
    return [
        WeeklyAggregate(
            week=week_start,
            classifier=row["classifier"],
            label=row["bucket_label"],
            count=row["count"],
            share=row["share"],
            prompt_tokens=row["prompt_tokens"],
            completion_tokens=row["completion_tokens"],
            cost_usd=row["cost_usd"],
        )
        for row in grouped.iter_rows(named=True)
    ]
