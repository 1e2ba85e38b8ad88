"""Months in the organisation's time zone: which month a moment falls in, and the run of months on a chart."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def month_of(when: date | datetime, tz: ZoneInfo) -> date:
    """The first day of the local month `when` falls in (a UTC datetime is converted first: 23:30 UTC on 31 May
    in summer is June in London)."""
    if isinstance(when, datetime):
        day = when.date()
        # A zone's offset is under a day, so only the first and last days of a month can change month; the rest
        # skip the (costly, on five years of evidence) conversion.
        if day.day <= 1 or day.day >= 28 or when.tzinfo is None:
            day = when.astimezone(tz).date()
        return day.replace(day=1)
    return when.replace(day=1)


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
