"""``kill -9`` of ``semtel classify`` with ``classify.workers: 2`` leaves no paid work running: the workers die
with their parent (the endpoint's request counter stops within 2 s), and the rerun pays again only for what was
in flight (at most the in-flight limit), while a second run started during the first is refused by the
partition lock."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import psutil
import pytest

from semtel_core.endpoint.testing import running_endpoint
from semtel_core.sample_data import CONVERSATIONS_PATH

pytestmark = [pytest.mark.integration, pytest.mark.slow]
IN_FLIGHT = 3  # per worker: client.max_concurrency below


def _attempts(base_url: str) -> int:
    return int(httpx2.get(f"{base_url}/_stats").json()["totals"]["attempts"])


def _classify(config: Path, out: Path) -> subprocess.Popen[str]:
    command = [
        sys.executable,
        "-m",
        "semtel_core.cli.app",
        "classify",
        "-i",
        str(CONVERSATIONS_PATH),
        "-o",
        str(out),
    ]
    command += ["--classifiers", "topic,satisfaction", "--strategy", "single", "-c", str(config)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "COLUMNS": "200"}
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _wait_until(what: str, probe, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not probe():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_kill_minus_nine_stops_paying_and_the_rerun_pays_only_in_flight(tmp_path: Path) -> None:
    with running_endpoint("--ttft-median", "0.15", "--ttft-sigma", "0.01") as base_url:
        config = tmp_path / "semtel.yaml"
        config.write_text(
            json.dumps(
                {
                    "endpoints": [{"name": "local", "base_url": base_url, "model": "instant"}],
                    "classify": {"workers": 2, "partitions": 4},
                    "client": {"initial_concurrency": IN_FLIGHT, "max_concurrency": IN_FLIGHT},
                }
            )
        )
        out = tmp_path / "out"
        first = _classify(config, out)
        _wait_until("paid calls from both workers", lambda: _attempts(base_url) >= 30, timeout=90)
        workers = psutil.Process(first.pid).children(recursive=True)
        assert len([w for w in workers if "spawn" in " ".join(w.cmdline())]) >= 2, [
            w.cmdline() for w in workers
        ]

        # A second run on the same output while the first holds its partitions is refused, paying nothing.
        second = _classify(config, out)
        output, _ = second.communicate(timeout=120)
        assert second.returncode == 2 and "is being classified by another process" in output, output[-2000:]

        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        paid_before = _attempts(base_url)
        time.sleep(2)
        stopped_at = _attempts(base_url)
        time.sleep(2)
        assert _attempts(base_url) == stopped_at, "requests went on more than 2 s after the kill"
        assert stopped_at - paid_before <= 2 * IN_FLIGHT  # at most what was already on the wire
        _, alive = psutil.wait_procs(workers, timeout=5)
        assert not alive, f"orphaned workers: {[(p.pid, p.ppid()) for p in alive]}"

        rerun = _classify(config, out)
        output, _ = rerun.communicate(timeout=300)
        assert rerun.returncode == 0, output[-3000:]
        summary = json.loads((out / "classify_summary.json").read_text())
        needed = summary["unique_contents"] * 2  # one call per distinct content x classifier
        paid = _attempts(base_url)
        assert summary["rows"] == summary["accepted"] * 2
        # Everything was paid once, plus at most what was in flight at the kill (2 workers x IN_FLIGHT).
        assert needed <= paid <= needed + 2 * IN_FLIGHT, (paid, needed)
