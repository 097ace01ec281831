"""``semtel grade`` end to end on the local endpoint's ``instant`` model (fast, deterministic labels)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from grader_helpers import CLASSIFIERS, sample_partition
from typer.testing import CliRunner

from semtel_core.classify.partition import classify_partition
from semtel_core.cli.app import app
from semtel_core.config import load_settings
from semtel_core.endpoint.testing import running_endpoint
from semtel_core.sample_data import CONVERSATIONS_PATH

pytestmark = [pytest.mark.integration]
runner = CliRunner()


def test_grade_writes_graded_rows_and_a_flip_rate_report(tmp_path: Path) -> None:
    faults = ("--lazy-load", "--fault-malformed", "0.3", "--malformed-kinds", "near_miss", "--seed", "1")
    with running_endpoint(*faults) as url:
        endpoint = {"name": "local", "base_url": url, "model": "instant", "api_key": "grade-cli"}
        config = {"endpoints": [endpoint], "classifiers": CLASSIFIERS, "grader": {"audit_rate": 0.25}}
        config_path = tmp_path / "semtel.yaml"
        config_path.write_text(json.dumps(config))
        settings = load_settings(config_path)
        results = classify_partition(
            sample_partition(12), CLASSIFIERS, settings, run_id="r", checkpoint_dir=str(tmp_path / "ck")
        ).results
        pq.write_table(results, tmp_path / "results.parquet")
        inputs = tmp_path / "conversations.jsonl"
        with CONVERSATIONS_PATH.open("rb") as fh:
            inputs.write_bytes(b"".join(next(fh) for _ in range(12)))
        graded_path, report_path = tmp_path / "graded.parquet", tmp_path / "report.json"
        args = ["grade", "-r", str(tmp_path / "results.parquet"), "-i", str(inputs), "-o", str(graded_path)]
        result = runner.invoke(app, [*args, "--report", str(report_path), "-c", str(config_path)])
        assert result.exit_code == 0, result.output
        assert "flip rate per classifier and strategy" in result.output
        report = json.loads(report_path.read_text())
        graded = pq.read_table(graded_path)
        assert graded.num_rows == results.num_rows == report["rows"] == 24
        judged = [r for r in graded.to_pylist() if r["grader_verdict"] is not None]
        assert report["judged"] == len(judged) > 0
        assert {(x["classifier"], x["strategy"]) for x in report["flip_rates"]} == {
            ("satisfaction", "multi"),
            ("topic", "multi"),
        }
        one = tmp_path / "one.jsonl"
        one.write_text(inputs.read_text().splitlines()[0] + "\n")
        bad = [
            "grade",
            "-r",
            str(tmp_path / "results.parquet"),
            "-i",
            str(one),
            "-o",
            str(tmp_path / "x.parquet"),
        ]
        refused = runner.invoke(app, [*bad, "-c", str(config_path)], env={"SEMTEL_GRADER__AUDIT_RATE": "1"})
        assert refused.exit_code == 2 and "has no conversation" in refused.output
