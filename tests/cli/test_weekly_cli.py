"""``semtel weekly``, the README's main job: the weekly DAG run end to end by Airflow's ``dag.test()`` on the
embedded default (bundled sample, local endpoint started for the run, one classifier on the Batch API path)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pyarrow.dataset as ds
import pytest
from typer.testing import CliRunner

from semtel_core.cli.app import app
from semtel_core.cli.weekly_cmd import mondays
from semtel_core.sample_data import CLASSIFIERS, load_expected_labels


def test_mondays_cover_every_touched_week() -> None:
    assert mondays(date(2026, 10, 5), date(2026, 11, 1)) == [
        date(2026, 10, 5),
        date(2026, 10, 12),
        date(2026, 10, 19),
        date(2026, 10, 26),
    ]
    assert mondays(date(2026, 10, 7), date(2026, 10, 7)) == [date(2026, 10, 5)]
    assert mondays(date(2026, 10, 11), date(2026, 10, 12)) == [date(2026, 10, 5), date(2026, 10, 12)]


def test_an_input_needs_its_weeks(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["weekly", "-o", str(tmp_path), "-i", "x.jsonl", "--from", "2026-10-05"])
    assert result.exit_code == 2 and "give both --from and --to" in result.output
    backwards = CliRunner().invoke(
        app, ["weekly", "-o", str(tmp_path), "--from", "2026-10-12", "--to", "2026-10-05"]
    )
    assert backwards.exit_code == 2 and "is before --from" in backwards.output


@pytest.mark.integration
@pytest.mark.slow
def test_two_weeks_end_to_end(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["weekly", "-o", str(tmp_path), "--from", "2026-10-12", "--to", "2026-10-19"], terminal_width=200
    )
    assert result.exit_code == 0, result.output
    weeks = ["2026-10-12", "2026-10-19"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["airflow", "dataset", *(f"week={w}" for w in weeks)]
    sampled = {}
    for week in weeks:
        folder = tmp_path / f"week={week}"
        summary = json.loads((folder / "extract" / "extract_summary.json").read_text())
        assert summary["read"] == summary["accepted"] + summary["rejected"] == 292
        sampled[week] = summary["sampled"]
        assert json.loads((folder / "quality_report.json").read_text())["success"] is True
        assert "<svg" in (folder / "report.html").read_text(encoding="utf-8")
        assert f"report {week}: {folder / 'report.html'}" in result.output
    assert "open the latest report: file://" in result.output
    loaded = ds.dataset(tmp_path / "dataset", format="parquet", partitioning="hive").to_table()
    weeks_of = Counter(str(w)[:10] for w in loaded.column("week").to_pylist())
    assert weeks_of == {w: sampled[w] * len(CLASSIFIERS) for w in weeks}
    pairs = list(
        zip(
            loaded.column("conversation_id").to_pylist(), loaded.column("classifier").to_pylist(), strict=True
        )
    )
    assert len(pairs) == len(set(pairs))
    assert set(loaded.column("conversation_id").to_pylist()) <= set(load_expected_labels())
    strategies = Counter(
        zip(loaded.column("classifier").to_pylist(), loaded.column("strategy").to_pylist(), strict=True)
    )
    assert {s for (c, s) in strategies if c == "satisfaction"} == {"batch"}  # the Batch API path
    assert {s for (c, s) in strategies if c != "satisfaction"} - {"batch"}  # and the online path
    assert set(loaded.column("status").to_pylist()) <= {"ok", "repaired"}


@pytest.mark.integration
@pytest.mark.slow
def test_spark_engine_submits_to_local_without_a_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The DAG's SparkSubmitOperator really runs spark-submit (no connection defined: master local[*])."""
    monkeypatch.delenv("AIRFLOW_CONN_SEMTEL_SPARK", raising=False)
    args = ["weekly", "-o", str(tmp_path), "--engine", "spark", "--from", "2026-10-12", "--to", "2026-10-12"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    log = (tmp_path / "airflow" / "dag_test.log").read_text(encoding="utf-8")
    assert "Spark-Submit cmd: spark-submit --master local[*]" in log
    week = tmp_path / "week=2026-10-12"
    sampled = json.loads((week / "extract" / "extract_summary.json").read_text())["sampled"]
    loaded = ds.dataset(tmp_path / "dataset", format="parquet", partitioning="hive").to_table()
    assert loaded.num_rows == sampled * len(CLASSIFIERS)
    assert len(list((week / "classify" / "results").glob("*.parquet"))) >= 1  # written by the Spark job
