"""A scheduler-side listener that writes each weekly run's week into its note, so the runs list shows which week
every run processes: Airflow 3.3.2 names new backfill runs ``backfill__<run_after>`` (the week's *end*) without
asking the timetable, so the run id alone can mislead. Runs of DAGs on other timetables, and runs whose note a user
already wrote, are left alone. Registered by the semtel plugin (``listeners``); it runs in the scheduler, which
owns the run's database session, and never raises into it (Airflow logs a listener's exception).
"""

from __future__ import annotations

from typing import Any

from airflow.listeners import hookimpl


def week_note(logical_date: Any, run_after: Any) -> str:
    from semtel_core.pipeline.week import run_week

    return f"semtel: {run_week(logical_date, run_after).describe()}"


@hookimpl
def on_dag_run_running(dag_run: Any, msg: str) -> None:
    from semtel_airflow.timetable import SemtelWeeklyTimetable

    dag = getattr(dag_run, "dag", None)
    if dag is None or not isinstance(getattr(dag, "timetable", None), SemtelWeeklyTimetable):
        return
    if dag_run.note:
        return
    dag_run.note = week_note(dag_run.logical_date, dag_run.run_after)
