from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from semtel_core.cli.app import app

pytestmark = [pytest.mark.unit]

runner = CliRunner()


def _write(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return path


GOOD = json.dumps({"conversation_id": "a", "messages": [{"role": "user", "content": "hi"}]}).encode()


def test_validate_reports_reasons_writes_rejects_and_exits_zero(tmp_path: Path) -> None:
    src = _write(
        tmp_path / "in.jsonl",
        [GOOD, GOOD, b'{"conversation_id": "b", "messages": [{"role": "bot", "content": "x"}]}', b"oops"],
    )
    rejects = tmp_path / "rejects.jsonl"
    result = runner.invoke(app, ["validate", str(src), "--rejects", str(rejects)])
    assert result.exit_code == 0, result.output
    assert "reconciled: read 4 = accepted 1 + rejected 3" in result.output
    rows = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert sorted(r["reason"] for r in rows) == ["duplicate_id", "invalid_json", "unknown_role"]
    assert {r["line"] for r in rows} == {2, 3, 4}


def test_validate_parquet_rejects(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    src = _write(tmp_path / "in.jsonl", [GOOD, b'{"conversation_id": "z", "messages": []}'])
    rejects = tmp_path / "rejects.parquet"
    result = runner.invoke(app, ["validate", str(src), "-r", str(rejects)])
    assert result.exit_code == 0, result.output
    assert pq.read_table(rejects).column("reason").to_pylist() == ["no_messages"]


def test_unreadable_file_exits_nonzero_with_one_clear_line(tmp_path: Path) -> None:
    src = tmp_path / "cut.jsonl"
    src.write_bytes(GOOD + b'\n{"conversation_id": "b"')
    result = runner.invoke(app, ["validate", str(src), "-r", str(tmp_path / "r.jsonl")])
    assert result.exit_code == 2
    assert "cut.jsonl: line 2: truncated JSON record" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "r.jsonl").exists()


def test_every_command_has_help() -> None:
    import typer.main

    root = typer.main.get_command(app)

    def walk(group: object, prefix: list[str]) -> list[list[str]]:
        # typer >= 0.2x vendors click: walk by the `commands` attribute rather than by click's classes.
        paths = []
        for name, cmd in getattr(group, "commands", {}).items():
            paths.append([*prefix, name])
            paths.extend(walk(cmd, [*prefix, name]))
        return paths

    commands = walk(root, [])
    assert ["validate"] in commands and ["run"] in commands
    for path in commands:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage" in result.output
