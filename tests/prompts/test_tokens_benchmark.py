"""The token benchmark recomputes its table from real prompts (a few conversations here, all in the docs run)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = [pytest.mark.unit]

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "tokens.py"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("semtel_tokens_benchmark", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_benchmark_prints_the_table_and_meets_the_target(
    shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = _load_script()
    assert script.main(["--limit", "10", "--data", str(shared_data / "arena_conversations.jsonl")]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert len(rows) == len(script.LIMITS) * (2 + len(script.BATCH_SIZES))
    assert "PASS" in out


def test_benchmark_skips_without_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _load_script().main(["--data", str(tmp_path / "absent.jsonl")]) == 0
    assert capsys.readouterr().out.startswith("skipped")
