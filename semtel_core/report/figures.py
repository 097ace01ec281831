"""The figures of the weekly report, computed from the week's aggregates; no HTML here.

Every figure is read from :class:`~semtel_core.quality.week_counts.WeekCounts` (label combinations with their
sums, cross-tab pairs, distinct conversations), counted once per week in a streaming pass or a Spark job and
saved by the quality gate, so the report never reads the week's rows.

Small-cell suppression (as in Anthropic's Clio): any cell counting fewer than ``k`` conversations is withheld
(``count=None``), its share and week-over-week change too. When exactly one label of a distribution is withheld
the next-smallest is withheld as well, so the first cannot be recovered as total minus the others.
"""

from __future__ import annotations

import polars as pl
from pydantic import BaseModel

from semtel_core.load.aggregates import LABELLED_STATUSES
from semtel_core.quality.statistics import js_divergence
from semtel_core.quality.statistics import shares as label_shares
from semtel_core.quality.week_counts import WeekCounts


class Bar(BaseModel):
    label: str
    count: int | None  # None: suppressed (fewer than k conversations)
    share: float | None
    previous_share: float | None = None
    delta: float | None = None  # share - previous_share, percentage points / 100


class Distribution(BaseModel):
    classifier: str
    labelled: int
    bars: list[Bar]
    suppressed_labels: int
    jsd_vs_previous: float | None = None  # Jensen-Shannon divergence (base 2) of the label shares


class CrossTab(BaseModel):
    rows_classifier: str
    cols_classifier: str
    row_labels: list[str]
    col_labels: list[str]
    cells: list[list[int | None]]  # None: suppressed
    max_count: int


class CostRow(BaseModel):
    classifier: str
    mode: str  # online / batch / embedding
    rows: int | None
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float


class Rates(BaseModel):
    classifier: str
    rows: int
    ok: float
    repaired: float
    invalid: float
    error: float
    graded: int
    flip_rate: float | None  # flipped / graded; None when nothing was graded


def _labelled(week: WeekCounts) -> pl.DataFrame:
    return week.combinations.filter(pl.col("status").is_in(LABELLED_STATUSES) & pl.col("label").is_not_null())


def _counts(week: WeekCounts, classifier: str) -> dict[str, int]:
    mine = (
        _labelled(week).filter(pl.col("classifier") == classifier).group_by("label").agg(pl.col("rows").sum())
    )
    return {str(label): int(rows) for label, rows in mine.iter_rows()}


def withheld_labels(counts: dict[str, int], k: int) -> set[str]:
    small = {label for label, n in counts.items() if n < k}
    if len(small) == 1 and len(counts) > 2:
        rest = sorted((n, label) for label, n in counts.items() if label not in small)
        small.add(rest[0][1])
    return small


def distribution(week: WeekCounts, previous: WeekCounts | None, classifier: str, k: int) -> Distribution:
    counts = _counts(week, classifier)
    shares = label_shares(counts)
    prev_counts = _counts(previous, classifier) if previous is not None else {}
    prev_shares = label_shares(prev_counts)
    hidden = withheld_labels(counts, k) | {
        label for label in counts if label in withheld_labels(prev_counts, k)
    }
    bars = []
    for label in sorted(counts, key=lambda lab: (-counts[lab], lab)):
        if label in hidden:
            bars.append(Bar(label=label, count=None, share=None))
            continue
        before = prev_shares.get(label, 0.0) if prev_counts else None
        delta = None if before is None else shares[label] - before
        bars.append(
            Bar(label=label, count=counts[label], share=shares[label], previous_share=before, delta=delta)
        )
    return Distribution(
        classifier=classifier,
        labelled=sum(counts.values()),
        bars=bars,
        suppressed_labels=len(hidden & set(counts)),
        jsd_vs_previous=js_divergence(shares, prev_shares),
    )


def cross_tab(week: WeekCounts, rows_classifier: str, cols_classifier: str, k: int) -> CrossTab | None:
    """The pairs of labels that ``rows_classifier`` and ``cols_classifier`` gave one conversation (one of the
    pairs :data:`~semtel_core.quality.week_counts.CROSS_TABS` counts); None when no conversation has both."""
    pairs = week.pairs.filter(
        (pl.col("rows_classifier") == rows_classifier) & (pl.col("cols_classifier") == cols_classifier)
    )
    if pairs.is_empty():
        return None
    counts = {
        (str(r), str(c)): int(n)
        for r, c, n in pairs.select("row_label", "col_label", "conversations").iter_rows()
    }
    row_labels = sorted({r for r, _ in counts})
    col_labels = sorted({c for _, c in counts})
    cells = [[None if counts.get((r, c), 0) < k else counts[(r, c)] for c in col_labels] for r in row_labels]
    visible = [n for row in cells for n in row if n is not None]
    return CrossTab(
        rows_classifier=rows_classifier,
        cols_classifier=cols_classifier,
        row_labels=row_labels,
        col_labels=col_labels,
        cells=cells,
        max_count=max(visible, default=0),
    )


def _named(week: WeekCounts) -> pl.DataFrame:
    """The combinations of rows that name their classifier (the quality gate fails a week with others)."""
    return week.combinations.filter(pl.col("classifier").is_not_null())


def cost_rows(week: WeekCounts, k: int) -> list[CostRow]:
    mode = (
        pl.when(pl.col("strategy") == "batch")
        .then(pl.lit("batch"))
        .when(pl.col("strategy") == "embedding")
        .then(pl.lit("embedding"))
        .otherwise(pl.lit("online"))
    )
    grouped = (
        _named(week)
        .with_columns(mode.alias("mode"))
        .group_by("classifier", "mode")
        .agg(pl.col("rows", "prompt_tokens", "completion_tokens", "cost_usd").sum())
        .sort("classifier", "mode")
    )
    return [
        CostRow(
            classifier=r["classifier"],
            mode=r["mode"],
            rows=None if r["rows"] < k else r["rows"],
            prompt_tokens=r["prompt_tokens"],
            completion_tokens=r["completion_tokens"],
            cost_usd=r["cost_usd"],
        )
        for r in grouped.iter_rows(named=True)
    ]


def rates(week: WeekCounts) -> list[Rates]:
    statuses = ("ok", "repaired", "invalid", "error")
    grouped = (
        _named(week)
        .group_by("classifier")
        .agg(
            pl.col("rows").sum(),
            *[pl.col("rows").filter(pl.col("status") == s).sum().alias(s) for s in statuses],
            pl.col("graded").sum(),
            pl.col("flipped").sum(),
        )
        .sort("classifier")
    )
    return [
        Rates(
            classifier=r["classifier"],
            rows=r["rows"],
            **{s: r[s] / r["rows"] for s in statuses},
            graded=r["graded"],
            flip_rate=r["flipped"] / r["graded"] if r["graded"] else None,
        )
        for r in grouped.iter_rows(named=True)
    ]


class Totals(BaseModel):
    classifiers: list[str]
    conversations: int
    rows: int
    tokens: int
    cost_usd: float


def totals(week: WeekCounts) -> Totals:
    sums = week.combinations.select(
        pl.col("rows").sum(),
        (pl.col("prompt_tokens").sum() + pl.col("completion_tokens").sum()).alias("tokens"),
        pl.col("cost_usd").sum(),
    ).row(0, named=True)
    return Totals(
        classifiers=week.classifiers(),
        conversations=week.conversations,
        rows=int(sums["rows"] or 0),
        tokens=int(sums["tokens"] or 0),
        cost_usd=float(sums["cost_usd"] or 0.0),
    )
