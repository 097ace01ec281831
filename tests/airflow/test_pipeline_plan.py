"""Planning a week: token-budget partitions that never split a content, online/batch split, rerun-stable."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from semtel_core.errors import ConfigError
from semtel_core.pipeline.params import RunParams
from semtel_core.pipeline.plan import cut_partitions, plan_week
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
    parts = [pq.read_table(d["path"]) for d in plan["online"]]
    ids = [i for p in parts for i in p.column("conversation_id").to_pylist()]
    assert len(ids) == len(set(ids)) == extracted["sampled"]
    hash_sets = [set(p.column("content_hash").to_pylist()) for p in parts]
    # No content is split across partitions.
    assert sum(len(s) for s in hash_sets) == len(set().union(*hash_sets))
    assert sum(d["tokens"] for d in plan["online"]) == plan["tokens"]
    # A rerun with a bigger budget replaces the plan: fewer files, same conversations.
    again = plan_week(WEEK_START, {**params, "partition_tokens": 10**9})
    assert again["partitions"] == 1
    assert sorted(p.name for p in (tmp_path / "out" / "week=2026-10-12" / "plan").iterdir()) == [
        "part=00000.parquet"
    ]
