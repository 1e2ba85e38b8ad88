"""Shared test data for sets: people, a set made through the services, and the fake database's set state."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, time

from core.kernel.contacts import record_contact
from core.kernel.model import Role
from core.profile.services import save_profile
from core.sets import creation
from core.sets.commands import SetDetails
from tests.fakes import teams_address
from tests.sets.fakes import RecordingSetMessages

NOW = datetime(2027, 1, 5, 10, tzinfo=UTC)  # a Tuesday in January (GMT)
FIRST = date(2027, 1, 14)  # a Thursday; 12 meetings every 4 weeks cross both clock changes of 2027
MESSAGES = RecordingSetMessages()
SITES = ("basildon", "broomfield", "southend")
GROUPS = ("nursing_midwifery", "ahp", "medical_dental")


def details(**changes) -> SetDetails:
    values = dict(
        name="Ward leaders set",
        site=None,
        cohort="QSIR practitioner, spring",
        first_date=FIRST,
        local_time=time(14),
        every_weeks=4,
        meetings=6,
        venue="Education Centre, room 2",
        online_url="https://teams.microsoft.com/l/meetup-join/set",
    )
    return SetDetails(**(values | changes))


async def person(uow, n: int, *, role: Role | None = None, content=None, now: datetime = NOW):
    """Someone who has talked to the bot (User n), with a profile when `content` is given."""
    user = (await record_contact(uow, address=teams_address(n), now=now)).user
    if content is not None:
        await save_profile(
            uow,
            user_id=user.id,
            site=SITES[n % 3],
            staff_group=GROUPS[n % 3],
            experience="none",
            organisation=content.organisation,
            now=now,
        )
    if role is not None:
        await uow.users.grant_role(user.id, role, now=now)
    return await uow.users.get(user.id)


async def make_set(uow, content, *, members: int = 6, now: datetime = NOW, **changes):
    """A created set: facilitator User 1, members User 2 onwards. (set, facilitator, members)."""
    facilitator = await person(uow, 1, role=Role.FACILITATOR, content=content, now=now)
    people = [await person(uow, n, content=content, now=now) for n in range(2, 2 + members)]
    draft = await creation.save_details(
        uow, user=facilitator, set_id=None, details=details(**changes), content=content, now=now
    )
    for member in people:
        await creation.add_member(
            uow,
            user=facilitator,
            set_id=draft.set.id,
            member_id=member.id,
            content=content,
            messages=MESSAGES,
            now=now,
        )
    created, _ = await creation.create_set(
        uow, user=facilitator, set_id=draft.set.id, content=content, messages=MESSAGES, now=now
    )
    return created, facilitator, people


def set_state(uow) -> dict:
    """Everything a set action can change in the fake database (its tables and the outbox), to compare before and
    after a refused action (a table a read merely created, still empty, is left out)."""
    return copy.deepcopy(
        {k: v for k, v in uow.db.__dict__.items() if (k.startswith("sets_") or k in ("outbox", "users")) and v}
    )


def outbox(uow, prefix: str = "") -> list[dict]:
    return sorted(
        (r for r in uow.db.outbox.values() if r["message"].text and r["message"].text.startswith(prefix)),
        key=lambda r: (r["due_at"], r["id"]),
    )
