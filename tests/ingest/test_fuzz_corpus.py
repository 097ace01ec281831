"""The committed fuzz corpus (``fuzz_corpus/``, written by ``make_fuzz_corpus.py``: timestamp edges, BOM, blank
lines, CRLF, huge and odd ids, nesting, odd Unicode, random bytes, seeded mutations of valid rows, corrupt and
truncated gzip/zstd, Parquet timestamps outside years 1-9999) through ``semtel validate``, ``semtel run`` and
``semtel classify`` as a user runs them: no traceback, exit code 0 or 2 (2 with one line naming the file), and
read = accepted + rejected + blank on every file that could be read."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from semtel_core.endpoint.testing import running_endpoint

pytestmark = [pytest.mark.integration, pytest.mark.slow]
CORPUS = sorted((Path(__file__).parent / "fuzz_corpus").iterdir())
UNREADABLE = {
    "corrupt.jsonl.gz",
    "not_gzip.jsonl.gz",
    "truncated.jsonl.gz",
    "not_zstd.jsonl.zst",
    "truncated.jsonl.zst",
}
RECONCILED = re.compile(r"read (\d+) = accepted (\d+) \+ rejected (\d+) \+ blank (\d+)")


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with running_endpoint() as base_url:
        path = tmp_path_factory.mktemp("fuzz") / "semtel.yaml"
        path.write_text(
            json.dumps(
                {
                    "endpoints": [{"name": "local", "base_url": base_url, "model": "instant"}],
                    "classifiers": ["topic"],
                }
            )
        )
        yield path


def _semtel(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "COLUMNS": "200"}
    command = [sys.executable, "-m", "semtel_core.cli.app", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=240)


def _check(proc: subprocess.CompletedProcess[str], name: str) -> None:
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output, output[-3000:]
    if name in UNREADABLE:
        assert proc.returncode == 2, output[-2000:]
        errors = [line for line in output.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and name in errors[0], output[-2000:]
        return
    assert proc.returncode == 0, output[-3000:]
    read, accepted, rejected, blank = map(int, RECONCILED.search(" ".join(output.split())).groups())  # type: ignore[union-attr]
    assert read == accepted + rejected + blank > 0


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_validate_run_and_classify_survive_every_file(path: Path, config: Path, tmp_path: Path) -> None:
    _check(
        _semtel("validate", str(path), "--rejects", str(tmp_path / "rejects.parquet"), cwd=tmp_path),
        path.name,
    )
    run = _semtel("run", "-i", str(path), "-o", str(tmp_path / "run"), "-c", str(config), cwd=tmp_path)
    _check(run, path.name)
    classify = _semtel(
        "classify", "-i", str(path), "-o", str(tmp_path / "classify"), "--classifiers", "topic", "-c", str(config),
        cwd=tmp_path,
    )  # fmt: skip
    _check(classify, path.name)
