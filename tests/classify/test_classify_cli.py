"""``semtel classify``: fsspec output, the summary table, and exit codes (run failure vs row-level errors)."""

from __future__ import annotations

from pathlib import Path

import fsspec
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from semtel_core.cli.app import app
from semtel_core.endpoint.testing import running_endpoint
from semtel_core.sample_data import CONVERSATIONS_PATH

pytestmark = [pytest.mark.integration]

runner = CliRunner()


def _config(tmp_path: Path, base_url: str, extra: str = "") -> Path:
    path = tmp_path / "semtel.yaml"
    path.write_text(
        f"endpoints: [{{name: local, base_url: '{base_url}', model: instant}}]\nclassify: {{partitions: 2}}\n{extra}"
    )
    return path


def test_classify_to_an_fsspec_uri_prints_the_summary_and_reconciles(
    endpoint_url: str, tmp_path: Path
) -> None:
    output = "memory://semtel-cli-test/out"
    args = ["classify", "--input", str(CONVERSATIONS_PATH), "--output", output]
    args += [
        "--classifiers",
        "topic,knowledge_work",
        "--strategy",
        "batched",
        "-c",
        str(_config(tmp_path, endpoint_url)),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert (
        "semtel classify" in result.output
        and "reconciled: read 292 = accepted 282 + rejected 10" in result.output
    )
    fs = fsspec.filesystem("memory")
    files = sorted(fs.ls("/semtel-cli-test/out/results", detail=False))
    assert [f.rsplit("/", 1)[-1] for f in files] == ["bucket=00000.parquet", "bucket=00001.parquet"]
    rows = sum(pq.read_table(fs.open(f, "rb")).num_rows for f in files)
    assert rows == 282 * 2
    assert pq.read_table(fs.open("/semtel-cli-test/out/rejects.parquet", "rb")).num_rows == 10
    assert not fs.exists("/semtel-cli-test/out/_checkpoints") and not fs.exists(
        "/semtel-cli-test/out/_staging"
    )


def test_a_run_that_cannot_start_exits_non_zero(tmp_path: Path) -> None:
    args = ["classify", "--input", str(tmp_path / "missing.jsonl"), "--output", str(tmp_path / "out")]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "cannot open input" in result.output


def test_row_level_errors_do_not_fail_the_run(tmp_path: Path) -> None:
    with running_endpoint("--lazy-load", "--fault-503", "1.0") as url:
        config = _config(tmp_path, url, "client: {max_attempts: 1, breaker_failures: 100000}\n")
        args = ["classify", "--input", str(CONVERSATIONS_PATH), "--output", str(tmp_path / "out")]
        args += ["--classifiers", "topic", "-c", str(config)]
        result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = pq.read_table(tmp_path / "out" / "results").to_pylist()
    assert len(rows) == 282 and {r["status"] for r in rows} == {"error"}
