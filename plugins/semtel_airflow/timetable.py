"""The weekly DAG's timetable: one run per Monday-to-Monday week (UTC), the same week for every kind of run.

Airflow's ``CronDataIntervalTimetable`` gives a scheduled or backfill run with logical date 2026-10-12 the week
of 10-12, but a manual trigger with the same logical date the week *before* (``infer_manual_data_interval``
takes the last complete interval). Here a manual trigger's data interval is the week that contains its logical
date, so the logical date alone decides the week (``semtel_core.pipeline.week``), and run ids name the week:
``scheduled__week-2026-10-12__2026-10-19T00:00:00+00:00``. Registered by the semtel plugin (Airflow refuses to
serialize an unregistered timetable).
"""

from __future__ import annotations

from typing import Any

from airflow.timetables.base import DataInterval
from airflow.timetables.interval import CronDataIntervalTimetable
from pendulum import DateTime, instance

WEEKLY_CRON = "0 0 * * 1"


class SemtelWeeklyTimetable(CronDataIntervalTimetable):
    """Weekly data intervals, Monday 00:00 UTC to the next Monday; manual runs get their logical date's week."""

    description = "Weekly, Monday 00:00 UTC to the next Monday: a run processes the week of its logical date"

    def __init__(self) -> None:
        super().__init__(WEEKLY_CRON, "UTC")

    @classmethod
    def deserialize(cls, data: dict[str, Any]) -> SemtelWeeklyTimetable:
        return cls()

    def serialize(self) -> dict[str, Any]:
        return {}

    @property
    def summary(self) -> str:
        return "weekly (Mon-Mon UTC)"

    def infer_manual_data_interval(self, *, run_after: DateTime) -> DataInterval:
        from semtel_core.pipeline.week import week_containing

        week = week_containing(run_after)
        return DataInterval(start=instance(week.start), end=instance(week.end))

    def generate_run_id(
        self,
        *,
        run_type: Any,
        run_after: DateTime,
        data_interval: DataInterval | None,
        **extra: Any,
    ) -> str:
        from semtel_core.pipeline.week import run_week

        week = run_week(data_interval.start if data_interval is not None else None, run_after)
        return str(run_type.generate_run_id(suffix=f"week-{week.label}__{run_after.isoformat()}"))


def week_of_context(context: Any) -> Any:
    """The :class:`~semtel_core.pipeline.week.Week` a running task's DAG run processes."""
    from semtel_core.pipeline.week import run_week

    dag_run = context["dag_run"]
    return run_week(context.get("logical_date"), dag_run.run_after)
