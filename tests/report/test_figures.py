from __future__ import annotations

from pathlib import Path

import pytest
from report_helpers import RARE_LABEL, week_rows, write

from semtel_core.load.reading import read_results
from semtel_core.report import figures

pytestmark = [pytest.mark.unit]


@pytest.fixture
def frame(tmp_path: Path) -> figures.pl.DataFrame:
    return figures.frame_of(read_results(str(write(tmp_path / "r.parquet", week_rows()))))


def test_small_labels_are_withheld_with_their_share(frame: figures.pl.DataFrame) -> None:
    dist = figures.distribution(frame, None, "topic", k=5)
    rare = next(b for b in dist.bars if b.label == RARE_LABEL)
    assert rare.count is None and rare.share is None
    shown = [b for b in dist.bars if b.count is not None]
    assert all(b.count >= 5 for b in shown if b.count is not None)
    assert dist.suppressed_labels == len(dist.bars) - len(shown) >= 1
    # k=1 shows everything, and the shares of the labelled rows sum to one.
    everything = figures.distribution(frame, None, "topic", k=1)
    assert sum(b.share or 0 for b in everything.bars) == pytest.approx(1.0)
    assert next(b for b in everything.bars if b.label == RARE_LABEL).count == 2


def test_a_single_withheld_label_takes_the_next_smallest_with_it() -> None:
    counts = {"a": 50, "b": 9, "c": 2, "d": 30}
    assert figures._withheld(counts, 5) == {"c", "b"}
    assert figures._withheld({"a": 50, "b": 3, "c": 2}, 5) == {"b", "c"}


def test_week_over_week_change_and_divergence(tmp_path: Path, frame: figures.pl.DataFrame) -> None:
    before = figures.frame_of(
        read_results(str(write(tmp_path / "p.parquet", week_rows(skip=60, rare=False))))
    )
    dist = figures.distribution(frame, before, "user_expertise", k=5)
    prev_counts = figures._counts(before, "user_expertise")
    total = sum(prev_counts.values())
    for bar in dist.bars:
        if bar.count is not None:
            assert bar.previous_share == pytest.approx(prev_counts.get(bar.label, 0) / total)
            assert bar.delta == pytest.approx((bar.share or 0) - (bar.previous_share or 0))
    assert dist.jsd_vs_previous is not None and 0 < dist.jsd_vs_previous < 0.1
    same = figures.distribution(frame, frame, "user_expertise", k=5)
    assert same.jsd_vs_previous == pytest.approx(0.0)


def test_cross_tab_counts_pairs_and_suppresses_small_cells(frame: figures.pl.DataFrame) -> None:
    tab = figures.cross_tab(frame, "user_expertise", "satisfaction", k=5)
    assert tab is not None
    full = figures.cross_tab(frame, "user_expertise", "satisfaction", k=1)
    assert full is not None
    flat = [n for row in full.cells for n in row if n is not None]
    labelled = frame.filter(figures.pl.col("status").is_in(["ok", "repaired"]))
    both = (
        labelled.group_by("conversation_id")
        .agg(figures.pl.col("classifier"))
        .filter(
            figures.pl.col("classifier").list.contains("user_expertise")
            & figures.pl.col("classifier").list.contains("satisfaction")
        )
    )
    assert sum(flat) == both.height
    for row_k5, row_k1 in zip(tab.cells, full.cells, strict=True):
        for a, b in zip(row_k5, row_k1, strict=True):
            assert a == (b if b is not None and b >= 5 else None)
    assert any(n is None for row in tab.cells for n in row)


def test_rates_and_cost_split(frame: figures.pl.DataFrame) -> None:
    rates = {r.classifier: r for r in figures.rates(frame)}
    topic = rates["topic"]
    assert topic.ok + topic.repaired + topic.invalid + topic.error == pytest.approx(1.0)
    mine = frame.filter(figures.pl.col("classifier") == "topic")
    graded = mine.filter(figures.pl.col("grader_verdict").is_not_null())
    assert topic.graded == graded.height > 0
    assert topic.flip_rate == pytest.approx(graded["flipped"].sum() / graded.height)
    costs = figures.cost_rows(frame, k=5)
    assert {c.mode for c in costs} == {"online", "batch"}
    assert sum(c.cost_usd for c in costs) == pytest.approx(frame["cost_usd"].sum())
