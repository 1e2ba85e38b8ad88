"""What every set task shares: finding a set or meeting, who may see and do what, and the presenter rota applied
to a set's meetings. Set messages are queued with core.kernel.nudges.notify (the nudge gate)."""

from __future__ import annotations

from datetime import datetime

from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.kernel.model import User
from core.kernel.ports import UnitOfWork
from core.kernel.text import clean_text
from core.sets.commands import InvalidAnswer
from core.sets.model import ActionSet, Mark, Meeting, Member, PresenterTurn
from core.sets.rota import next_presenter

REMINDERS = "action_learning"  # reminders before a meeting, the presenter prompt, the actions card
UPDATES = "set_updates"  # changes: added to a set, someone left, a swap, attendance to record
MAX_NAME = 80
MAX_COHORT = 80
MAX_VENUE = 200
MAX_URL = 500
MAX_ISSUE = 200
MAX_ACTION = 200


async def get_set(uow: UnitOfWork, set_id: int, *, lock: bool = False) -> ActionSet:
    found = await uow.sets.get_set(set_id, lock=lock)
    if found is None:
        raise NotFound("That action learning set no longer exists.")
    return found


async def get_meeting(uow: UnitOfWork, meeting_id: int) -> tuple[ActionSet, Meeting]:
    meeting = await uow.sets.get_meeting(meeting_id)
    if meeting is None:
        raise NotFound("That meeting no longer exists.")
    return await get_set(uow, meeting.set_id), meeting


def member_of(members: list[Member], user: User) -> bool:
    return any(m.user_id == user.id for m in members)


async def require_facilitator(uow: UnitOfWork, user: User, set_id: int, *, lock: bool = False) -> ActionSet:
    """The set, if `user` is its facilitator; whatever a card says, nobody else may change it."""
    found = await get_set(uow, set_id, lock=lock)
    if found.facilitator_id != user.id:
        raise NotAllowed("Only the set's facilitator can do that.")
    return found


async def require_in_set(uow: UnitOfWork, user: User, set_id: int) -> tuple[ActionSet, list[Member], bool]:
    """(set, active members, is facilitator) if `user` is a member or the facilitator: the only people who may see
    a set's issues and actions."""
    found = await get_set(uow, set_id)
    members = await uow.sets.members(set_id)
    facilitator = found.facilitator_id == user.id
    if not (facilitator or member_of(members, user)) or not found.active:
        raise NotAllowed("That set's meetings are only for its members.")
    return found, members, facilitator


async def history(uow: UnitOfWork, set_id: int, *, before: Meeting | None = None) -> list[PresenterTurn]:
    """The rota's history: the meetings before `before` (all if None), each with its presenter's turn."""
    marks = await uow.sets.presenter_marks(set_id)
    turns = []
    for meeting in await uow.sets.meetings(set_id):
        if before is not None and meeting.number >= before.number:
            break
        mark = marks.get(meeting.id)
        turns.append(PresenterTurn(meeting.presenter_id, None if mark is None else mark == Mark.PRESENT))
    return turns


async def ensure_presenter(uow: UnitOfWork, meeting: Meeting, *, now: datetime) -> Meeting:
    """The meeting with a presenter: the rota's choice if it has none yet (once, whoever asks first)."""
    if meeting.presenter_id is not None:
        return meeting
    members = [m.user_id for m in await uow.sets.members(meeting.set_id)]
    chosen = next_presenter(members, await history(uow, meeting.set_id, before=meeting))
    if chosen is not None:
        await uow.sets.set_presenter(meeting.id, chosen, replace=None, now=now)
    found = await uow.sets.get_meeting(meeting.id)
    assert found is not None
    return found


def next_meeting(meetings: list[Meeting], now: datetime) -> Meeting | None:
    return next((m for m in meetings if m.ends_at > now), None)


def clean_answer(field: str, value: object, limit: int, what: str, *, required: bool = False) -> str | None:
    """Free text from a form (core.kernel.text.clean_text), refused as an answer to `field`."""
    try:
        return clean_text(value, limit, what, required=required)
    except InvalidInput as problem:
        raise InvalidAnswer(field, problem.message) from None
