from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from report_helpers import CLASSIFIERS, RARE_LABEL, week_rows, write

from semtel_core.config import Settings
from semtel_core.extract import ExtractSummary
from semtel_core.report import render_report

pytestmark = [pytest.mark.unit]


def _extract() -> ExtractSummary:
    return ExtractSummary(
        inputs=["conversations.jsonl"],
        read=292,
        accepted=282,
        rejected=10,
        rejected_by_reason={"empty_text": 6, "bad_role": 4},
        sampled=282,
        sample_rate=1.0,
        unique_content=282,
        duplicate_content=0,
        conversations_path="x",
        rejects_path="y",
    )


def render(tmp_path: Path, k: int = 5, week: date | None = None) -> str:
    current = write(tmp_path / "now" / "results.parquet", week_rows())
    previous = write(tmp_path / "before" / "results.parquet", week_rows(skip=60, rare=False))
    out = render_report(
        current,
        tmp_path / "report" / "index.html",
        Settings(report={"min_cell_size": k}),
        previous_results_path=previous,
        extract_summary=_extract(),
        quality_report={
            "success": True,
            "warnings": ["topic: JS divergence 0.031 above warn level 0.02"],
            "statistics": {"invalid_rate": 0.012, "flip_rate": 0.004},
        },
        week=week,
    )
    return out.read_text("utf-8")


def test_header_names_the_data_weeks_not_the_classification_dates(tmp_path: Path) -> None:
    html = render(tmp_path, week=date(2026, 10, 26))
    assert "Week 2026-10-26 · compared with 2026-10-19" in html


def test_one_chart_per_classifier_and_every_section(tmp_path: Path) -> None:
    html = render(tmp_path)
    assert sorted(re.findall(r'<svg class="chart distribution" data-classifier="([^"]+)"', html)) == sorted(
        CLASSIFIERS
    )
    for section in ("overview", "quality", "distributions", "crosstabs", "cost", "rates"):
        assert f'id="{section}"' in html
    assert 'data-rows="user_expertise" data-cols="satisfaction"' in html
    assert 'data-rows="topic" data-cols="task_complexity"' in html
    assert "JS divergence 0.031 above warn level" in html
    assert 'class="chart cost-split"' in html
    assert "bad_role &lt; 5" in html  # 4 rejects of a reason are a small cell too


def test_small_cells_are_suppressed_and_k_is_configurable(tmp_path: Path) -> None:
    html = render(tmp_path, k=5)
    assert f'class="suppressed" data-label="{RARE_LABEL}"' in html
    assert f'class="bar" data-label="{RARE_LABEL}"' not in html
    assert f"{RARE_LABEL}: 2 " not in html
    loose = render(tmp_path / "k1", k=1)
    assert f'class="bar" data-label="{RARE_LABEL}"' in loose
    assert "suppressed (&lt;" not in loose


def test_page_is_self_contained(tmp_path: Path) -> None:
    html = render(tmp_path)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<script" not in html


def test_labels_are_escaped(tmp_path: Path) -> None:
    rows = week_rows()
    rows[0] = {**rows[0], "label": "<img src=x onerror=alert(1)>", "status": "ok"}
    out = render_report(
        write(tmp_path / "r.parquet", rows), tmp_path / "x.html", Settings(report={"min_cell_size": 1})
    )
    html = out.read_text("utf-8")
    assert "<img src=x" not in html and "&lt;img src=x" in html
