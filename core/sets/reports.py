"""The sets report (facilitators and admins): sets running, meetings held against planned, the attendance rate
and members by site and by staff group. Counts only: the repository hands reports no issue and no action, so
nothing said in a set can reach a report, an export or a log. Counts of people go through
core/kernel/suppression.py (site and staff group are two breakdowns of the same members with one total)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.kernel import suppression
from core.kernel.content import Content
from core.kernel.errors import NotAllowed
from core.kernel.model import Role, User
from core.kernel.ports import UnitOfWork
from core.kernel.suppression import NOT_SET, Breakdown, Share
from core.sets.model import SetFigures

__all__ = ["NOT_SET", "SetReport", "build_report", "set_report"]


@dataclass(frozen=True)
class SetReport:
    sets_running: int
    meetings_held: int
    meetings_due: int  # planned meetings that have started by now
    meetings_planned: int  # in all, in the running sets
    attendance: Share  # present marks of all marks recorded
    by_site: Breakdown
    by_staff_group: Breakdown
    footnote: str | None  # set when a cell is hidden


async def set_report(uow: UnitOfWork, *, user: User, content: Content, now: datetime) -> SetReport:
    if not user.has_role(Role.FACILITATOR):
        raise NotAllowed("The sets report is for facilitators and QI admins.")
    return build_report(await uow.sets.figures(now=now), content)


def build_report(figures: SetFigures, content: Content) -> SetReport:
    org = content.organisation
    people = [(site, group) for _, site, group in figures.members]
    shown = suppression.by_site_and_staff_group(people, [c.id for c in org.sites], [c.id for c in org.staff_groups])
    return SetReport(
        sets_running=figures.sets_running,
        meetings_held=figures.meetings_held,
        meetings_due=figures.meetings_due,
        meetings_planned=figures.meetings_planned,
        attendance=suppression.share(figures.marks_present, figures.marks_total),
        by_site=shown["site"],
        by_staff_group=shown["staff_group"],
        footnote=suppression.footnote() if suppression.any_hidden(shown) else None,
    )
