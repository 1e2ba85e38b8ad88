"""The programme's "staff supported by QI clinics": distinct people who attended, as recorded by the coaches.

The two figures are nested (this month's people are among the last 12 months'), so together they say how many
came only earlier in the year: that difference is a count of people too. They go through the one suppression
function as a breakdown of the 12 months' people into "this month" and "earlier only" (the second is not shown),
so neither a small figure nor a small difference can be read or worked out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.kernel import suppression
from core.kernel.content import Content
from core.kernel.ports import UnitOfWork
from core.kernel.suppression import Cell


@dataclass(frozen=True)
class StaffSupported:
    month_start: date  # local: the 1st of this month
    this_month: Cell
    last_12_months: Cell
    footnote: str | None  # set when a figure is hidden


async def staff_supported(uow: UnitOfWork, *, content: Content, now: datetime) -> StaffSupported:
    local = now.astimezone(content.organisation.timezone)
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    this_month = await uow.clinics.attended_count(start=month_start, end=now)
    year = await uow.clinics.attended_count(start=now - timedelta(days=365), end=now)
    shown_month, shown_year = supported_figures(this_month, year)
    hidden = shown_month.suppressed or shown_year.suppressed
    return StaffSupported(month_start.date(), shown_month, shown_year, suppression.footnote() if hidden else None)


def supported_figures(this_month: int, last_12_months: int) -> tuple[Cell, Cell]:
    """What may be shown of the two nested figures (see the module's docstring)."""
    if not 0 <= this_month <= last_12_months:
        raise ValueError("this month's people are among the last 12 months'")
    line = suppression.suppress_counts(
        {"this_month": this_month, "earlier_only": last_12_months - this_month}, total=last_12_months
    )
    return line.cells["this_month"], line.total
