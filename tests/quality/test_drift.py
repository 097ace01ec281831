from __future__ import annotations

from pathlib import Path

import pytest
from quality_weeks import CYCLES, WeekSpec, settings, write_week

from semtel_core.errors import DataQualityError
from semtel_core.quality import js_divergence, validate_week
from semtel_core.quality.statistics import homogeneity_p_value

pytestmark = [pytest.mark.unit]

# topic moves from an even spread over 4 labels to half "coding": JSD ≈ 0.0613 (base 2)
SHIFTED = {**CYCLES, "topic": ["coding", "coding", "coding", "coding", "math", "writing", "science", "math"]}


def test_js_divergence_bounds() -> None:
    p = {"a": 0.5, "b": 0.5}
    assert js_divergence(p, p) == 0.0
    assert js_divergence(p, {"c": 1.0}) == pytest.approx(1.0)
    assert js_divergence({"a": 1.0}, {"a": 0.5, "b": 0.5}) == pytest.approx(0.3113, abs=1e-4)
    assert js_divergence({}, p) is None


def test_homogeneity_p_value() -> None:
    even = {"a": 100, "b": 100}
    assert homogeneity_p_value(even, even) == pytest.approx(1.0)
    assert homogeneity_p_value({"a": 150, "b": 50}, even) < 1e-6
    assert homogeneity_p_value({"a": 15, "b": 5}, {"a": 10, "b": 10}) > 0.05  # same shares, 10x fewer rows
    assert homogeneity_p_value({"a": 3}, {"a": 5}) == 1.0
    assert homogeneity_p_value({}, even) is None


def _weeks(tmp_path: Path, n: int) -> tuple[str, str, str]:
    previous, _ = write_week(tmp_path / "previous", WeekSpec(n=n))
    results, summary = write_week(tmp_path / "current", WeekSpec(n=n, cycles=SHIFTED))
    return results, summary, previous


@pytest.fixture
def weeks(tmp_path: Path) -> tuple[str, str, str]:
    """400 conversations a week: the topic shift is significant (chi-square p ~ 1e-12)."""
    return _weeks(tmp_path, 400)


def test_same_shift_in_a_small_week_is_noise(tmp_path: Path) -> None:
    """40 conversations a week: the same JSD is within sampling noise (p ~ 0.08): a warning, never a failure."""
    results, summary, previous = _weeks(tmp_path, 40)
    report = validate_week(results, summary, previous, settings(jsd_warn=0.01, jsd_fail=0.03))
    topic = report.classifiers[0]
    assert topic.jsd_previous == pytest.approx(0.0613, abs=1e-4)
    assert topic.shift_p_value is not None and 0.01 < topic.shift_p_value < 0.2
    assert report.success
    assert report.warnings == [
        f"topic: label distribution moved week over week (JSD 0.0613) but not significantly "
        f"(chi-square p {topic.shift_p_value:.3f} >= 0.01): within sampling noise"
    ]


def test_shift_between_warn_and_fail_is_a_warning(weeks: tuple[str, str, str]) -> None:
    results, summary, previous = weeks
    report = validate_week(results, summary, previous, settings(jsd_warn=0.02, jsd_fail=0.1))
    topic, satisfaction = report.classifiers
    assert topic.jsd_previous == pytest.approx(0.0613, abs=1e-4)
    assert satisfaction.jsd_previous == 0.0
    assert report.success
    assert len(report.warnings) == 1 and report.warnings[0].startswith("topic: label distribution shifted")


def test_shift_below_warn_is_silent(weeks: tuple[str, str, str]) -> None:
    results, summary, previous = weeks
    report = validate_week(results, summary, previous, settings(jsd_warn=0.07, jsd_fail=0.1))
    assert report.success and report.warnings == []


def test_shift_above_fail_fails(weeks: tuple[str, str, str]) -> None:
    results, summary, previous = weeks
    with pytest.raises(DataQualityError) as info:
        validate_week(results, summary, previous, settings(jsd_warn=0.01, jsd_fail=0.03))
    (failed,) = info.value.details["failed_expectations"]
    assert failed["expected"] == {
        "column": "jsd_previous",
        "min_value": 0,
        "max_value": 0.03,
        "row_condition": {"pass_through_filter": "shift_p_value < 0.01", "type": "pass_through"},
        "condition_parser": "pandas",
    }
    assert [r["classifier"] for r in failed["observed"]["unexpected_index_list"]] == ["topic"]


def test_warn_above_fail_is_rejected() -> None:
    from semtel_core.config import load_settings
    from semtel_core.errors import ConfigError

    with pytest.raises(ConfigError, match="jsd_warn"):
        load_settings(quality={"jsd_warn": 0.5, "jsd_fail": 0.1})
