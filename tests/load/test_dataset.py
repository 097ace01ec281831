from __future__ import annotations

import logging
import threading
import uuid
from datetime import date
from pathlib import Path

import fsspec
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from load_helpers import result_rows, write_results

from semtel_core.config import Settings
from semtel_core.errors import InputFileError, ReconciliationError
from semtel_core.load import load_week, weekly_aggregates
from semtel_core.load.aggregates import combination_aggregates
from semtel_core.load.reading import read_results
from semtel_core.quality.week_counts import count_week

pytestmark = [pytest.mark.unit]

WEEK = date(2026, 11, 16)


def _read_dataset(root: Path) -> list[dict[str, object]]:
    return ds.dataset(root, format="parquet", partitioning="hive").to_table().to_pylist()


def test_layout_is_week_then_classifier_with_all_rows(tmp_path: Path) -> None:
    rows = result_rows()
    results = write_results(tmp_path / "results" / "bucket=00000.parquet", rows)
    summary = load_week(str(results.parent), str(tmp_path / "ds"), WEEK, Settings())
    assert summary.rows == len(rows) == 3 * 282
    assert summary.rows_per_classifier == {"user_expertise": 282, "topic": 282, "satisfaction": 282}
    assert sorted(
        p.relative_to(tmp_path / "ds").as_posix() for p in (tmp_path / "ds").rglob("*.parquet")
    ) == [
        f"week=2026-11-16/classifier={c}/part-0.parquet" for c in ("satisfaction", "topic", "user_expertise")
    ]
    loaded = _read_dataset(tmp_path / "ds")
    assert {(r["classifier"], r["conversation_id"], r["label"]) for r in loaded} == {
        (r["classifier"], r["conversation_id"], r["label"]) for r in rows
    }
    assert {str(r["week"]) for r in loaded} == {"2026-11-16"}


def test_rerun_of_a_week_replaces_it_never_duplicates(tmp_path: Path) -> None:
    first = write_results(tmp_path / "a.parquet", result_rows(run_id="first"))
    second = write_results(tmp_path / "b.parquet", result_rows(("topic",), run_id="second", limit=50))
    root = tmp_path / "ds"
    load_week(str(first), str(root), WEEK, Settings())
    load_week(str(first), str(root), WEEK, Settings())
    assert len(_read_dataset(root)) == 3 * 282
    load_week(str(second), str(root), "2026-11-16", Settings())
    loaded = _read_dataset(root)
    # The whole week is replaced: the classifiers of the first run are gone, not mixed with the second.
    assert len(loaded) == 50
    assert {r["run_id"] for r in loaded} == {"second"}
    assert not [p for p in root.iterdir() if p.name != "week=2026-11-16"]


def test_concurrent_weeks_do_not_interfere(tmp_path: Path) -> None:
    root = tmp_path / "ds"
    weeks = [date(2026, 10, 5 + 7 * i) for i in range(4)]
    inputs = {
        w: write_results(tmp_path / f"{w}.parquet", result_rows(run_id=str(w), limit=40 + i))
        for i, w in enumerate(weeks)
    }
    errors: list[BaseException] = []

    def _load(w: date) -> None:
        try:
            load_week(str(inputs[w]), str(root), w, Settings())
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=_load, args=(w,)) for w in weeks for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    loaded = _read_dataset(root)
    for i, w in enumerate(weeks):
        mine = [r for r in loaded if str(r["week"]) == w.isoformat()]
        assert len(mine) == 3 * (40 + i)
        assert {r["run_id"] for r in mine} == {str(w)}
    assert sorted(p.name for p in root.iterdir()) == [f"week={w}" for w in weeks]


def test_duplicate_rows_are_refused_and_the_old_week_stays(tmp_path: Path) -> None:
    root = tmp_path / "ds"
    good = write_results(tmp_path / "good.parquet", result_rows(limit=10))
    load_week(str(good), str(root), WEEK, Settings())
    rows = result_rows(limit=10)
    bad = write_results(tmp_path / "bad.parquet", rows + rows[:2])
    with pytest.raises(ReconciliationError) as info:
        load_week(str(bad), str(root), WEEK, Settings())
    assert info.value.details["duplicated_pairs"] == 2
    assert len(_read_dataset(root)) == 30
    assert sorted(p.name for p in root.iterdir()) == ["week=2026-11-16"]


def test_any_fsspec_uri_and_jsonl_input(tmp_path: Path) -> None:
    rows = result_rows(limit=20)
    jsonl = tmp_path / "results.jsonl"
    import orjson

    jsonl.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    root = f"memory://semtel-{uuid.uuid4().hex}/ds"
    load_week(str(jsonl), root, WEEK, Settings())
    summary = load_week(str(jsonl), root, WEEK, Settings())
    fs, inner = fsspec.core.url_to_fs(root)
    found = sorted(fs.find(inner))
    assert len(found) == 3 and all("/week=2026-11-16/classifier=" in f for f in found)
    assert summary.files == [f for f in summary.files if fs.exists(f)]
    with fs.open(found[0], "rb") as fh:
        assert pq.read_table(fh).num_rows == 20
    fs.rm(inner.split("/")[0], recursive=True)


def test_missing_or_foreign_input_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputFileError):
        load_week(str(tmp_path / "nope.parquet"), str(tmp_path / "ds"), WEEK, Settings())
    other = tmp_path / "other.jsonl"
    other.write_text('{"a": 1}\n')
    with pytest.raises(InputFileError, match="missing columns"):
        load_week(str(other), str(tmp_path / "ds"), WEEK, Settings())


def test_aggregates_count_unlabelled_rows_and_shares_sum_to_one(tmp_path: Path) -> None:
    table = read_results(str(write_results(tmp_path / "r.parquet", result_rows(limit=100, invalid_every=10))))
    aggs = weekly_aggregates(table, WEEK)
    for name in ("user_expertise", "topic", "satisfaction"):
        mine = [a for a in aggs if a.classifier == name]
        assert sum(a.count for a in mine) == 100
        assert sum(a.share for a in mine) == pytest.approx(1.0)
        assert next(a for a in mine if a.label == "(invalid)").count == 10
    assert sum(a.prompt_tokens for a in aggs) == sum(3 * (100 + i) for i in range(100))
    # what the load upserts: the same aggregates from the week's counts, without the rows
    from_counts = combination_aggregates(count_week(str(tmp_path / "r.parquet")).combinations, WEEK)
    floats = {"cost_usd", "share"}  # sums in another order
    assert [a.model_dump(exclude=floats) for a in from_counts] == [a.model_dump(exclude=floats) for a in aggs]
    assert [a.cost_usd for a in from_counts] == pytest.approx([a.cost_usd for a in aggs])


def test_no_dsn_skips_postgres_with_a_log_line(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    results = write_results(tmp_path / "r.parquet", result_rows(limit=5))
    with caplog.at_level(logging.INFO, logger="semtel_core.load"):
        summary = load_week(str(results), str(tmp_path / "ds"), WEEK, Settings())
    assert summary.postgres_table is None
    assert "Postgres aggregates skipped" in caplog.text


def test_an_empty_week_replaces_the_old_one_with_nothing(tmp_path: Path) -> None:
    root = tmp_path / "ds"
    load_week(str(write_results(tmp_path / "a.parquet", result_rows(limit=10))), str(root), WEEK, Settings())
    summary = load_week(str(write_results(tmp_path / "e.parquet", [])), str(root), WEEK, Settings())
    assert summary.rows == 0 and summary.files == []
    assert (root / "week=2026-11-16").is_dir()
    assert not list(root.rglob("*.parquet"))


def test_dataset_root_defaults_to_the_settings(tmp_path: Path) -> None:
    results = str(write_results(tmp_path / "r.parquet", result_rows(limit=5)))
    configured = load_week(results, None, WEEK, Settings(load={"dataset_root": str(tmp_path / "cfg")}))
    assert configured.partition == f"{tmp_path}/cfg/week=2026-11-16"
    fallback = load_week(results, None, WEEK, Settings(paths={"output_dir": tmp_path / "out"}))
    assert Path(fallback.partition) == tmp_path / "out" / "dataset" / "week=2026-11-16"
    assert len(_read_dataset(tmp_path / "out" / "dataset")) == 15
