"""A run's week is a function of its logical date alone: scheduled, backfill, manual trigger with or without a
logical date, and ``semtel weekly`` (dag.test) all agree, and run ids name the week."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

import pendulum
import pytest
from airflow.timetables.base import DataInterval, TimeRestriction
from airflow.utils.types import DagRunType

from semtel_airflow.timetable import SemtelWeeklyTimetable
from semtel_core.pipeline.week import Week, last_complete_week, run_week, week_containing

pytestmark = [pytest.mark.unit]
MONDAYS = [date(2026, 10, 5) + timedelta(weeks=i) for i in range(5)]
TIMETABLE = SemtelWeeklyTimetable()


def _scheduled_interval(monday: date) -> DataInterval:
    """The interval the scheduler (and a backfill, which walks the same infos) gives the run of ``monday``."""
    start = pendulum.datetime(monday.year, monday.month, monday.day, tz="UTC")
    restriction = TimeRestriction(earliest=start, latest=None, catchup=True)
    info = TIMETABLE.next_dagrun_info(last_automated_data_interval=None, restriction=restriction)
    assert info is not None and info.logical_date == start
    return info.data_interval


@pytest.mark.parametrize("monday", MONDAYS)
@pytest.mark.parametrize("offset", [timedelta(0), timedelta(days=2, hours=15), timedelta(days=6, hours=23)])
def test_every_run_type_gets_the_week_of_its_logical_date(monday: date, offset: timedelta) -> None:
    expected = Week.starting(monday)
    logical = datetime(monday.year, monday.month, monday.day, tzinfo=UTC) + offset
    manual = TIMETABLE.infer_manual_data_interval(run_after=pendulum.instance(logical))
    assert (manual.start, manual.end) == (expected.start, expected.end)
    assert run_week(logical, run_after=logical + timedelta(days=30)) == expected  # what the tasks compute
    if offset == timedelta(0):  # scheduled and backfill runs have Mondays as logical dates
        scheduled = _scheduled_interval(monday)
        assert (scheduled.start, scheduled.end) == (expected.start, expected.end)


def test_a_trigger_without_logical_date_takes_the_last_complete_week() -> None:
    friday = datetime(2026, 12, 4, 10, 9, tzinfo=UTC)
    assert run_week(None, friday) == Week.starting(date(2026, 11, 23))
    monday_midnight = datetime(2026, 11, 30, tzinfo=UTC)  # the week of 11-23 has just ended
    assert last_complete_week(monday_midnight) == Week.starting(date(2026, 11, 23))


def test_weeks_are_utc_whatever_the_offset() -> None:
    sunday_late_in_new_york = datetime(
        2026, 10, 11, 22, tzinfo=timezone(timedelta(hours=-4))
    )  # Mon 02:00 UTC
    assert week_containing(sunday_late_in_new_york) == Week.starting(date(2026, 10, 12))
    with pytest.raises(ValueError, match="time zone"):
        week_containing(datetime(2026, 10, 12))
    with pytest.raises(ValueError, match="Monday"):
        Week.starting(date(2026, 10, 13))


def test_run_ids_name_the_week() -> None:
    run_after = pendulum.datetime(2026, 10, 19, tz="UTC")
    scheduled = TIMETABLE.generate_run_id(
        run_type=DagRunType.SCHEDULED, run_after=run_after, data_interval=_scheduled_interval(MONDAYS[1])
    )
    assert scheduled == "scheduled__week-2026-10-12__2026-10-19T00:00:00+00:00"
    backfill = TIMETABLE.generate_run_id(
        run_type=DagRunType.BACKFILL_JOB,
        run_after=run_after,
        data_interval=_scheduled_interval(MONDAYS[1]),
        partition_key=None,
    )
    assert backfill.startswith("backfill__week-2026-10-12__")
    manual = TIMETABLE.generate_run_id(
        run_type=DagRunType.MANUAL, run_after=pendulum.datetime(2026, 12, 4, 10, tz="UTC"), data_interval=None
    )
    assert manual.startswith("manual__week-2026-11-23__")
    # What the REST API accepts for a run id it did not generate (a run id typed in the trigger form).
    for run_id in (scheduled, backfill, manual):
        assert re.fullmatch(r"[A-Za-z0-9_.~:+-]+", run_id), run_id


def test_timetable_serializes_and_is_registered() -> None:
    from airflow.serialization.decoders import decode_timetable
    from airflow.serialization.encoders import encode_timetable

    assert decode_timetable(encode_timetable(TIMETABLE)).infer_manual_data_interval(
        run_after=pendulum.datetime(2026, 10, 14, tz="UTC")
    ).start == pendulum.datetime(2026, 10, 12, tz="UTC")
