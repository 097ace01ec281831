"""``semtel topics discover`` on a file of constructed conversations: the JSON and the assignments it writes, and
the clean error for a bad threshold."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from topic_data import constructed
from typer.testing import CliRunner

from semtel_core.cli.app import app

pytestmark = [pytest.mark.unit]


def test_discover_writes_topics_and_assignments(tmp_path: Path) -> None:
    data = constructed({"tax": 30, "python": 30, "zeppelin": 3})
    source = tmp_path / "in.jsonl"
    source.write_text("".join(c.model_dump_json() + "\n" for c in data.conversations))
    out, assignments = tmp_path / "topics.json", tmp_path / "topics.parquet"
    result = CliRunner().invoke(
        app,
        ["topics", "discover", "-i", str(source), "-o", str(out), "--assignments", str(assignments)],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(out.read_text())
    assert summary["naming"] == "terms" and summary["conversations"] == 63 and summary["topics"]
    assert "zeppelin" not in out.read_text() and "@" not in out.read_text()
    rows = pq.read_table(assignments).to_pylist()
    assert len(rows) == 63 and {r["topic"] for r in rows} - {None} == {t["id"] for t in summary["topics"]}
    assert all(r["topic"] is None for r in rows if r["conversation_id"].startswith("zeppelin"))

    proposed = CliRunner().invoke(
        app,
        [
            "topics",
            "discover",
            "-i",
            str(source),
            "-o",
            str(out),
            "--propose-labels",
            "found_topics",
            "--max-labels",
            "5",
        ],
    )
    assert proposed.exit_code == 0, proposed.output
    labels = (tmp_path / "found_topics.labels.yaml").read_text()
    assert (tmp_path / "found_topics.prompty").exists() and "other:" in labels and "zeppelin" not in labels


def test_a_threshold_under_two_is_a_clean_error(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(constructed({"tax": 3}).conversations[0].model_dump_json() + "\n")
    result = CliRunner().invoke(app, ["topics", "discover", "-i", str(source), "--min-conversations", "1"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "Invalid value for '--min-conversations'" in result.output
