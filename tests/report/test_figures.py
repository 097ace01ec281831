from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow as pa
import pytest
from report_helpers import RARE_LABEL, week_rows, write

from semtel_core.load.reading import read_results
from semtel_core.quality.week_counts import WeekCounts, count_week
from semtel_core.report import figures

pytestmark = [pytest.mark.unit]


def _frame(table: pa.Table) -> pl.DataFrame:
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame


@pytest.fixture
def rows(tmp_path: Path) -> str:
    return str(write(tmp_path / "r.parquet", week_rows()))


@pytest.fixture
def frame(rows: str) -> pl.DataFrame:
    """The rows themselves, to check the figures against."""
    return _frame(read_results(rows))


@pytest.fixture
def week(rows: str) -> WeekCounts:
    """What the figures are computed from."""
    return count_week(rows)


def test_small_labels_are_withheld_with_their_share(week: WeekCounts) -> None:
    dist = figures.distribution(week, None, "topic", k=5)
    rare = next(b for b in dist.bars if b.label == RARE_LABEL)
    assert rare.count is None and rare.share is None
    shown = [b for b in dist.bars if b.count is not None]
    assert all(b.count >= 5 for b in shown if b.count is not None)
    assert dist.suppressed_labels == len(dist.bars) - len(shown) >= 1
    # k=1 shows everything, and the shares of the labelled rows sum to one.
    everything = figures.distribution(week, None, "topic", k=1)
    assert sum(b.share or 0 for b in everything.bars) == pytest.approx(1.0)
    assert next(b for b in everything.bars if b.label == RARE_LABEL).count == 2


def test_a_single_withheld_label_takes_the_next_smallest_with_it() -> None:
    counts = {"a": 50, "b": 9, "c": 2, "d": 30}
    assert figures.withheld_labels(counts, 5) == {"c", "b"}
    assert figures.withheld_labels({"a": 50, "b": 3, "c": 2}, 5) == {"b", "c"}


def test_week_over_week_change_and_divergence(tmp_path: Path, week: WeekCounts) -> None:
    previous_rows = read_results(str(write(tmp_path / "p.parquet", week_rows(skip=60, rare=False))))
    before = count_week(str(tmp_path / "p.parquet"))
    dist = figures.distribution(week, before, "user_expertise", k=5)
    labelled = _frame(previous_rows).filter(
        (pl.col("classifier") == "user_expertise") & pl.col("status").is_in(["ok", "repaired"])
    )
    prev_counts = dict(labelled.group_by("label").len().iter_rows())
    assert figures._counts(before, "user_expertise") == prev_counts
    total = sum(prev_counts.values())
    for bar in dist.bars:
        if bar.count is not None:
            assert bar.previous_share == pytest.approx(prev_counts.get(bar.label, 0) / total)
            assert bar.delta == pytest.approx((bar.share or 0) - (bar.previous_share or 0))
    assert dist.jsd_vs_previous is not None and 0 < dist.jsd_vs_previous < 0.1
    same = figures.distribution(week, week, "user_expertise", k=5)
    assert same.jsd_vs_previous == pytest.approx(0.0)


def test_cross_tab_counts_pairs_and_suppresses_small_cells(frame: pl.DataFrame, week: WeekCounts) -> None:
    tab = figures.cross_tab(week, "user_expertise", "satisfaction", k=5)
    assert tab is not None
    full = figures.cross_tab(week, "user_expertise", "satisfaction", k=1)
    assert full is not None
    flat = [n for row in full.cells for n in row if n is not None]
    labelled = frame.filter(pl.col("status").is_in(["ok", "repaired"]))
    both = (
        labelled.group_by("conversation_id")
        .agg(pl.col("classifier"))
        .filter(
            pl.col("classifier").list.contains("user_expertise")
            & pl.col("classifier").list.contains("satisfaction")
        )
    )
    assert sum(flat) == both.height
    for row_k5, row_k1 in zip(tab.cells, full.cells, strict=True):
        for a, b in zip(row_k5, row_k1, strict=True):
            assert a == (b if b is not None and b >= 5 else None)
    assert any(n is None for row in tab.cells for n in row)


def test_rates_and_cost_split(frame: pl.DataFrame, week: WeekCounts) -> None:
    rates = {r.classifier: r for r in figures.rates(week)}
    topic = rates["topic"]
    assert topic.ok + topic.repaired + topic.invalid + topic.error == pytest.approx(1.0)
    mine = frame.filter(pl.col("classifier") == "topic")
    graded = mine.filter(pl.col("grader_verdict").is_not_null())
    assert topic.graded == graded.height > 0
    assert topic.flip_rate == pytest.approx(graded["flipped"].sum() / graded.height)
    costs = figures.cost_rows(week, k=5)
    assert {c.mode for c in costs} == {"online", "batch"}
    assert sum(c.cost_usd for c in costs) == pytest.approx(frame["cost_usd"].sum())
