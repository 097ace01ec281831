"""The extract and the plan give the same result on Spark as on Polars: a date-partitioned input with bad
rows, repeated ids (inside and outside the week), repeated contents, PII, a blank line, a gzip file and a
partition outside the week."""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from semtel_core import storage
from semtel_core.config import Settings, load_settings
from semtel_core.errors import InputFileError
from semtel_core.extract import extract
from semtel_core.extract_spark import extract_spark
from semtel_core.pipeline.partitioning import count_bins, write_partitions
from semtel_core.pipeline.partitioning_spark import plan_on_spark
from semtel_core.pipeline.shards import PARTITION_NAME, read_partition
from semtel_core.sample_data import CONVERSATIONS_PATH
from semtel_core.schema.arrow import CONVERSATION_SCHEMA

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]

WINDOW = (datetime(2026, 10, 12, tzinfo=UTC), datetime(2026, 10, 19, tzinfo=UTC))


def _day(line: bytes) -> str:
    try:
        return str(json.loads(line)["timestamp"])[:10]
    except (ValueError, KeyError, TypeError):
        return "2026-10-14"  # undated and unreadable rows: read (and rejected) inside the week


def _conv(cid: str, text: str, ts: str) -> bytes:
    row = {"conversation_id": cid, "timestamp": ts, "messages": [{"role": "user", "content": text}]}
    return json.dumps(row).encode() + b"\n"


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """The bundled sample, one folder per day (``date=YYYY-MM-DD/``), with more repeats and PII mixed in."""
    by_day: dict[str, list[bytes]] = defaultdict(list)
    for line in CONVERSATIONS_PATH.read_bytes().splitlines(keepends=True):
        by_day[_day(line)].append(line)
    by_day["2026-10-13"] += [
        _conv("pii-1", "mail me at alice@example.org please", "2026-10-13T09:00:00Z"),
        b"   \n",
        _conv("repeat-1", "same words in two places", "2026-10-13T10:00:00Z"),
        _conv("repeat-2", "same words in two places", "2026-10-13T11:00:00Z"),
    ]
    by_day["2026-10-16"] += [
        _conv("pii-1", "a later read of an id already read", "2026-10-16T09:00:00Z"),
        _conv("repeat-2", "a later read of an id outside the week", "2026-10-25T09:00:00Z"),
        _conv("late-1", "filed under the wrong day", "2026-10-21T09:00:00Z"),
    ]
    root = tmp_path / "source"
    for day, lines in by_day.items():
        folder = root / f"date={day}"
        folder.mkdir(parents=True)
        if day == "2026-10-15":
            (folder / "part-0.jsonl.gz").write_bytes(gzip.compress(b"".join(lines)))
        else:
            (folder / "part-0.jsonl").write_bytes(b"".join(lines))
    (root / "date=2026-10-14" / "_SUCCESS").write_bytes(b"")
    return root


def _settings() -> Settings:
    return load_settings(sampling={"rate": 0.8})


def _table(path: str) -> Any:
    return pq.read_table(path).select(CONVERSATION_SCHEMA.names).cast(CONVERSATION_SCHEMA)


def test_extract_on_spark_equals_polars(source: Path, tmp_path: Path, spark: Any) -> None:
    settings = _settings()
    on_polars = extract([str(source)], str(tmp_path / "polars"), settings, window=WINDOW)
    on_spark = extract_spark([str(source)], str(tmp_path / "spark"), settings, window=WINDOW, spark=spark)

    paths = {"conversations_path", "rejects_path"}
    assert on_spark.model_dump(exclude=paths) == on_polars.model_dump(exclude=paths)
    assert on_polars.rejected_by_reason["duplicate_id"] >= 2  # ours and the sample's own
    assert on_polars.pruned_files > 0 and on_polars.outside_window > 0
    assert on_polars.pii_replaced.get("EMAIL", 0) >= 1 and on_polars.blank == 1
    assert 0 < on_polars.sampled < on_polars.accepted - on_polars.outside_window  # sampling took some out

    assert Path(on_spark.conversations_path).is_dir()  # Spark's part files, read in order
    assert _table(on_spark.conversations_path).equals(_table(on_polars.conversations_path))
    assert pq.read_table(on_spark.rejects_path).equals(pq.read_table(on_polars.rejects_path))
    assert json.loads((tmp_path / "spark" / "extract_summary.json").read_text())["read"] == on_polars.read

    # The plan cuts the folder exactly as the file, partition for partition, and so does its Spark twin.
    budget = 2_000
    cuts = {
        e: count_bins(s.conversations_path, budget) for e, s in (("polars", on_polars), ("spark", on_spark))
    }
    cuts["spark-plan"] = plan_on_spark(
        on_spark.conversations_path, budget, str(tmp_path / "plan-spark-plan"), "", spark
    )
    for engine in ("spark", "spark-plan"):
        assert cuts[engine].rows == cuts["polars"].rows and cuts[engine].tokens == cuts["polars"].tokens
        assert (cuts[engine].bins == cuts["polars"].bins).all()
    assert cuts["polars"].partitions > 1
    for engine, summary in (("polars", on_polars), ("spark", on_spark)):
        write_partitions(
            summary.conversations_path, cuts[engine], str(tmp_path / f"plan-{engine}"), PARTITION_NAME
        )
    assert (tmp_path / "plan-spark-plan" / (PARTITION_NAME % 0)).is_dir()
    for index in range(cuts["polars"].partitions):
        name = PARTITION_NAME % index
        reference = read_partition(str(tmp_path / "plan-polars" / name))
        for engine in ("spark", "spark-plan"):
            assert read_partition(str(tmp_path / f"plan-{engine}" / name)).equals(reference), (engine, index)


def test_a_rerun_on_the_other_engine_replaces_the_output(source: Path, tmp_path: Path, spark: Any) -> None:
    settings, out = _settings(), str(tmp_path / "out")
    first = extract_spark([str(source)], out, settings, window=WINDOW, spark=spark)
    again = extract([str(source)], out, settings, window=WINDOW)
    assert Path(again.conversations_path).is_file() and again.sampled == first.sampled
    assert _table(again.conversations_path).num_rows == first.sampled
    third = extract_spark([str(source)], out, settings, window=WINDOW, spark=spark)
    assert storage.parquet_files(third.conversations_path) != [third.conversations_path]
    assert _table(third.conversations_path).equals(_table(again.conversations_path))
    assert sorted(p.name for p in Path(out).iterdir()) == [
        "conversations.parquet",
        "extract_summary.json",
        "rejects.parquet",
    ]


def test_an_unreadable_file_fails_the_spark_extract_as_it_fails_polars(
    source: Path, tmp_path: Path, spark: Any
) -> None:
    broken = source / "date=2026-10-17" / "part-1.jsonl.gz"
    broken.write_bytes(b"not gzip at all\n")
    settings = _settings()
    with pytest.raises(InputFileError) as on_polars:
        extract([str(source)], str(tmp_path / "polars"), settings, window=WINDOW)
    with pytest.raises(InputFileError) as on_spark:
        extract_spark([str(source)], str(tmp_path / "spark"), settings, window=WINDOW, spark=spark)
    assert str(on_spark.value) == str(on_polars.value) and str(broken) in str(on_spark.value)
    assert not (tmp_path / "spark").exists() or not any((tmp_path / "spark").iterdir())
