from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from semtel_core.schema.arrow import REJECT_SCHEMA
from semtel_core.storage import RowSink

pytestmark = [pytest.mark.unit]

ROW = {
    "source": "f",
    "line": 1,
    "row": None,
    "conversation_id": "c",
    "reason": "r",
    "detail": "d",
    "excerpt": "e",
}


@pytest.mark.parametrize("name", ["out.parquet", "out.jsonl"])
def test_row_sink_appears_only_on_close(tmp_path: Path, name: str) -> None:
    target = tmp_path / "sub" / name
    sink = RowSink(str(target), REJECT_SCHEMA, chunk_rows=2)
    for _ in range(5):
        sink.add(ROW)
    assert not target.exists()
    sink.close()
    assert target.exists() and sink.rows == 5
    if name.endswith(".parquet"):
        assert pq.read_table(target).num_rows == 5
    else:
        assert len(target.read_text().splitlines()) == 5
    assert [p.name for p in target.parent.iterdir()] == [name]


def test_row_sink_abort_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.parquet"
    with pytest.raises(RuntimeError), RowSink(str(target), REJECT_SCHEMA) as sink:
        sink.add(ROW)
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []
