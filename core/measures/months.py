"""Months in the organisation's time zone: which month a moment falls in, and the run of months on a chart."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

# The last day of each month but one (February's 27th, whether leap or not): see month_of.
_BEFORE_LAST = (30, 27, 30, 29, 30, 29, 30, 30, 29, 30, 29, 30)


def month_of(when: date | datetime, tz: ZoneInfo) -> date:
    """The first day of the local month `when` falls in (a UTC datetime is converted first: 23:30 UTC on 31 May
    in summer is June in London). A naive datetime is read as Python reads it, in the machine's local time."""
    if when.__class__ is date:
        return date(when.year, when.month, 1)
    if not isinstance(when, datetime):
        return when.replace(day=1)
    if when.tzinfo is not UTC:
        if when.tzinfo is tz:  # already local (as astimezone says, even of a time the clocks skipped)
            return date(when.year, when.month, 1)
        if when.utcoffset() is None:
            return when.astimezone(tz).date().replace(day=1)
        when = when.astimezone(UTC)
    # Every zone's offset is under a day (Python refuses more), so a moment from the 2nd to the day before the last
    # of a UTC month is in the same month in any zone: only the first and last days of a month need the zone (the
    # costly conversion, on five years of evidence).
    if 1 < when.day <= _BEFORE_LAST[when.month - 1]:
        return date(when.year, when.month, 1)
    return when.astimezone(tz).date().replace(day=1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """Every month from `first` to `last`, both included."""
    months, month = [], first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def label(month: date) -> str:
    return f"{month:%b %Y}"
