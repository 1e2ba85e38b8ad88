"""The programme dashboard: every measure's monthly series and chart, its table by site, legacy trust and staff
group, and the equity view, for admins and programme leads (the role is checked again on every page).

The phone card shows less (each series' headline and signal, and the equity sentence), so `build_summary` works
out only that: the table of the one measure the equity view is drawn from, not every measure's table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from core.kernel.content import Content
from core.kernel.errors import NotAllowed
from core.kernel.model import Role, User
from core.kernel.ports import UnitOfWork
from core.kernel.roles import effective_roles
from core.measures.breakdowns import MeasureTable, measure_table
from core.measures.equity import Equity, equity
from core.measures.evidence import facts_of
from core.measures.months import add_months, month_of
from core.measures.series import Series, build_series

REFUSED = "The programme measures are for QI admins and programme leads."


@dataclass(frozen=True)
class Dashboard:
    series: tuple[Series, ...]
    tables: tuple[MeasureTable, ...]
    equity: Equity | None  # from the first measure of people (staff trained)
    current: date  # the incomplete month
    last_complete: date
    headcount_month: date | None  # the month the denominators are from; None when none is loaded
    generated_at: datetime

    @property
    def any_hidden(self) -> bool:
        return any(t.any_hidden for t in self.tables) or _series_hidden(self.series)


@dataclass(frozen=True)
class Summary:
    """What the phone card shows: the same series and equity view as the Dashboard's, without the other tables."""

    series: tuple[Series, ...]
    equity: Equity | None
    current: date
    last_complete: date
    headcount_month: date | None
    generated_at: datetime
    any_hidden: bool  # anything the card's numbers are drawn from is hidden (a series' month, the equity table)


def _series_hidden(series: tuple[Series, ...]) -> bool:
    """A hidden month (left out of the chart, so behind the signal) or a hidden cumulative total."""
    return any(p.text == "[c]" for s in series for p in s.points) or any(
        s.cumulative is not None and s.cumulative.suppressed for s in series
    )


def may_view(user: User | None, admins: frozenset[str]) -> bool:
    if user is None:
        return False
    roles = effective_roles(user, admins)
    return Role.ADMIN in roles or Role.LEAD in roles


def require_viewer(user: User | None, admins: frozenset[str]) -> None:
    if not may_view(user, admins):
        raise NotAllowed(REFUSED)


async def _build(uow: UnitOfWork, content: Content, now: datetime, *, every_table: bool):
    current = month_of(now, content.organisation.timezone)
    last_complete = add_months(current, -1)
    headcount_month, headcount = await uow.measures.latest_headcount(on_or_before=current)
    series, tables, found_equity = [], [], None
    for measure in content.measures.measures:
        facts = await facts_of(uow, measure, content)
        series.append(build_series(measure, facts, current=current, months_shown=content.measures.months_shown))
        for_equity = measure.reach and found_equity is None
        if every_table or for_equity:
            table = measure_table(measure, facts, last_complete=last_complete, headcount=headcount, content=content)
            tables.append(table)
            if for_equity:
                found_equity = equity(table, headcount, content)
    return tuple(series), tuple(tables), found_equity, current, last_complete, headcount_month


async def build_dashboard(uow: UnitOfWork, *, content: Content, now: datetime) -> Dashboard:
    series, tables, found_equity, current, last_complete, headcount_month = await _build(
        uow, content, now, every_table=True
    )
    return Dashboard(series, tables, found_equity, current, last_complete, headcount_month, now)


async def build_summary(uow: UnitOfWork, *, content: Content, now: datetime) -> Summary:
    """The phone card's numbers, equal to build_dashboard's series and equity view."""
    series, tables, found_equity, current, last_complete, headcount_month = await _build(
        uow, content, now, every_table=False
    )
    hidden = _series_hidden(series) or any(t.any_hidden for t in tables)
    return Summary(series, found_equity, current, last_complete, headcount_month, now, hidden)


async def dashboard_for(
    uow: UnitOfWork, *, user_id: int, admins: frozenset[str], content: Content, now: datetime
) -> Dashboard:
    """For a page behind a link: the holder must still be an admin or a programme lead."""
    require_viewer(await uow.users.get(user_id), admins)
    return await build_dashboard(uow, content=content, now=now)
