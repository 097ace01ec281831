"""The token benchmark recomputes its table from real prompts (a few conversations here, all in the docs run)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = [pytest.mark.unit]


def test_benchmark_prints_the_table_and_meets_the_target(
    shared_data: Path, capsys: pytest.CaptureFixture[str], benchmark_script: Callable[[str], ModuleType]
) -> None:
    script = benchmark_script("tokens")
    assert script.main(["--limit", "10", "--data", str(shared_data / "arena_conversations.jsonl")]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert len(rows) == len(script.LIMITS) * (2 + len(script.BATCH_SIZES))
    assert "PASS" in out


def test_benchmark_skips_without_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], benchmark_script: Callable[[str], ModuleType]
) -> None:
    assert benchmark_script("tokens").main(["--data", str(tmp_path / "absent.jsonl")]) == 0
    assert capsys.readouterr().out.startswith("skipped")
