"""The trends section: label shares per week from saved aggregates, Wilson intervals, significant changes marked,
small cells suppressed as in the week's distribution."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from report_helpers import week_rows, write

from semtel_core.config import Settings
from semtel_core.quality.week_counts import WeekCounts, count_week
from semtel_core.report import render_report
from semtel_core.report.trends import trend, wilson

pytestmark = [pytest.mark.unit]
MONDAY = date(2026, 9, 7)


def _week(labels: dict[str, int]) -> WeekCounts:
    combinations = pl.DataFrame(
        {
            "classifier": ["topic"] * len(labels),
            "label": list(labels),
            "status": ["ok"] * len(labels),
            "strategy": ["multi"] * len(labels),
            "rows": list(labels.values()),
        }
    )
    empty = pl.DataFrame()
    return WeekCounts(empty, combinations, empty, sum(labels.values()))


def test_a_jump_is_marked_and_noise_is_not() -> None:
    weeks = [
        (MONDAY + timedelta(weeks=i), _week({"coding": 250, "math": 250, "writing": 500})) for i in range(4)
    ]
    weeks.append((MONDAY + timedelta(weeks=4), _week({"coding": 600, "math": 240, "writing": 160})))
    weeks.append(
        (MONDAY + timedelta(weeks=5), _week({"coding": 590, "math": 250, "writing": 160, "rare": 3}))
    )
    t = trend("topic", weeks, k=5)
    assert t is not None and t.labels == ["writing", "coding", "math", "rare"]  # by total, largest first
    coding = dict(zip(t.labels, t.cells, strict=True))["coding"]
    assert [c.change for c in coding] == [0, 0, 0, 0, 1, 0]
    writing = dict(zip(t.labels, t.cells, strict=True))["writing"]
    assert writing[4].change == -1 and all(c.change == 0 for c in writing[:4])
    math_ = dict(zip(t.labels, t.cells, strict=True))["math"]
    assert all(c.change == 0 for c in math_)  # 25 % -> 24 % is not a change
    rare = dict(zip(t.labels, t.cells, strict=True))["rare"]
    assert all(c.share is None for c in rare)  # 3 < k, and never shown
    for cell in coding:
        assert cell.low is not None and cell.high is not None and cell.share is not None
        assert cell.low < cell.share < cell.high
    assert trend("satisfaction", weeks, k=5) is None


def test_wilson_interval() -> None:
    low, high = wilson(50, 100)
    assert low == pytest.approx(0.4038, abs=1e-4) and high == pytest.approx(0.5962, abs=1e-4)
    assert wilson(0, 10)[0] == 0.0 and wilson(10, 10)[1] == pytest.approx(1.0)


def test_a_single_small_label_takes_the_next_smallest_with_it() -> None:
    weeks = [
        (MONDAY, _week({"a": 500, "b": 40, "c": 3})),
        (MONDAY + timedelta(weeks=1), _week({"a": 500, "b": 40, "c": 3})),
    ]
    t = trend("topic", weeks, k=5)
    assert t is not None
    shown = {label: [c.share for c in cells] for label, cells in zip(t.labels, t.cells, strict=True)}
    assert shown["c"] == [None, None] and shown["b"] == [None, None] and shown["a"][0] is not None


def test_the_report_shows_trends_from_earlier_weeks(tmp_path: Path) -> None:
    history = []
    for i in range(3):
        path = write(tmp_path / f"w{i}.parquet", week_rows(skip=10 * i, rare=False))
        history.append((MONDAY + timedelta(weeks=i), count_week(str(path))))
    current = write(tmp_path / "now.parquet", week_rows())
    out = render_report(
        current, tmp_path / "r.html", Settings(), week=MONDAY + timedelta(weeks=3), history=history
    )
    html = out.read_text()
    assert 'id="trends"' in html and html.count('<table class="trend"') >= 3
    assert "09-07" in html and "09-28" in html
    without = render_report(current, tmp_path / "r2.html", Settings(), week=MONDAY + timedelta(weeks=3))
    assert 'id="trends"' not in without.read_text()
