"""Planning a week: token-budget partitions that never split a content, online/batch split, rerun-stable."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from semtel_core.errors import ConfigError
from semtel_core.pipeline.params import RunParams
from semtel_core.pipeline.plan import cut_partitions, plan_week, planned_partitions
from semtel_core.pipeline.shards import add_up, shard_descriptors, shard_partitions, shard_status
from semtel_core.pipeline.weekly import extract_week
from semtel_core.sample_data import CONVERSATIONS_PATH

pytestmark = [pytest.mark.unit]
WEEK_START = datetime(2026, 10, 12, tzinfo=UTC)


def test_cut_partitions_respects_budget_and_keeps_contents_together() -> None:
    hashes = ["a", "a", "b", "c", "c", "c", "d"]
    tokens = [5, 5, 3, 4, 4, 4, 50]
    assert cut_partitions(hashes, tokens, 10) == [(0, 2), (2, 6), (6, 7)]  # 'c' x3 stays together
    assert cut_partitions(hashes, tokens, 6) == [(0, 2), (2, 3), (3, 6), (6, 7)]
    assert cut_partitions(hashes, tokens, 1000) == [(0, 7)]
    assert cut_partitions([], [], 10) == []


def test_run_params_split_and_bad_values() -> None:
    run = RunParams.parse({"classifiers": ["topic", "satisfaction"], "batch_classifiers": ["satisfaction"]})
    settings = run.settings()
    assert run.split(settings) == (["topic"], ["satisfaction"])
    with pytest.raises(ConfigError, match="batch_classifiers"):
        RunParams.parse({"classifiers": ["topic"], "batch_classifiers": ["nope"]}).split(settings)
    with pytest.raises(ConfigError, match="sample_rate"):
        RunParams.parse({"sample_rate": 2})
    overridden = RunParams.parse({"model": "instant", "strategy": "single"}).settings()
    assert {ep.model for ep in overridden.endpoints} == {"instant"}
    assert overridden.classify.strategy == "single"


def test_plan_week_partitions_cover_the_week_once(tmp_path: Path) -> None:
    root = str(tmp_path / "out")
    params = {
        "sources": [str(CONVERSATIONS_PATH)],
        "output_root": root,
        "classifiers": ["topic", "satisfaction"],
        "batch_classifiers": ["satisfaction"],
        "partition_tokens": 3000,
    }
    extracted = extract_week(WEEK_START, params)
    plan = plan_week(WEEK_START, params)
    assert plan["conversations"] == extracted["sampled"] > 0
    assert plan["partitions"] > 1 and len(plan["online"]) == len(plan["batch"]) == plan["partitions"]
    assert all(d["classifiers"] == ["topic"] for d in plan["online"])
    assert all(d["classifiers"] == ["satisfaction"] for d in plan["batch"])
    online = planned_partitions(plan["week_dir"], "online")
    assert [d["index"] for s in plan["online"] for d in shard_partitions(s)] == [d["index"] for d in online]
    parts = [pq.read_table(d["path"]) for d in online]
    ids = [i for p in parts for i in p.column("conversation_id").to_pylist()]
    assert len(ids) == len(set(ids)) == extracted["sampled"]
    hash_sets = [set(p.column("content_hash").to_pylist()) for p in parts]
    # No content is split across partitions.
    assert sum(len(s) for s in hash_sets) == len(set().union(*hash_sets))
    assert sum(d["tokens"] for d in online) == plan["tokens"]
    # A rerun with a bigger budget replaces the plan: fewer files, same conversations.
    again = plan_week(WEEK_START, {**params, "partition_tokens": 10**9})
    assert again["partitions"] == 1
    assert sorted(p.name for p in (tmp_path / "out" / "week=2026-10-12" / "plan").iterdir()) == [
        "part=00000.parquet"
    ]


def test_a_week_over_the_shard_cap_maps_within_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 10^5 partitions a week would be 10^5 mapped tasks, over Airflow's max_map_length (1024): the work list is
    # capped at classify.max_shards and every partition lands in exactly one shard.
    monkeypatch.setenv("SEMTEL_CLASSIFY__MAX_SHARDS", "3")
    params = {
        "sources": [str(CONVERSATIONS_PATH)],
        "output_root": str(tmp_path / "out"),
        "partition_tokens": 1500,
    }
    extract_week(WEEK_START, params)
    plan = plan_week(WEEK_START, params)
    assert plan["partitions"] > 3 and len(plan["online"]) == 3 and plan["batch"] == []
    covered = sorted(d["index"] for shard in plan["online"] for d in shard_partitions(shard))
    assert covered == list(range(plan["partitions"]))
    assert len(json.dumps(plan)) < 2_000  # the XCom does not grow with the week


@pytest.mark.parametrize(("partitions", "cap"), [(1, 256), (5, 2), (100_000, 256), (7, 7)])
def test_shards_deal_every_partition_once(partitions: int, cap: int) -> None:
    shards = shard_descriptors("w", partitions, ["topic"], "online", cap)
    assert len(shards) == min(partitions, cap)
    indices = [d["index"] for s in shards for d in shard_partitions(s)]
    assert sorted(indices) == list(range(partitions))
    sizes = [len(shard_partitions(s)) for s in shards]
    assert max(sizes) - min(sizes) <= 1


def test_a_shards_summaries_add_up() -> None:
    summaries = [
        {
            "bucket": 0,
            "rows": 4,
            "cost_usd": 0.5,
            "statuses": {"ok": 3, "invalid": 1},
            "rate_budget": "local",
        },
        {"bucket": 3, "rows": 2, "cost_usd": 0.25, "statuses": {"ok": 2}, "rate_budget": "shared"},
    ]
    total = add_up(summaries, shard=1, bucket=None)
    assert total == {
        "partitions": 2,
        "rows": 6,
        "cost_usd": 0.75,
        "statuses": {"ok": 5, "invalid": 1},
        "rate_budget": "shared",
        "shard": 1,
        "bucket": None,
    }
    assert shard_status(["completed", "completed"]) == "completed"
    assert shard_status(["completed", "expired"]) == "in_progress"
    assert shard_status(["completed", "running"]) == "running"
