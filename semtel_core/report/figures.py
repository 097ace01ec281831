"""The figures of the weekly report, computed from result rows with Polars; no HTML here.

Every figure is a small aggregate collected by Polars' streaming engine from a lazy frame of the rows
(:func:`semtel_core.load.reading.scan_results`), so the report never holds the week's row table.

Small-cell suppression (as in Anthropic's Clio): any cell counting fewer than ``k`` conversations is withheld
(``count=None``), its share and week-over-week change too. When exactly one label of a distribution is withheld
the next-smallest is withheld as well, so the first cannot be recovered as total minus the others.
"""

from __future__ import annotations

import math

import polars as pl
import pyarrow as pa
from pydantic import BaseModel

from semtel_core.load.aggregates import LABELLED_STATUSES

CROSS_TABS = (("user_expertise", "satisfaction"), ("topic", "task_complexity"))


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


Rows = pl.DataFrame | pl.LazyFrame


def frame_of(table: pa.Table) -> pl.DataFrame:
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame


def _collect(query: pl.LazyFrame) -> pl.DataFrame:
    return query.collect(engine="streaming")


def _labelled(frame: Rows) -> pl.LazyFrame:
    return frame.lazy().filter(pl.col("status").is_in(LABELLED_STATUSES) & pl.col("label").is_not_null())


def _counts(frame: Rows, classifier: str) -> dict[str, int]:
    mine = _labelled(frame).filter(pl.col("classifier") == classifier)
    return {
        str(r["label"]): int(r["len"]) for r in _collect(mine.group_by("label").len()).iter_rows(named=True)
    }


def _withheld(counts: dict[str, int], k: int) -> set[str]:
    small = {label for label, n in counts.items() if n < k}
    if len(small) == 1 and len(counts) > 2:
        rest = sorted((n, label) for label, n in counts.items() if label not in small)
        small.add(rest[0][1])
    return small


def _jsd(p: dict[str, float], q: dict[str, float]) -> float:
    def _kl(a: dict[str, float], m: dict[str, float]) -> float:
        return sum(v * math.log2(v / m[key]) for key, v in a.items() if v > 0)

    keys = set(p) | set(q)
    pp = {key: p.get(key, 0.0) for key in keys}
    qq = {key: q.get(key, 0.0) for key in keys}
    mid = {key: (pp[key] + qq[key]) / 2 for key in keys}
    return min(1.0, max(0.0, (_kl(pp, mid) + _kl(qq, mid)) / 2))


def _shares(counts: dict[str, int]) -> dict[str, float]:
    total = sum(counts.values())
    return {label: n / total for label, n in counts.items()} if total else {}


def distribution(frame: Rows, previous: Rows | None, classifier: str, k: int) -> Distribution:
    counts = _counts(frame, classifier)
    shares = _shares(counts)
    prev_counts = _counts(previous, classifier) if previous is not None else {}
    prev_shares = _shares(prev_counts)
    hidden = _withheld(counts, k) | {label for label in counts if label in _withheld(prev_counts, k)}
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
        jsd_vs_previous=_jsd(shares, prev_shares) if prev_shares and shares else None,
    )


def cross_tab(frame: Rows, rows_classifier: str, cols_classifier: str, k: int) -> CrossTab | None:
    labelled = _labelled(frame).select("conversation_id", "classifier", "label")
    left = labelled.filter(pl.col("classifier") == rows_classifier).select("conversation_id", r="label")
    right = labelled.filter(pl.col("classifier") == cols_classifier).select("conversation_id", c="label")
    pairs = _collect(left.join(right, on="conversation_id").group_by("r", "c").len())
    if pairs.is_empty():
        return None
    counts = {(str(r["r"]), str(r["c"])): int(r["len"]) for r in pairs.iter_rows(named=True)}
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


def cost_rows(frame: Rows, k: int) -> list[CostRow]:
    mode = (
        pl.when(pl.col("strategy") == "batch")
        .then(pl.lit("batch"))
        .when(pl.col("strategy") == "embedding")
        .then(pl.lit("embedding"))
        .otherwise(pl.lit("online"))
    )
    grouped = _collect(
        frame.lazy()
        .with_columns(mode.alias("mode"))
        .group_by("classifier", "mode")
        .agg(
            pl.len().alias("rows"),
            pl.col("prompt_tokens").sum(),
            pl.col("completion_tokens").sum(),
            pl.col("cost_usd").sum(),
        )
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


def rates(frame: Rows) -> list[Rates]:
    grouped = _collect(
        frame.lazy()
        .group_by("classifier")
        .agg(
            pl.len().alias("rows"),
            *[(pl.col("status") == s).mean().alias(s) for s in ("ok", "repaired", "invalid", "error")],
            pl.col("grader_verdict").is_not_null().sum().alias("graded"),
            pl.col("flipped").fill_null(False).sum().alias("flipped"),
        )
        .sort("classifier")
    )
    return [
        Rates(
            classifier=r["classifier"],
            rows=r["rows"],
            ok=r["ok"],
            repaired=r["repaired"],
            invalid=r["invalid"],
            error=r["error"],
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


def totals(frame: Rows) -> Totals:
    lazy = frame.lazy()
    names, sums = pl.collect_all(
        [
            lazy.select(pl.col("classifier").drop_nulls().unique()),
            lazy.select(
                pl.col("conversation_id").n_unique().alias("conversations"),
                pl.len().alias("rows"),
                (pl.col("prompt_tokens").sum() + pl.col("completion_tokens").sum()).alias("tokens"),
                pl.col("cost_usd").sum().alias("cost_usd"),
            ),
        ],
        engine="streaming",
    )
    row = sums.row(0, named=True)
    return Totals(
        classifiers=sorted(names["classifier"].to_list()),
        conversations=int(row["conversations"]),
        rows=int(row["rows"]),
        tokens=int(row["tokens"] or 0),
        cost_usd=float(row["cost_usd"] or 0.0),
    )
