"""Events for tests: straight through the repository (fake or SQL), without the creation rules."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta

from core.kernel.contacts import record_contact
from core.profile.services import save_profile
from core.projects.model import Measure, PdsaCycle, Project, ProjectStatus
from tests.events.fakes import with_stories
from tests.fakes import teams_address

DAY = datetime(2027, 6, 17, 8, 30, tzinfo=UTC)  # the celebration day


async def add_event(
    uow,
    *,
    starts_at: datetime,
    template: str = "fundamentals",
    kind: str = "course",
    title: str = "QSIR Fundamentals",
    dates: int = 1,
    capacity: int = 3,
    site: str | None = "basildon",
    venue: str | None = "Education Centre",
    online_url: str | None = None,
    closes_at: datetime | None = None,
    hours: int = 7,
    weekly: bool = True,
    abstracts_close_at: datetime | None = None,
    created_by: int | None = None,
) -> int:
    """An event with `dates` dates, a week apart from `starts_at` (or a day apart), each `hours` long."""
    step = timedelta(weeks=1) if weekly else timedelta(days=1)
    spans = [(starts_at + n * step, starts_at + n * step + timedelta(hours=hours)) for n in range(dates)]
    celebration = kind == "celebration"
    return await uow.events.add_event(
        template=template,
        kind=kind,
        title=title,
        site=site,
        venue=venue,
        online_url=online_url,
        capacity=capacity,
        registration_closes_at=closes_at or starts_at - timedelta(hours=1),
        abstracts_close_at=abstracts_close_at if celebration else None,
        voting_closes_at=spans[-1][1] if celebration else None,
        created_by=created_by,
        dates=spans,
        now=starts_at - timedelta(days=30),
    )


async def person(uow, n: int, *, now: datetime, site="basildon", group="ahp", experience="none"):
    """Someone who has talked to the bot and set up their profile."""
    user = (await record_contact(uow, address=teams_address(n), now=now)).user
    if site is None:
        return user
    return await save_profile(
        uow,
        user_id=user.id,
        site=site,
        staff_group=group,
        experience=experience,
        organisation=_ORG[0],
        now=now,
    )


_ORG: list = []


def use_organisation(organisation) -> None:
    _ORG[:] = [organisation]


def event_state(uow) -> dict:
    """What an event action can change in the fake database, to compare before and after a refused action."""
    keys = [k for k in uow.db.__dict__ if k.startswith("events_")] + ["outbox", "users"]
    return copy.deepcopy({key: uow.db.__dict__[key] for key in keys if uow.db.__dict__.get(key)})


async def a_project(uow, lead, *, project_id, site, status=ProjectStatus.ACTIVE, coach_id=None):
    """A project (fake projects repository) with two PDSA cycles, an evaluation and two data points."""
    stories = with_stories(uow) if not hasattr(uow.projects, "inner") else uow.projects
    project = Project(
        id=project_id,
        lead_id=lead.id,
        status=status,
        wizard_step=6,
        title=f"Fewer falls {project_id}",
        site=site,
        division="medicine",
        aim_what="Reduce falls at night",
        aim_who="patients on Ward 7",
        aim_how_much="from 8 to 4 a month",
        aim_by=date(2027, 3, 31),
        coach_id=coach_id,
        measures=(Measure(project_id * 10, project_id, "outcome", "Falls at night", "Datix falls by week"),),
    )
    stories.add(project)
    stories._t("pdsas")[project_id] = [
        PdsaCycle(1, project_id, "Two-hourly toilet rounds", "fewer falls", "done", "fewer", "adopt", DAY),
        PdsaCycle(2, project_id, "Bed alarms", "fewer falls", "done", "no change", "abandon", DAY),
    ]
    stories._t("evaluations")[project_id] = {"results": "Falls halved.", "lessons": "Start small."}
    stories._t("points")[project_id * 10] = [(date(2026, 11, 2), 5.0), (date(2026, 11, 16), 3.0)]
    return project


async def celebration(uow, **kwargs):
    """This year's celebration day on DAY, taking abstracts until two weeks before."""
    return await add_event(
        uow,
        starts_at=DAY,
        template="celebration",
        kind="celebration",
        title="Improvement celebration day 2027",
        capacity=100,
        site=None,
        abstracts_close_at=DAY - timedelta(days=14),
        **kwargs,
    )
