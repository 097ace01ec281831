"""The week's aggregates are counted once and read back by the later steps (load, report, next week's gate), and
never read back stale: rewritten result files, another format or a half-written folder are counted again."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from quality_weeks import WeekSpec, settings, write_week

from semtel_core.errors import InputFileError
from semtel_core.quality import validate_week, week_counts
from semtel_core.quality.week_counts import WeekCounts, count_week
from semtel_core.report import render_report

pytestmark = [pytest.mark.unit]


class _Counted:
    def __init__(self) -> None:
        self.paths: list[str] = []

    def __call__(self, path: str) -> WeekCounts:
        self.paths.append(path)
        return count_week(path)


def _no_counting(path: str) -> WeekCounts:
    raise AssertionError(f"the rows under {path} were counted again")


def test_saved_counts_are_read_back_until_the_results_change(tmp_path: Path) -> None:
    results, _ = write_week(tmp_path, WeekSpec(n=30, invalid_every=4, flipped_every=5))
    folder = str(tmp_path / "aggregates")
    counted = _Counted()
    first = week_counts.week_counts(results, folder, counted)
    assert counted.paths == [results]
    again = week_counts.week_counts(results, folder, _no_counting)
    assert again.equals(first) and again.conversations == 30

    # a classify rerun rewrites the results: the saved counts no longer describe them
    file = Path(results) / "bucket=00000.parquet"
    table = pq.read_table(file)
    pq.write_table(table.slice(0, table.num_rows - 2), file)
    recounted = week_counts.week_counts(results, folder, counted)
    assert len(counted.paths) == 2 and recounted.per_classifier["rows"].sum() == table.num_rows - 2

    # a late file next to the others counts too
    pq.write_table(table.slice(0, 1).cast(table.schema), Path(results) / "late.parquet")
    assert (
        week_counts.week_counts(results, folder, counted).per_classifier["rows"].sum() == table.num_rows - 1
    )
    assert len(counted.paths) == 3
    assert len(list(Path(folder).iterdir())) == 1  # the earlier versions' aggregates are gone


def test_a_half_written_or_foreign_folder_is_counted_again(tmp_path: Path) -> None:
    results, _ = write_week(tmp_path, WeekSpec(n=10))
    folder = tmp_path / "aggregates"
    week_counts.week_counts(results, str(folder), count_week)
    (own,) = folder.iterdir()
    meta = json.loads((own / "week.json").read_text())
    (own / "week.json").write_text(json.dumps(meta | {"format": meta["format"] + 1}))
    counted = _Counted()
    week_counts.week_counts(results, str(folder), counted)
    assert counted.paths == [results]  # another format
    (own / "week.json").unlink()  # killed before the last file was written
    week_counts.week_counts(results, str(folder), counted)
    assert len(counted.paths) == 2 and (own / "week.json").exists()
    (own / "pairs.parquet").unlink()  # deleted by a writer of newer results while this one read
    week_counts.week_counts(results, str(folder), counted)
    assert len(counted.paths) == 3
    with pytest.raises(InputFileError, match="results not found"):
        week_counts.week_counts(str(tmp_path / "nowhere"), str(folder), counted)


def test_same_size_rewrite_is_seen_by_its_modification_time(tmp_path: Path) -> None:
    results, _ = write_week(tmp_path, WeekSpec(n=10))
    file = Path(results) / "bucket=00000.parquet"
    before = week_counts.fingerprint(results)
    stat = file.stat()
    os.utime(file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert week_counts.fingerprint(results) != before


def test_gate_load_and_report_count_the_week_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The gate saves the week's counts and reads last week's; the load and the report then read only those."""
    from semtel_core.load import load_week

    config = settings()
    previous, _ = write_week(tmp_path / "previous", WeekSpec(n=40))
    results, summary = write_week(tmp_path / "week", WeekSpec(n=40, graded_every=3))
    aggregates, previous_aggregates = str(tmp_path / "week" / "agg"), str(tmp_path / "previous" / "agg")
    counted = _Counted()
    monkeypatch.setattr(week_counts, "count_week", counted)  # what the Polars engine counts with
    validate_week(
        results,
        summary,
        previous,
        config,
        aggregates_path=aggregates,
        previous_aggregates_path=previous_aggregates,
    )
    assert counted.paths == [results, previous]

    monkeypatch.setattr(week_counts, "count_week", _no_counting)
    loaded = load_week(results, str(tmp_path / "ds"), "2026-11-16", config, aggregates_path=aggregates)
    assert loaded.rows == 80 and loaded.rows_per_classifier == {"satisfaction": 40, "topic": 40}
    out = render_report(
        results,
        tmp_path / "report.html",
        config,
        previous_results_path=previous,
        aggregates_path=aggregates,
        previous_aggregates_path=previous_aggregates,
    )
    html = out.read_text()
    assert "40" in html and "satisfaction" in html


def test_rows_that_fail_the_schema_are_an_input_error_not_counts(tmp_path: Path) -> None:
    folder = tmp_path / "results"
    folder.mkdir()
    pq.write_table(pa.table({"a": [1]}), folder / "x.parquet")
    with pytest.raises(InputFileError, match='does not hold result rows: unable to find column "classifier"'):
        week_counts.week_counts(str(folder), str(tmp_path / "agg"), count_week)
    assert not (tmp_path / "agg").exists()
