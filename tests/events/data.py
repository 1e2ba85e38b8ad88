"""Events for tests: straight through the repository (fake or SQL), without the creation rules."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

from core.kernel.contacts import record_contact
from core.profile.services import save_profile
from tests.fakes import teams_address


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
