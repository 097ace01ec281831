"""Loading a week on Spark gives the Polars load's dataset (layout, rows, columns) and aggregates, refuses the
same duplicates, and replaces a week either engine loaded."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pytest
from load_helpers import result_rows, write_results

from semtel_core.config import Settings
from semtel_core.errors import InputFileError, ReconciliationError
from semtel_core.load import load_week

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]

WEEK = date(2026, 11, 16)


def _settings(engine: str) -> Settings:
    settings = Settings()
    settings.classify.engine = engine  # type: ignore[assignment]
    settings.load.max_rows_per_file = 100  # several files per classifier
    return settings


def _dataset(root: Path) -> Any:
    table = ds.dataset(root, format="parquet", partitioning="hive").to_table()
    return table.sort_by([("classifier", "ascending"), ("conversation_id", "ascending")])


def _folders(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir())


def test_a_week_loaded_on_spark_equals_the_polars_load(tmp_path: Path, spark: Any) -> None:
    results = tmp_path / "results"
    write_results(results / "bucket=00000.parquet", result_rows(invalid_every=7, limit=150))
    write_results(results / "late" / "bucket=00001.parquet", result_rows(("topic",), invalid_every=5)[150:])
    loads = {e: load_week(str(results), str(tmp_path / e), WEEK, _settings(e)) for e in ("polars", "spark")}

    assert _folders(tmp_path / "spark") == _folders(tmp_path / "polars")
    assert _dataset(tmp_path / "spark").equals(_dataset(tmp_path / "polars"))
    ignore = {"files", "partition"}
    assert loads["spark"].model_dump(exclude=ignore) == loads["polars"].model_dump(exclude=ignore)
    assert loads["spark"].rows == 3 * 150 + (282 - 150) and loads["spark"].aggregate_rows > 0
    assert all(Path(f).is_file() and not Path(f).name.startswith((".", "_")) for f in loads["spark"].files)
    assert not list((tmp_path / "spark").rglob(".*.crc")) and not list((tmp_path / "spark").rglob("_*"))


def test_aggregates_match_and_duplicates_are_refused_on_spark(tmp_path: Path, spark: Any) -> None:
    from semtel_core.load.aggregates import combination_aggregates, weekly_aggregates
    from semtel_core.load.reading import read_results
    from semtel_core.quality.week_counts import count_week_on_spark

    rows = result_rows(invalid_every=4, limit=60)
    good = write_results(tmp_path / "good.parquet", rows)
    on_polars = weekly_aggregates(read_results(str(good)), WEEK)  # from the rows
    on_spark = combination_aggregates(count_week_on_spark(str(good), "", spark).combinations, WEEK)
    assert [a.model_dump(exclude={"cost_usd", "share"}) for a in on_spark] == [
        a.model_dump(exclude={"cost_usd", "share"}) for a in on_polars
    ]
    for a, b in zip(on_spark, on_polars, strict=True):
        assert a.cost_usd == pytest.approx(b.cost_usd) and a.share == pytest.approx(b.share)

    root = tmp_path / "ds"
    load_week(str(good), str(root), WEEK, _settings("polars"))
    bad = write_results(tmp_path / "bad.parquet", rows + rows[:3])
    with pytest.raises(ReconciliationError) as info:
        load_week(str(bad), str(root), WEEK, _settings("spark"))
    assert info.value.details["duplicated_pairs"] == 3 and len(info.value.details["examples"]) == 3
    assert _dataset(root).num_rows == len(rows)  # the old week stays

    rerun = write_results(tmp_path / "rerun.parquet", result_rows(("topic",), limit=20, run_id="second"))
    load_week(str(rerun), str(root), WEEK, _settings("spark"))
    assert set(_dataset(root).column("run_id").to_pylist()) == {"second"} and _dataset(root).num_rows == 20
    with pytest.raises(InputFileError, match="Spark engine reads Parquet"):
        load_week(str(tmp_path / "rows.jsonl"), str(root), WEEK, _settings("spark"))
