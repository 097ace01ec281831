"""The main job on the embedded default: bundled sample, local endpoint started for the run."""

from __future__ import annotations

from pathlib import Path

import pyarrow.dataset as ds
import pytest
from typer.testing import CliRunner

from semtel_core.cli.app import app
from semtel_core.sample_data import load_expected_labels

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_main_job_extracts_and_classifies_every_sampled_conversation(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["run", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "reconciled: read 292 = accepted 282 + rejected 10" in result.output
    rows = ds.dataset(tmp_path / "classify" / "results", format="parquet").to_table().to_pylist()
    expected = load_expected_labels()
    assert len(rows) == len(expected) * 5
    assert {(r["conversation_id"], r["classifier"]) for r in rows} == {
        (cid, clf) for cid in expected for clf in expected[cid]
    }
    assert all(r["status"] in {"ok", "repaired"} and r["label"] for r in rows)
    assert "labels (top 3 per classifier)" in result.output


def test_extract_only(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["run", "--no-classify", "--sample-rate", "0.5", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "classify").exists()
    bad = CliRunner().invoke(app, ["run", "--no-classify", "--sample-rate", "2", "-o", str(tmp_path)])
    assert bad.exit_code == 2 and "--sample-rate" in bad.output
