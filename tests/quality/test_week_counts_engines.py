"""The quality gate's figures are the same counted by Spark as by Polars, odd rows included (nulls where a value
is required, negative tokens, flips, unlabelled rows, a second file in a sub-folder)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from quality_weeks import WeekSpec, settings, write_week

from semtel_core.errors import DataQualityError, InputFileError
from semtel_core.quality import validate_week
from semtel_core.quality.week_counts import count_week, count_week_on_spark
from semtel_core.schema.results import RESULT_SCHEMA

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]


def _odd_rows(results: Path) -> None:
    rows = pq.read_table(results / "bucket=00000.parquet").slice(0, 6).to_pylist()
    rows[0] |= {"conversation_id": None}
    rows[1] |= {"prompt_tokens": -5, "created_at": None}
    rows[2] |= {"status": "ok", "label": None}
    rows[3] |= {"classifier": None}
    rows[4] |= {"status": "error", "label": None, "flipped": True}
    (results / "late").mkdir()
    # a cross-tab's other classifier on some of the same conversations (its pairs are joined on the id)
    satisfaction = [
        r
        for r in pq.read_table(results / "bucket=00000.parquet").to_pylist()
        if r["classifier"] == "satisfaction"
    ]
    expertise = [
        r | {"classifier": "user_expertise", "label": ("novice", "expert")[i % 2]}
        for i, r in enumerate(satisfaction[:25])
    ]
    expertise[0] |= {"conversation_id": None}  # a null id joins nothing, on either engine
    pq.write_table(
        pa.Table.from_pylist(rows + expertise, schema=RESULT_SCHEMA),
        results / "late" / "bucket=00001.parquet",
    )


def test_spark_counts_equal_polars_counts(tmp_path: Path, spark: Any) -> None:
    results, _ = write_week(tmp_path, WeekSpec(n=60, invalid_every=7, flipped_every=9))
    _odd_rows(Path(results))
    on_polars = count_week(results)
    on_spark = count_week_on_spark(results, "", spark)
    assert on_spark.per_classifier.equals(on_polars.per_classifier), (
        on_spark.per_classifier,
        on_polars.per_classifier,
    )
    assert on_spark.combinations.equals(on_polars.combinations), (
        on_spark.combinations,
        on_polars.combinations,
    )
    assert on_spark.pairs.equals(on_polars.pairs), (on_spark.pairs, on_polars.pairs)
    assert on_spark.conversations == on_polars.conversations
    assert on_spark.equals(on_polars)
    pairs = on_polars.pairs.filter(pl.col("rows_classifier") == "user_expertise")
    assert 0 < pairs["conversations"].sum() < 25
    totals = on_polars.per_classifier.drop("classifier").sum().row(0, named=True)
    assert (totals["null_required"], totals["negative_values"], totals["labelled_without_label"]) == (3, 1, 1)
    assert None in on_polars.per_classifier["classifier"].to_list()  # a row without a classifier is counted


def test_the_gate_on_spark_reports_what_it_reports_on_polars(tmp_path: Path, spark: Any) -> None:
    on_polars, on_spark = settings(), settings()
    on_spark.classify.engine = "spark"
    good, summary = write_week(tmp_path / "good", WeekSpec(n=40))
    assert (
        validate_week(good, summary, None, on_spark).model_dump()
        == validate_week(good, summary, None, on_polars).model_dump()
    )

    bad, summary = write_week(tmp_path / "bad", WeekSpec(n=40, invalid_every=5))  # 20 % unlabelled
    reports = {}
    for name, engine in (("polars", on_polars), ("spark", on_spark)):
        with pytest.raises(DataQualityError, match="expect_column_values_to_be_between"):
            validate_week(bad, summary, good, engine, report_path=str(tmp_path / f"{name}.json"))
        reports[name] = json.loads((tmp_path / f"{name}.json").read_text())
    assert reports["spark"] == reports["polars"] and not reports["spark"]["success"]

    with pytest.raises(InputFileError, match="results not found"):
        count_week_on_spark(str(tmp_path / "nowhere"), "", spark)
