"""Weekly semantic telemetry run. Wiring only: every task is one call into ``semtel_core.pipeline``.

Parse-time rule: nothing heavy is imported here and no connection or Variable is read; tasks import
``semtel_core`` inside their bodies.
"""

from __future__ import annotations

import os
from typing import Any

import pendulum
from airflow.sdk import Param, dag, get_current_context, task

SOURCE_DEFAULT = os.environ.get("SEMTEL_SOURCE", "")
OUTPUT_DEFAULT = os.environ.get("SEMTEL_OUTPUT_ROOT", "semtel-output/weekly")


@dag(
    dag_id="semantic_telemetry_weekly",
    schedule="@weekly",
    start_date=pendulum.datetime(2026, 10, 5, tz="UTC"),
    catchup=False,
    max_active_runs=4,
    tags=["semtel"],
    params={
        "sources": Param(
            [SOURCE_DEFAULT] if SOURCE_DEFAULT else [], type="array", description="Input files or URIs"
        ),
        "output_root": Param(OUTPUT_DEFAULT, type="string"),
        "sample_rate": Param(1.0, type="number", exclusiveMinimum=0, maximum=1),
        "config_path": Param(None, type=["null", "string"]),
    },
)
def semantic_telemetry_weekly() -> None:
    @task
    def extract() -> dict[str, Any]:
        from semtel_core.pipeline.weekly import extract_week

        ctx = get_current_context()
        p = ctx["params"]
        return extract_week(
            p["sources"] or [_bundled_sample()],
            p["output_root"],
            ctx["data_interval_start"],
            ctx["data_interval_end"],
            config_path=p["config_path"],
            sample_rate=p["sample_rate"],
        )

    extract()


def _bundled_sample() -> str:
    from semtel_core.cli.run_cmd import BUNDLED_SAMPLE

    return str(BUNDLED_SAMPLE)


semantic_telemetry_weekly()
