from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from semtel_core.pipeline.weekly import extract_week

pytestmark = [pytest.mark.unit]


def test_extract_week_writes_one_partition_per_week_and_reruns_replace(tmp_path: Path) -> None:
    rows = [
        {
            "conversation_id": f"w{w}-{i}",
            "timestamp": f"2026-10-{5 + 7 * w + i % 7:02d}T12:00:00Z",
            "messages": [{"role": "user", "content": f"week {w} question {i}"}],
        }
        for w in range(2)
        for i in range(10)
    ]
    src = tmp_path / "src.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    out = str(tmp_path / "out")
    weeks = [
        (datetime(2026, 10, 5, tzinfo=UTC), datetime(2026, 10, 12, tzinfo=UTC)),
        (datetime(2026, 10, 12, tzinfo=UTC), datetime(2026, 10, 19, tzinfo=UTC)),
    ]
    params = {"sources": [str(src)], "output_root": out}
    for start, _ in weeks:
        summary = extract_week(start, params)
        assert (summary["read"], summary["sampled"], summary["outside_window"]) == (20, 10, 10)
    again = extract_week(weeks[0][0], {**params, "sample_rate": 0.5})
    assert again["sample_rate"] == 0.5
    first = pq.read_table(tmp_path / "out" / "week=2026-10-05" / "extract" / "conversations.parquet")
    assert first.num_rows == again["sampled"] < 10
    assert all(cid.startswith("w0-") for cid in first.column("conversation_id").to_pylist())
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["week=2026-10-05", "week=2026-10-12"]
