"""Meeting times and reminder times, in local wall-clock time (content/nudges.yaml's zone).

Every date is computed on local calendar dates and turned into a UTC instant last, so a set meeting at 14:00
meets at 14:00 on both sides of the March and October clock changes, and its reminders keep their local time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.kernel.model import WorkingHours


def local_moment(day: date, at: time, tz: ZoneInfo) -> datetime:
    """A local wall-clock moment as a UTC instant."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def meeting_days(first: date, every_weeks: int, count: int) -> list[date]:
    return [first + timedelta(weeks=every_weeks * n) for n in range(count)]


def meeting_times(
    first: date, at: time, every_weeks: int, count: int, minutes: int, tz: ZoneInfo
) -> list[tuple[datetime, datetime]]:
    """(start, end) of each meeting as UTC instants."""
    times = []
    for day in meeting_days(first, every_weeks, count):
        start = local_moment(day, at, tz)
        end_local = datetime.combine(day, at) + timedelta(minutes=minutes)  # naive: wall-clock arithmetic
        times.append((start, local_moment(end_local.date(), end_local.time(), tz)))
    return times


def days_before(starts_at: datetime, days: int, at: time, tz: ZoneInfo, hours: WorkingHours | None = None) -> datetime:
    """`at` local time `days` calendar days before the meeting's local date; if the person set their own working
    hours and works that day, the start of their working day instead."""
    day = starts_at.astimezone(tz).date() - timedelta(days=days)
    if hours is not None and day.weekday() in hours.days:
        at = hours.start
    return local_moment(day, at, tz)


def reminder_times(
    starts_at: datetime, at: time, tz: ZoneInfo, hours: WorkingHours | None = None
) -> dict[str, datetime]:
    """The week-before and day-before reminders."""
    return {"week": days_before(starts_at, 7, at, tz, hours), "day": days_before(starts_at, 1, at, tz, hours)}
