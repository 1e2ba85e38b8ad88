"""Dates as people in the trust write them: "Mon 1 Jun", "1 June 2027", never "01 June"."""

from __future__ import annotations

from datetime import date


def written(day: date, pattern: str) -> str:
    """strftime, with `%-d` for the day of the month without a leading zero on every platform (glibc alone
    knows `%-d`, and Windows does not)."""
    return day.strftime(pattern.replace("%-d", str(day.day)))
