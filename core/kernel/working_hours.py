"""When a nudge may be delivered: the next moment inside a person's working hours, in local time.

Working hours may run overnight (a night shift 20:00-08:00 starts on a working day and ends the next morning).
All arithmetic is done on local wall-clock dates and converted back to UTC, so the clock changes in March
and October move the UTC instant, not the local time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.kernel.model import WorkingHours


def _at(day: date, moment: time, tz: ZoneInfo) -> datetime:
    """A local wall-clock moment as a UTC instant. (Arithmetic and comparisons between datetimes that share
    a tzinfo ignore the UTC offset in Python, so everything leaving this module is in UTC.)"""
    return datetime.combine(day, moment, tzinfo=tz).astimezone(UTC)


def windows_around(when: datetime, hours: WorkingHours, tz: ZoneInfo, days_ahead: int = 8):
    """Working windows (local start, local end) from the day before `when` onwards."""
    local_day = when.astimezone(tz).date()
    for offset in range(-1, days_ahead):
        day = local_day + timedelta(days=offset)
        if day.weekday() not in hours.days:
            continue
        start = _at(day, hours.start, tz)
        end_day = day if hours.end > hours.start else day + timedelta(days=1)
        yield start, _at(end_day, hours.end, tz)


def next_open(when: datetime, hours: WorkingHours, tz: ZoneInfo) -> datetime:
    """`when` itself if it is inside working hours, else the start of the next working window (in UTC)."""
    when = when.astimezone(UTC)
    for start, end in windows_around(when, hours, tz):
        if end > when:
            return max(when, start)
    raise ValueError("no working window in the next week")  # unreachable: WorkingHours has >= 1 day


def local_day_bounds(when: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The local calendar day containing `when`, as [start, end) instants (23 or 25 hours at clock changes)."""
    day = when.astimezone(tz).date()
    return _at(day, time(0), tz), _at(day + timedelta(days=1), time(0), tz)


def parse_hours(text: str, days: str | list[int] | None = None) -> WorkingHours:
    """'08:00-18:00' plus days ('mon-fri', 'mon,tue,sat', or weekday numbers)."""
    try:
        start_s, end_s = text.replace(" ", "").split("-")
        start, end = time.fromisoformat(start_s), time.fromisoformat(end_s)
    except ValueError as exc:
        raise ValueError(f"hours must look like 08:00-18:00, not {text!r}") from exc
    return WorkingHours(days=frozenset(parse_days(days if days is not None else "mon-fri")), start=start, end=end)


DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_days(days: str | list[int]) -> set[int]:
    if isinstance(days, list):
        return set(days)
    result: set[int] = set()
    for part in days.lower().replace(" ", "").split(","):
        if "-" in part:
            first, last = (DAY_NAMES.index(p[:3]) for p in part.split("-"))
            result.update(range(first, last + 1) if first <= last else [*range(first, 7), *range(0, last + 1)])
        elif part:
            result.add(DAY_NAMES.index(part[:3]))
    return result


def describe(hours: WorkingHours) -> str:
    names = [DAY_NAMES[d].capitalize() for d in sorted(hours.days)]
    return f"{', '.join(names)} {hours.start:%H:%M}-{hours.end:%H:%M}"
