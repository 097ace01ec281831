from __future__ import annotations

import json
from pathlib import Path

import pytest
from quality_weeks import WeekSpec, settings, write_week

from semtel_core.errors import DataQualityError, InputFileError
from semtel_core.quality import QualityReport, validate_week

pytestmark = [pytest.mark.unit]


def _failed(exc: DataQualityError) -> set[tuple[str, str]]:
    return {(e["suite"], e["expectation"]) for e in exc.details["failed_expectations"]}


def test_good_week_passes_and_report_is_json(tmp_path: Path) -> None:
    results, summary = write_week(tmp_path, WeekSpec(invalid_every=40))
    report_path = tmp_path / "quality.json"
    report = validate_week(results, summary, None, settings(), report_path=str(report_path))
    assert report.success and not report.failed_expectations
    assert report.rows == 80
    topic = next(c for c in report.classifiers if c.classifier == "topic")
    assert topic.unlabelled_rate == pytest.approx(1 / 40)
    assert topic.graded == 10 and topic.flip_rate == 0.0
    assert topic.label_distribution["coding"] == pytest.approx(9 / 39)
    assert report.warnings == ["no previous week's results: week-over-week shift not checked"]
    assert QualityReport.model_validate(json.loads(report_path.read_text())) == report
    # 1 Arrow schema + 8 on the (classifier, label, status, strategy) combinations + 8 per classifier + 1 extract
    assert len(report.expectations) == 18


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (WeekSpec(invalid_every=5), ("classifiers", "expect_column_values_to_be_between")),
        (WeekSpec(flipped_every=2), ("classifiers", "expect_column_values_to_be_between")),
        (WeekSpec(drop_rows=3), ("classifiers", "expect_column_pair_values_to_be_equal")),
        (WeekSpec(foreign_label="astrology"), ("results", "expect_column_values_to_be_in_set")),
        (WeekSpec(extract_read_extra=2), ("extract", "expect_column_pair_values_to_be_equal")),
    ],
    ids=["invalid-rate", "flip-rate", "missing-rows", "label-outside-set", "read-not-reconciled"],
)
def test_bad_week_fails_with_the_expectation_that_broke(
    tmp_path: Path, spec: WeekSpec, expected: tuple[str, str]
) -> None:
    results, summary = write_week(tmp_path, spec)
    with pytest.raises(DataQualityError) as info:
        validate_week(results, summary, None, settings())
    assert _failed(info.value) == {expected}
    assert set(info.value.details["statistics"]["classifiers"]) == {"topic", "satisfaction"}


def test_failed_rate_names_the_classifier_and_its_figure(tmp_path: Path) -> None:
    results, summary = write_week(tmp_path, WeekSpec(invalid_every=5))
    with pytest.raises(DataQualityError) as info:
        validate_week(results, summary, None, settings(max_unlabelled_rate=0.1))
    (failed,) = info.value.details["failed_expectations"]
    assert failed["expected"]["column"] == "unlabelled_rate"
    rows = failed["observed"]["unexpected_index_list"]
    assert {r["classifier"] for r in rows} == {"topic", "satisfaction"}
    assert {r["unlabelled_rate"] for r in rows} == {0.2}


def test_missing_classifier_fails_reconciliation(tmp_path: Path) -> None:
    results, summary = write_week(tmp_path, WeekSpec(), classifiers=["topic"])
    with pytest.raises(DataQualityError) as info:
        validate_week(results, summary, None, settings())
    stats = info.value.details["statistics"]["classifiers"]
    assert stats["satisfaction"]["rows"] == 0 and stats["satisfaction"]["expected_rows"] == 40


def test_duplicate_rows_fail(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    results, summary = write_week(tmp_path, WeekSpec())
    table = pq.read_table(results)
    pq.write_table(pa.concat_tables([table, table.slice(0, 2)]), Path(results) / "bucket=00000.parquet")
    with pytest.raises(DataQualityError) as info:
        validate_week(results, summary, None, settings())
    assert _failed(info.value) == {("classifiers", "expect_column_pair_values_to_be_equal")}
    stats = info.value.details["statistics"]["classifiers"]["topic"]
    assert (stats["rows"], stats["distinct_conversations"], stats["expected_rows"]) == (41, 40, 40)


@pytest.mark.parametrize(
    ("column", "value", "figure"),
    [("conversation_id", None, "null_required"), ("cost_usd", -0.5, "negative_values")],
)
def test_a_null_id_or_a_negative_cost_fails_with_its_classifier(
    tmp_path: Path, column: str, value: object, figure: str
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    results, summary = write_week(tmp_path, WeekSpec())
    file = Path(results) / "bucket=00000.parquet"
    table = pq.read_table(file)
    values = table[column].to_pylist()
    values[1] = value  # row 1 is conversation c0000, classifier satisfaction
    index = table.schema.get_field_index(column)
    pq.write_table(table.set_column(index, column, pa.array(values, table.schema.field(column).type)), file)
    with pytest.raises(DataQualityError) as info:
        validate_week(results, summary, None, settings())
    failed = [f for f in info.value.details["failed_expectations"] if f["expected"].get("column") == figure]
    assert [r["classifier"] for f in failed for r in f["observed"]["unexpected_index_list"]] == [
        "satisfaction"
    ]


def test_a_results_folder_of_several_files_is_counted_as_one_week(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    results, summary = write_week(tmp_path, WeekSpec())
    file = Path(results) / "bucket=00000.parquet"
    table = pq.read_table(file)
    file.unlink()
    for i, start in enumerate(range(0, table.num_rows, 30)):
        pq.write_table(table.slice(start, 30), Path(results) / f"bucket={i:05d}.parquet")
    report = validate_week(results, summary, None, settings())
    assert report.success and report.rows == 80


def test_wrong_column_type_fails_the_schema(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    results, summary = write_week(tmp_path, WeekSpec())
    file = Path(results) / "bucket=00000.parquet"
    table = pq.read_table(file)
    pq.write_table(table.set_column(12, "prompt_tokens", table["prompt_tokens"].cast("float64")), file)
    with pytest.raises(DataQualityError) as info:
        validate_week(results, summary, None, settings())
    (failed,) = info.value.details["failed_expectations"]
    assert failed["observed"]["mismatched"] == {"prompt_tokens": {"expected": "int64", "found": "double"}}


def test_missing_results_is_an_input_error(tmp_path: Path) -> None:
    _, summary = write_week(tmp_path, WeekSpec())
    with pytest.raises(InputFileError):
        validate_week(str(tmp_path / "nope"), summary, None, settings())
