"""Which week a weekly run processes: a function of its logical date alone.

A week is Monday 00:00 UTC to the next Monday 00:00 UTC. Every way of starting a run lands on the same week for
the same logical date: scheduled and backfill runs (whose logical date is the week's Monday), a manual trigger
with a logical date anywhere in the week, and ``semtel weekly``. A manual trigger *without* a logical date
processes the last complete week before the moment it was triggered (``run_after``): the current week has not
ended, so its data is not all there yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta


@dataclass(frozen=True)
class Week:
    """[start, end): Monday 00:00 UTC to the following Monday 00:00 UTC."""

    start: datetime
    end: datetime

    @classmethod
    def starting(cls, monday: date) -> Week:
        if monday.weekday() != 0:
            raise ValueError(f"a week starts on a Monday, not on {monday:%A} {monday}")
        start = datetime.combine(monday, time(), tzinfo=UTC)
        return cls(start, start + timedelta(weeks=1))

    @property
    def label(self) -> str:
        """``2026-10-05``: how folders, run ids and alerts name the week."""
        return self.start.date().isoformat()

    def describe(self) -> str:
        last = (self.end - timedelta(days=1)).date()
        return f"week {self.label} (Mon {self.label} 00:00 UTC to Sun {last.isoformat()} 24:00 UTC)"


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"a run's dates must carry a time zone, got naive {moment.isoformat()}")
    return moment.astimezone(UTC)


def week_containing(moment: datetime) -> Week:
    """The Monday-to-Monday week (UTC) that contains ``moment``."""
    day = _utc(moment).date()
    return Week.starting(day - timedelta(days=day.weekday()))


def last_complete_week(now: datetime) -> Week:
    """The latest week that ended at or before ``now``."""
    return Week.starting(week_containing(now).start.date() - timedelta(weeks=1))


def run_week(logical_date: datetime | None, run_after: datetime) -> Week:
    """The week a run processes: the week of its logical date, or without one the last complete week."""
    if logical_date is not None:
        return week_containing(logical_date)
    return last_complete_week(run_after)
