"""``classify_partition`` against the local endpoint: every strategy, dedupe, pay-once reruns, error rows."""

from __future__ import annotations

import json
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from classify_helpers import conversation, endpoint_settings, table_of

from semtel_core.classify.partition import classify_partition, write_partition
from semtel_core.endpoint.testing import running_endpoint

pytestmark = [pytest.mark.integration]

CLASSIFIERS = ["topic", "satisfaction", "knowledge_work"]


def _server_stats(base_url: str, key: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{base_url}/_stats", timeout=5) as response:
        stats: dict[str, Any] = json.loads(response.read())
    return stats["keys"].get(key, {"attempts": 0, "prompt_tokens": 0, "completion_tokens": 0})


def _conversations() -> list[Any]:
    convs = [conversation(f"c{i:02d}", f"How do I fix error {i} in my Python script?") for i in range(12)]
    # Two copies of c00's content under other ids: classified once, reported three times.
    return [
        *convs,
        conversation("z-copy-1", convs[0].messages[0].content),
        conversation("z-copy-2", convs[0].messages[0].content),
    ]


@pytest.mark.parametrize(("strategy", "calls"), [("single", 12 * 3), ("multi", 12), ("batched", 3)])
def test_every_strategy_gives_one_row_per_conversation_and_classifier(
    endpoint_url: str, tmp_path: Path, strategy: str, calls: int
) -> None:
    key = f"k-{strategy}"
    settings = endpoint_settings(endpoint_url, api_key=key, classify={"batch_size": 5})
    table = table_of(_conversations())
    result = classify_partition(
        table, CLASSIFIERS, settings, run_id="run-a", checkpoint_dir=str(tmp_path / "ck"), strategy=strategy
    )
    rows = result.results.to_pylist()
    assert Counter((r["conversation_id"], r["classifier"]) for r in rows) == Counter(
        {(c.conversation_id, k): 1 for c in _conversations() for k in CLASSIFIERS}
    )
    assert {r["status"] for r in rows} == {"ok"} and {r["strategy"] for r in rows} == {strategy}
    assert {r["run_id"] for r in rows} == {"run-a"} and {r["model"] for r in rows} == {"instant"}
    server = _server_stats(endpoint_url, key)
    assert server["attempts"] == calls == result.counters.calls  # the copies cost nothing
    assert sum(r["prompt_tokens"] for r in rows) == server["prompt_tokens"]
    assert sum(r["completion_tokens"] for r in rows) == server["completion_tokens"]
    by_id = {(r["conversation_id"], r["classifier"]): r for r in rows}
    for name in CLASSIFIERS:
        original, copy = by_id[("c00", name)], by_id[("z-copy-1", name)]
        assert copy["label"] == original["label"] and copy["prompt_tokens"] == 0 < original["prompt_tokens"]
    assert json.loads(rows[0]["truncation"])["strategy"] == "head_tail"


def test_a_rerun_over_the_final_file_requests_nothing(endpoint_url: str, tmp_path: Path) -> None:
    settings = endpoint_settings(endpoint_url, api_key="k-rerun")
    table = table_of(_conversations())
    checkpoint, final = str(tmp_path / "ck"), str(tmp_path / "results.parquet")
    first = classify_partition(table, CLASSIFIERS, settings, run_id="r1", checkpoint_dir=checkpoint)
    write_partition(first, final, checkpoint)
    assert not Path(checkpoint).exists()  # compaction removed the journals
    before = _server_stats(endpoint_url, "k-rerun")["attempts"]
    second = classify_partition(
        table, CLASSIFIERS, settings, run_id="r2", checkpoint_dir=checkpoint, cache_files=[final]
    )
    assert _server_stats(endpoint_url, "k-rerun")["attempts"] == before
    assert second.new_rows == 0 and second.reused_rows == 12 * 3
    assert second.results.drop_columns(["run_id"]).equals(pq.read_table(final).drop_columns(["run_id"]))


def test_failed_calls_become_error_rows_and_are_asked_again_on_a_rerun(tmp_path: Path) -> None:
    table = table_of(_conversations()[:3])
    with running_endpoint("--lazy-load", "--fault-500", "1.0") as url:
        settings = endpoint_settings(url, client={"max_attempts": 1})
        result = classify_partition(table, CLASSIFIERS, settings, run_id="r", checkpoint_dir=str(tmp_path))
        rows = result.results.to_pylist()
        assert {r["status"] for r in rows} == {"error"} and len(rows) == 9
        assert all(r["label"] is None and r["reason"] for r in rows)
        assert json.loads(rows[0]["raw_output"])["status_code"] == 500
        again = classify_partition(table, CLASSIFIERS, settings, run_id="r", checkpoint_dir=str(tmp_path))
        assert again.reused_rows == 0 and again.counters.calls == 3
