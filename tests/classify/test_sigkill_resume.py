"""``kill -9`` in the middle of a partition, then a rerun: nothing missing, nothing duplicated, and the endpoint's
own counters show that rows finished before the kill were not requested again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from semtel_core.classify.checkpoint import load_checkpoint
from semtel_core.endpoint.testing import running_endpoint
from semtel_core.sample_data import CONVERSATIONS_PATH

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CLASSIFIERS = ("topic", "satisfaction")
UNIQUE_CONTENTS = 276  # of the bundled sample's 282 accepted conversations
ACCEPTED = 282


def _classify(config: Path, output: Path, key: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "semtel_core.cli.app", "classify", "--input", str(CONVERSATIONS_PATH)]
    command += ["--output", str(output), "--classifiers", ",".join(CLASSIFIERS), "--strategy", "single"]
    command += ["--config", str(config), "--run-id", key]
    env = {**os.environ, "KILL_TEST_KEY": key}
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _journaled_lines(checkpoints: Path) -> int:
    return sum(p.read_bytes().count(b"\n") for p in checkpoints.glob("bucket=*/journal-*.jsonl"))


def _attempts(base_url: str, key: str) -> int:
    with urllib.request.urlopen(f"{base_url}/_stats", timeout=5) as response:
        stats: dict[str, Any] = json.loads(response.read())
    return int(stats["keys"].get(key, {}).get("attempts", 0))


def test_sigkill_mid_partition_then_rerun_pays_only_for_what_is_missing(tmp_path: Path) -> None:
    output = tmp_path / "out"
    checkpoints = output / "_checkpoints"
    with running_endpoint("--lazy-load", "--ttft-median", "0.04", "--ttft-sigma", "0.1") as url:
        config = tmp_path / "semtel.yaml"
        config.write_text(
            f"endpoints: [{{name: local, base_url: '{url}', model: instant, api_key_env: KILL_TEST_KEY}}]\n"
            "client: {max_concurrency: 4, initial_concurrency: 4}\n"
            "classify: {partitions: 2}\n"
        )
        first = _classify(config, output, "kill-1")
        deadline = time.monotonic() + 60
        while _journaled_lines(checkpoints) < 100:
            assert first.poll() is None, first.communicate()[0].decode()[-2000:]
            assert time.monotonic() < deadline, "no checkpoint rows after 60 s"
            time.sleep(0.02)
        first.send_signal(signal.SIGKILL)
        first.wait()
        assert first.returncode == -signal.SIGKILL
        time.sleep(0.3)  # let the server finish the killed process's in-flight requests

        finished = sum(len(load_checkpoint(str(d))) for d in checkpoints.glob("bucket=*"))
        total = UNIQUE_CONTENTS * len(CLASSIFIERS)
        assert 100 <= finished < total, "the kill must land in the middle of the work"
        assert _attempts(url, "kill-1") >= finished

        second = _classify(config, output, "kill-2")
        log = second.communicate(timeout=120)[0].decode()
        assert second.returncode == 0, log[-3000:]
        # The endpoint's own counter: the rerun asked exactly for what had not been journaled.
        assert _attempts(url, "kill-2") == total - finished

    rows = pq.read_table(output / "results").to_pylist()
    pairs = Counter((r["conversation_id"], r["classifier"]) for r in rows)
    assert len(pairs) == ACCEPTED * len(CLASSIFIERS) and set(pairs.values()) == {1}
    assert {r["status"] for r in rows} == {"ok"}
    assert {r["run_id"] for r in rows} == {"kill-2"}
    summary = json.loads((output / "classify_summary.json").read_text())
    assert summary["reused_rows"] == finished and summary["calls"] == total - finished
    assert not checkpoints.exists()  # compacted: journals removed once the final files were in place
