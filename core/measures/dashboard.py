"""The programme dashboard: every measure's monthly series and chart, its table by site, legacy trust and staff
group, and the equity view, for admins and programme leads (the role is checked again on every page)."""

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
        return (
            any(t.any_hidden for t in self.tables)
            or any(p.text == "[c]" for s in self.series for p in s.points)
            or any(s.cumulative is not None and s.cumulative.suppressed for s in self.series)
        )


def may_view(user: User | None, admins: frozenset[str]) -> bool:
    if user is None:
        return False
    roles = effective_roles(user, admins)
    return Role.ADMIN in roles or Role.LEAD in roles


def require_viewer(user: User | None, admins: frozenset[str]) -> None:
    if not may_view(user, admins):
        raise NotAllowed(REFUSED)


async def build_dashboard(uow: UnitOfWork, *, content: Content, now: datetime) -> Dashboard:
    current = month_of(now, content.organisation.timezone)
    last_complete = add_months(current, -1)
    headcount_month, headcount = await uow.measures.latest_headcount(on_or_before=current)
    series, tables, found_equity = [], [], None
    for measure in content.measures.measures:
        facts = await facts_of(uow, measure, content)
        series.append(build_series(measure, facts, current=current, months_shown=content.measures.months_shown))
        table = measure_table(measure, facts, last_complete=last_complete, headcount=headcount, content=content)
        tables.append(table)
        if measure.reach and found_equity is None:
            found_equity = equity(table, headcount, content)
    return Dashboard(tuple(series), tuple(tables), found_equity, current, last_complete, headcount_month, now)


async def dashboard_for(
    uow: UnitOfWork, *, user_id: int, admins: frozenset[str], content: Content, now: datetime
) -> Dashboard:
    """For a page behind a link: the holder must still be an admin or a programme lead."""
    require_viewer(await uow.users.get(user_id), admins)
    return await build_dashboard(uow, content=content, now=now)
