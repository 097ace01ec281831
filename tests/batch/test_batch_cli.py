"""``semtel batch``: submit, status, collect, cancel through the CLI; SIGTERM during ``submit --wait`` cancels."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import openai
import pyarrow.parquet as pq
import pytest
from batch_helpers import wait_until
from typer.testing import CliRunner

from semtel_core.batch.state import load_state
from semtel_core.cli.app import app
from semtel_core.endpoint.testing import FAST_BATCHES, running_endpoint
from semtel_core.sample_data import CONVERSATIONS_PATH

pytestmark = [pytest.mark.integration]
runner = CliRunner()


def _inputs(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "conversations.jsonl"
    with CONVERSATIONS_PATH.open("rb") as fh:
        path.write_bytes(b"".join(next(fh) for _ in range(n)))
    return path


def _attempts(base_url: str) -> int:
    import httpx2

    return int(httpx2.get(f"{base_url}/_stats").json()["totals"]["attempts"])


def test_submit_writes_its_rejects_where_a_user_can_read_them(tmp_path: Path) -> None:
    with running_endpoint(*FAST_BATCHES) as url:
        inputs = _inputs(tmp_path, 4)
        inputs.write_bytes(inputs.read_bytes() + b"{not json\n")
        state = tmp_path / "state"
        submitted = runner.invoke(
            app, ["batch", "submit", "-i", str(inputs), "-s", str(state), "-c", str(_config(tmp_path, url))]
        )
        assert submitted.exit_code == 0, submitted.output
        assert "rejects.parquet" in submitted.output
        rejects = pq.read_table(state / "rejects.parquet").to_pylist()
        assert [r["reason"] for r in rejects] == ["invalid_json"]


def _config(tmp_path: Path, base_url: str) -> Path:
    config = {
        "endpoints": [{"name": "local", "base_url": base_url, "model": "instant", "api_key": "cli-key"}],
        "classifiers": ["topic", "satisfaction"],
        "batch": {"poll_interval_s": 0.05},
        "prices": {"instant": {"input_per_mtok": 1.0, "output_per_mtok": 4.0}},
    }
    path = tmp_path / "semtel.yaml"
    path.write_text(json.dumps(config))  # JSON is YAML
    return path


def test_submit_status_collect(tmp_path: Path) -> None:
    with running_endpoint(*FAST_BATCHES, "--batch-expire-after", "0.5") as url:
        config, inputs, state = _config(tmp_path, url), _inputs(tmp_path, 8), str(tmp_path / "state")
        submitted = runner.invoke(app, ["batch", "submit", "-i", str(inputs), "-s", state, "-c", str(config)])
        assert submitted.exit_code == 0, submitted.output
        assert "batch_" in submitted.output and "run status" in submitted.output
        watched = runner.invoke(app, ["batch", "status", "-s", state, "--watch", "-c", str(config)])
        assert watched.exit_code == 0 and "run status: expired" in watched.output
        assert "requests 8, completed 4, failed 4" in watched.output
        output = tmp_path / "results.parquet"
        collected = runner.invoke(
            app, ["batch", "collect", "-s", state, "-o", str(output), "-c", str(config)]
        )
        assert collected.exit_code == 0, collected.output
        assert "batch_expired" in collected.output and "online" in collected.output
        assert pq.read_table(output).num_rows == 16
        # A second collect to another file reuses the online fallback's rows kept in the state: no call paid twice.
        paid = _attempts(url)
        other = tmp_path / "again.parquet"
        collected_again = runner.invoke(
            app, ["batch", "collect", "-s", state, "-o", str(other), "-c", str(config)]
        )
        assert collected_again.exit_code == 0, collected_again.output
        assert _attempts(url) == paid
        columns = ["conversation_id", "classifier", "label", "strategy"]
        key = [("conversation_id", "ascending"), ("classifier", "ascending")]
        assert pq.read_table(other, columns=columns).sort_by(key) == pq.read_table(
            output, columns=columns
        ).sort_by(key)
        again = runner.invoke(app, ["batch", "submit", "-i", str(inputs), "-s", state, "-c", str(config)])
        assert again.exit_code == 0 and "re-attached" not in again.output  # the id was in the state


def test_errors_are_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["batch", "status", "-s", str(tmp_path / "nothing")])
    assert result.exit_code == 2 and "no batch state" in result.output


def test_sigterm_during_submit_wait_cancels_the_remote_batch(tmp_path: Path) -> None:
    slow = ("--lazy-load", "--batch-time-scale", "1", "--batch-request-seconds", "30")
    with running_endpoint(*slow) as url:
        config, inputs, state_dir = _config(tmp_path, url), _inputs(tmp_path, 12), tmp_path / "state"
        command = [sys.executable, "-m", "semtel_core.cli.app", "batch", "submit", "--wait"]
        command += ["-i", str(inputs), "-s", str(state_dir), "-c", str(config), "--interval", "0.1"]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            wait_until(
                lambda: (s := load_state(str(state_dir))) is not None and s.parts[0].batch_id is not None
            )
            process.send_signal(signal.SIGTERM)
            output, _ = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
        assert process.returncode == 130, output.decode()
        state = load_state(str(state_dir))
        assert state is not None and state.parts[0].batch_id is not None
        remote = openai.OpenAI(base_url=url, api_key="cli-key").batches.retrieve(state.parts[0].batch_id)
        assert remote.status in ("cancelling", "cancelled")
        assert state.parts[0].status in ("cancelling", "cancelled")
