"""``semtel weekly``: the weekly Airflow DAG, end to end, on one machine (the README's main job).

It runs ``dags/semantic_telemetry_weekly.py`` itself, through Airflow's ``dag.test()`` (see
``semtel_core.pipeline.dag_test``), once per week: extract → plan → classify (online) and batch submit / wait /
collect → grade → validate → load → report. On the embedded default the bundled sample's four weeks are run
against the local endpoint, which this command starts; one classifier goes through the Batch API path.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import typer
import yaml
from rich.console import Console
from rich.table import Table

from semtel_core.cli.common import CONFIG_OPTION, clean_errors, console, out, settings_from
from semtel_core.config import Settings
from semtel_core.errors import ConfigError, WorkflowRunError
from semtel_core.sample_data import CONVERSATIONS_PATH, FIRST_DAY, LAST_DAY

DAG_ID = "semantic_telemetry_weekly"


def mondays(first: date, last: date) -> list[date]:
    """The Monday of every ISO week that holds a day of [first, last]."""
    start = first - timedelta(days=first.weekday())
    return [start + timedelta(weeks=i) for i in range((last - start).days // 7 + 1)]


def _run_config(settings: Settings, run_settings: Settings, config: Path | None, home: Path) -> str | None:
    """The settings file the DAG's tasks read: the user's, with the embedded endpoint's address if one started."""
    if run_settings == settings:
        return str(config.resolve()) if config else None
    raw: dict[str, Any] = yaml.safe_load(config.read_text(encoding="utf-8")) or {} if config else {}
    endpoints = []
    for endpoint in run_settings.endpoints:
        data = endpoint.model_dump(mode="json", exclude_none=True, exclude={"api_key"})
        if endpoint.api_key is not None:
            data["api_key"] = endpoint.api_key.get_secret_value()
        endpoints.append(data)
    raw["endpoints"] = endpoints
    path = home / "semtel.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    path.chmod(0o600)  # may hold API keys
    return str(path)


def _read_json(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _week_table(root: Path, weeks: list[date], states: dict[date, str]) -> Table:
    view = Table(title=f"{DAG_ID}: one DAG run per week")
    for column in ("week", "run", "read", "rejected", "other weeks", "sampled", "result rows", "quality"):
        view.add_column(column, justify="left" if column in ("week", "run", "quality") else "right")
    for week in weeks:
        folder = root / f"week={week.isoformat()}"
        extract = _read_json(folder / "extract" / "extract_summary.json")
        quality = _read_json(folder / "quality_report.json")
        grade = _read_json(folder / "grade_summary.json")
        verdict = "-"
        if quality:
            verdict = "passed" if quality.get("success") else "FAILED"
            if quality.get("warnings"):
                verdict += f" ({len(quality['warnings'])} warning(s))"
        view.add_row(
            week.isoformat(),
            states.get(week, "not run"),
            str(extract.get("read", "-")),
            str(extract.get("rejected", "-")),
            str(extract.get("outside_window", "-")),
            str(extract.get("sampled", "-")),
            str(grade.get("rows", "-")),
            verdict,
        )
    return view


@clean_errors
def weekly(
    inputs: list[str] = typer.Option(
        [], "--input", "-i", help="Input files; default: the bundled sample (four weeks of October 2026)."
    ),
    output: Path = typer.Option(Path("semtel-output/weekly"), "--output", "-o", help="Output root folder."),
    first_week: datetime | None = typer.Option(
        None, "--from", formats=["%Y-%m-%d"], help="First day to cover (its whole week runs)."
    ),
    last_week: datetime | None = typer.Option(
        None, "--to", formats=["%Y-%m-%d"], help="Last day to cover (its whole week runs)."
    ),
    batch_classifiers: list[str] = typer.Option(
        ["satisfaction"], "--batch", "-b", help="Classifiers sent through the Batch API path (repeatable)."
    ),
    engine: str = typer.Option("polars", "--engine", help="polars, or spark (a local[*] spark-submit job)."),
    poll_interval: float | None = typer.Option(
        None,
        "--poll-interval",
        min=0.1,
        help="Seconds between batch status polls (default: batch.poll_interval_s; 1 on the embedded endpoint).",
    ),
    postgres_dsn: str | None = typer.Option(
        None, "--postgres-dsn", help="Also upsert weekly aggregates into Postgres (libpq DSN)."
    ),
    config: Path | None = CONFIG_OPTION,
) -> None:
    """Run the weekly Airflow DAG end to end, one run per week, without a scheduler (``dag.test()``).

    Every step of the scheduled DAG runs: extract, plan, online classify and the Batch API path, grader re-check,
    data-quality validation, load (Parquet dataset, optionally Postgres) and the HTML report of each week.
    """
    from semtel_core.endpoint.embedded import embedded_endpoint
    from semtel_core.pipeline.dag_test import airflow_env, migrate, run_dag_tests

    settings = settings_from(config)
    if not inputs and first_week is None and last_week is None:
        first, last = FIRST_DAY, LAST_DAY
    elif first_week is None or last_week is None:
        raise ConfigError("give both --from and --to (the weeks to run) with --input", field="--from/--to")
    else:
        first, last = first_week.date(), last_week.date()
    if last < first:
        raise ConfigError(f"--to {last} is before --from {first}", field="--to")
    weeks = mondays(first, last)
    root = output.resolve()
    home = root / "airflow"
    home.mkdir(parents=True, exist_ok=True)
    with embedded_endpoint(settings) as run_settings:
        conf = {
            "sources": inputs or [str(CONVERSATIONS_PATH)],
            "output_root": str(root),
            "config_path": _run_config(settings, run_settings, config, home),
            "batch_classifiers": [c for c in batch_classifiers if c in run_settings.classifiers],
            "engine": engine,
            # The embedded endpoint finishes a batch in seconds; a real provider's 24 h window wants the default.
            "poll_interval_s": poll_interval or (1.0 if run_settings != settings else None),
        }
        env = airflow_env(home)
        if postgres_dsn:  # the tasks' settings read it from the environment; it stays out of the YAML file
            env["SEMTEL_LOAD__POSTGRES_DSN"] = postgres_dsn
        console.print(f"airflow home {home} (SQLite metadata DB); migrating…", soft_wrap=True)
        migrate(env)
        console.print(f"running {DAG_ID} for {len(weeks)} week(s): {', '.join(w.isoformat() for w in weeks)}")
        # A run processes the week that contains its logical date (semtel_core.pipeline.week): its Monday.
        runs = run_dag_tests(
            env,
            DAG_ID,
            [datetime.combine(w, time(), tzinfo=UTC) for w in weeks],
            conf,
            log_path=home / "dag_test.log",
        )
    states = {date.fromisoformat(r.data_interval_start[:10]): r.state for r in runs}
    # Piped output (CI logs, make) gets 80 columns by default, which folds this table.
    (out if out.is_terminal else Console(width=110)).print(_week_table(root, weeks, states))
    failed = [r for r in runs if r.state != "success"]
    if failed:
        for run in failed:
            console.print(
                f"[bold red]run {run.data_interval_start[:10]} {run.state}[/]: failed tasks {run.failed_tasks()}"
            )
        raise WorkflowRunError(
            f"{len(failed)} of {len(runs)} weekly run(s) failed; task logs in {home / 'dag_test.log'}",
            failed=[r.data_interval_start for r in failed],
        )
    out.print(f"dataset (partitioned by week and classifier): {root / 'dataset'}", soft_wrap=True)
    out.print(
        f"quarantined rows, each with its reason: {root}/week=*/extract/rejects.parquet", soft_wrap=True
    )
    for week in weeks:
        out.print(
            f"report {week.isoformat()}: {root / f'week={week.isoformat()}' / 'report.html'}", soft_wrap=True
        )
    out.print(
        f"open the latest report: file://{root / f'week={weeks[-1].isoformat()}' / 'report.html'}",
        soft_wrap=True,
    )
