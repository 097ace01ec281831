"""Model / prompt evaluation: run two configurations on the same sample, compare them, gate. Wiring only.

Manual trigger. ``config_a`` / ``config_b`` are settings overrides nested like the YAML file (model, prompt
version, strategy, truncation); the task fails when the A/B gate fails, and the report (JSON, CSV, HTML) is
written either way under ``output_root``. Parse-time rule: nothing heavy is imported here.
"""

from __future__ import annotations

import os
from typing import Any

import pendulum
from airflow.sdk import Param, dag, get_current_context, task

OUTPUT_DEFAULT = os.environ.get("SEMTEL_EVAL_OUTPUT_ROOT", "semtel-output/model-eval")


@dag(
    dag_id="semtel_model_eval",
    schedule=None,
    start_date=pendulum.datetime(2026, 10, 5, tz="UTC"),
    catchup=False,
    tags=["semtel", "evaluation"],
    params={
        "sources": Param([], type="array", description="Sample files; empty: the bundled sample"),
        "output_root": Param(OUTPUT_DEFAULT, type="string"),
        "config_path": Param(None, type=["null", "string"], description="Base settings YAML"),
        "config_a": Param({}, type="object", description="Settings overrides of configuration A"),
        "config_b": Param({}, type="object", description="Settings overrides of configuration B"),
        "repeats": Param(1, type="integer", minimum=1, maximum=10, description="Runs per configuration"),
        "classifiers": Param([], type="array", description="Only these classifiers; empty: all configured"),
    },
)
def semtel_model_eval() -> None:
    @task
    def compare() -> dict[str, Any]:
        from semtel_core.evaluate.ab_run import run_model_eval

        ctx = get_current_context()
        p = ctx["params"]
        outcome = run_model_eval(
            p["sources"] or [_bundled_sample()],
            f"{p['output_root']}/{ctx['run_id']}",
            config_path=p["config_path"],
            config_a=p["config_a"],
            config_b=p["config_b"],
            repeats=p["repeats"],
            classifiers=p["classifiers"] or None,
        )
        return outcome.model_dump()

    compare()


def _bundled_sample() -> str:
    from semtel_core.sample_data import CONVERSATIONS_PATH

    return str(CONVERSATIONS_PATH)


semtel_model_eval()
