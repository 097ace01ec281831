"""The committed fuzz corpus (``fuzz_corpus/``, written by ``make_fuzz_corpus.py``: timestamp edges, BOM, blank
lines, CRLF, huge and odd ids, nesting, odd Unicode, random bytes, seeded mutations of valid rows, corrupt and
truncated gzip/zstd, Parquet timestamps outside years 1-9999) through ``semtel validate``, ``semtel run`` and
``semtel classify`` through the command line (in-process, Typer's runner: an exception escaping a command is
what a user sees as a traceback): no traceback, exit code 0 or 2 (2 with one line naming the file), and
read = accepted + rejected + blank on every file that could be read."""

from __future__ import annotations

import json
import re
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from semtel_core.cli.app import app
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


def _semtel(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200", "HF_HUB_OFFLINE": "1"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        trace = "".join(traceback.format_exception(result.exception))
        raise AssertionError(f"semtel {' '.join(args)} raised (a user would see a traceback):\n{trace}")
    return result.exit_code, result.output


def _check(outcome: tuple[int, str], name: str) -> None:
    code, output = outcome
    assert "Traceback" not in output, output[-3000:]
    if name in UNREADABLE:
        assert code == 2, output[-2000:]
        errors = [line for line in output.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and name in errors[0], output[-2000:]
        return
    assert code == 0, output[-3000:]
    read, accepted, rejected, blank = map(int, RECONCILED.search(" ".join(output.split())).groups())  # type: ignore[union-attr]
    assert read == accepted + rejected + blank > 0


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_validate_run_and_classify_survive_every_file(path: Path, config: Path, tmp_path: Path) -> None:
    _check(_semtel("validate", str(path), "--rejects", str(tmp_path / "rejects.parquet")), path.name)
    _check(_semtel("run", "-i", str(path), "-o", str(tmp_path / "run"), "-c", str(config)), path.name)
    classify = ("classify", "-i", str(path), "-o", str(tmp_path / "classify"), "--classifiers", "topic")
    _check(_semtel(*classify, "-c", str(config)), path.name)
