"""People at each coaching level, by site and by staff group (facilitators and admins). Each level's people are
two breakdowns with one total, through core/kernel/suppression.py, so a small group is neither shown nor worked
out by subtraction."""

from __future__ import annotations

from dataclasses import dataclass

from core.kernel import suppression
from core.kernel.content import Content
from core.kernel.errors import NotAllowed
from core.kernel.model import Role, User
from core.kernel.ports import UnitOfWork
from core.kernel.suppression import Breakdown


@dataclass(frozen=True)
class LevelFigures:
    level: str
    by_site: Breakdown
    by_staff_group: Breakdown


@dataclass(frozen=True)
class CoachingReport:
    levels: list[LevelFigures]
    footnote: str | None


async def coaching_report(uow: UnitOfWork, *, user: User, content: Content) -> CoachingReport:
    if not user.has_role(Role.FACILITATOR):
        raise NotAllowed("The coaching report is for facilitators and QI admins.")
    return build_report(await uow.coaching.level_counts(), content)


def build_report(rows: list[tuple[str, str | None, str | None]], content: Content) -> CoachingReport:
    org = content.organisation
    sites, groups = [c.id for c in org.sites], [c.id for c in org.staff_groups]
    figures, hidden = [], False
    for level in content.coaching.levels:
        people = [(site, group) for at, site, group in rows if at == level.id]
        shown = suppression.by_site_and_staff_group(people, sites, groups)
        hidden |= suppression.any_hidden(shown)
        figures.append(LevelFigures(level.id, shown["site"], shown["staff_group"]))
    return CoachingReport(figures, suppression.footnote() if hidden else None)
