"""Working time: the SLA clock of the forum runs only in the organisation's working hours, skipping weekends and
bank holidays. Arithmetic is done on local wall-clock dates and returned in UTC, so the clock changes in March
and October move the UTC instant, not the working day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from core.kernel.model import WorkingHours

MAX_DAYS = 3 * 366  # how far the clock may look for working days


def _at(day: date, moment: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=tz).astimezone(UTC)


@lru_cache(maxsize=8192)
def _window(day: date, hours: WorkingHours, tz: ZoneInfo, holidays: frozenset[date]) -> tuple | None:
    """The working window (start, end) in UTC of one local day, or None on a day off. Cached: a report works out
    the SLA of thousands of questions over the same few hundred days (issue 16)."""
    if day.weekday() not in hours.days or day in holidays:
        return None
    end_day = day if hours.end > hours.start else day + timedelta(days=1)
    return _at(day, hours.start, tz), _at(end_day, hours.end, tz)


def windows(since: datetime, hours: WorkingHours, tz: ZoneInfo, holidays: frozenset[date]) -> Iterator[tuple]:
    """The working windows (start, end) in UTC that end after `since`, in order."""
    day = since.astimezone(tz).date() - timedelta(days=1)
    for _ in range(MAX_DAYS):
        window = _window(day, hours, tz, holidays)
        if window is not None and window[1] > since:
            yield window
        day += timedelta(days=1)
    raise ValueError("no working day within three years")


def day_length(hours: WorkingHours) -> timedelta:
    """A working day's length by the clock on the wall (10 hours for 08:00-18:00)."""
    start = datetime.combine(date(2000, 1, 3), hours.start)
    end = datetime.combine(date(2000, 1, 3), hours.end)
    return end - start if end > start else end + timedelta(days=1) - start


def add_working_days(
    start: datetime, days: float, hours: WorkingHours, tz: ZoneInfo, holidays: frozenset[date]
) -> datetime:
    """The moment `days` working days after `start` (a day is one working day's length of working time)."""
    remaining = day_length(hours) * days
    for window_start, window_end in windows(start, hours, tz, holidays):
        begin = max(window_start, start.astimezone(UTC))
        available = window_end - begin
        if remaining <= available:
            return begin + remaining
        remaining -= available
    raise AssertionError("unreachable: windows() raises first")


def working_time_between(
    start: datetime, end: datetime, hours: WorkingHours, tz: ZoneInfo, holidays: frozenset[date]
) -> timedelta:
    """Working time elapsed from `start` to `end` (zero if end is not after start)."""
    total = timedelta(0)
    if end <= start:
        return total
    for window_start, window_end in windows(start, hours, tz, holidays):
        if window_start >= end:
            break
        total += min(window_end, end) - max(window_start, start.astimezone(UTC))
    return total
