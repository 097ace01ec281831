"""An outage ends, loudly: with every endpoint down for good, ``semtel classify`` stops within ``client.outage_s``
plus a margin, with error rows naming the cause and exit code 2 (an ``LLMError`` for an Airflow task, so it is
retried and on-call is paged), and the breaker's state changes are logged at WARNING; once the endpoint is back,
a rerun completes every row."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from semtel_core.endpoint.testing import free_port, running_endpoint

pytestmark = [pytest.mark.integration, pytest.mark.slow]
OUTAGE_S = 4.0


def _config(path: Path, base_url: str) -> Path:
    client = {"outage_s": OUTAGE_S, "breaker_failures": 2, "breaker_cooldown_s": 1.0, "max_attempts": 50}
    path.write_text(
        json.dumps(
            {"endpoints": [{"name": "only", "base_url": base_url, "model": "instant"}], "client": client}
        )
    )
    return path


def _classify(inputs: Path, out: Path, config: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    command = [
        sys.executable,
        "-m",
        "semtel_core.cli.app",
        "-v",
        "classify",
        "-i",
        str(inputs),
        "-o",
        str(out),
    ]
    command += ["--classifiers", "topic", "--strategy", "single", "-c", str(config)]
    started = time.monotonic()
    proc = subprocess.run(
        command, capture_output=True, text=True, timeout=300, env={**os.environ, "HF_HUB_OFFLINE": "1"}
    )
    return proc, time.monotonic() - started


def test_a_dead_pool_ends_the_run_and_a_rerun_completes(tmp_path: Path) -> None:
    inputs = tmp_path / "in.jsonl"
    inputs.write_text(
        "".join(
            json.dumps(
                {"conversation_id": f"c{i}", "messages": [{"role": "user", "content": f"question {i}"}]}
            )
            + "\n"
            for i in range(30)
        )
    )
    out = tmp_path / "out"
    dead = _config(tmp_path / "dead.yaml", f"http://127.0.0.1:{free_port()}/v1")
    proc, elapsed = _classify(inputs, out, dead)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 2, output[-3000:]
    assert "Traceback" not in output
    assert "outage: every endpoint of the pool (only) has been unavailable" in output, output[-3000:]
    assert "circuit breaker open" in output  # logged at WARNING when it happens
    assert elapsed < OUTAGE_S + 30, elapsed  # interpreter start and model load included
    rows = pq.read_table(out / "results").to_pylist()
    assert len(rows) == 30 and {r["status"] for r in rows} == {"error"}
    assert all("outage" in r["reason"] or "connection" in r["reason"] for r in rows), rows[0]["reason"]

    with running_endpoint() as base_url:
        proc, _ = _classify(inputs, out, _config(tmp_path / "live.yaml", base_url))
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    rows = pq.read_table(out / "results").to_pylist()
    assert len(rows) == 30 and {r["status"] for r in rows} <= {"ok", "repaired"}
