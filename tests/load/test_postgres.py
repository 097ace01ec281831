"""Against the real local Postgres (127.0.0.1:5432, trust auth); skipped when it is not reachable."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import psycopg
import pytest
from load_helpers import result_rows, write_results
from psycopg import sql

from semtel_core.config import Settings
from semtel_core.errors import LoadError
from semtel_core.load import load_week

pytestmark = [pytest.mark.integration]

DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test"
WEEK = date(2026, 11, 16)


@pytest.fixture
def pg_schema() -> Iterator[str]:
    try:
        conn = psycopg.connect(DSN, connect_timeout=3, autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.skip(f"Postgres at 127.0.0.1:5432 is not reachable: {exc}")
    schema = f"semtel_test_{uuid.uuid4().hex[:12]}"
    try:
        yield schema
    finally:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
        conn.close()


def _settings(schema: str) -> Settings:
    return Settings(load={"postgres_dsn": DSN, "postgres_schema": schema})


def _table(schema: str) -> list[tuple[object, ...]]:
    with psycopg.connect(DSN) as conn:
        query = sql.SQL("SELECT week, classifier, label, count, share FROM {} ORDER BY 1, 2, 3").format(
            sql.Identifier(schema, "semtel_weekly_aggregates")
        )
        return conn.execute(query).fetchall()


def test_rerun_upserts_and_drops_stale_labels(tmp_path: Path, pg_schema: str) -> None:
    first = write_results(tmp_path / "a.parquet", result_rows(limit=100, invalid_every=10))
    summary = load_week(str(first), str(tmp_path / "ds"), WEEK, _settings(pg_schema))
    assert summary.postgres_table == f"{pg_schema}.semtel_weekly_aggregates"
    rows = _table(pg_schema)
    assert len(rows) == summary.aggregate_rows
    assert any(r[2] == "(invalid)" and r[3] == 10 for r in rows)
    # Same week again without invalid rows: counts updated in place, the "(invalid)" rows are gone.
    second = write_results(tmp_path / "b.parquet", result_rows(limit=100))
    load_week(str(second), str(tmp_path / "ds"), WEEK, _settings(pg_schema))
    load_week(str(second), str(tmp_path / "ds"), WEEK, _settings(pg_schema))
    rows = _table(pg_schema)
    assert not [r for r in rows if r[2] == "(invalid)"]
    for name in ("user_expertise", "topic", "satisfaction"):
        mine = [r for r in rows if r[1] == name]
        assert sum(int(str(r[3])) for r in mine) == 100
        assert sum(float(str(r[4])) for r in mine) == pytest.approx(1.0)
    assert len({(r[0], r[1], r[2]) for r in rows}) == len(rows)
    # Another week lands beside it, leaving this one alone.
    load_week(str(second), str(tmp_path / "ds"), date(2026, 11, 23), _settings(pg_schema))
    assert len(_table(pg_schema)) == 2 * len(rows)


def test_unreachable_database_is_a_load_error_without_the_dsn(tmp_path: Path, pg_schema: str) -> None:
    results = write_results(tmp_path / "r.parquet", result_rows(limit=5))
    settings = Settings(
        load={
            "postgres_dsn": "host=127.0.0.1 port=1 user=postgres password=hunter2",
            "postgres_schema": pg_schema,
        }
    )
    with pytest.raises(LoadError) as info:
        load_week(str(results), str(tmp_path / "ds"), WEEK, settings)
    assert "hunter2" not in str(info.value)
    assert info.value.details == {"table": f"{pg_schema}.semtel_weekly_aggregates", "week": "2026-11-16"}
