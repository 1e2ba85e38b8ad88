"""A person's sets (`my sets`): each with its next meeting, its presenter and the person's open actions; one
set in full; and leaving a set (the facilitator is told, and flagged when the set drops below 5)."""

from __future__ import annotations

from datetime import datetime

from core.kernel.content import Content
from core.kernel.errors import NotAllowed
from core.kernel.model import User
from core.kernel.nudges import notify
from core.kernel.ports import UnitOfWork
from core.sets.model import ActionSet, Meeting, MeetingView, Member, SetView
from core.sets.ports import SetMessages
from core.sets.services import UPDATES, ensure_presenter, get_set, next_meeting, require_in_set


def meeting_view(
    found: ActionSet, meeting: Meeting, user: User, *, in_set: bool, has_swap: bool, now: datetime
) -> MeetingView:
    """What `user` may see and do about one meeting (members and facilitator only see its issue)."""
    presenter = meeting.presenter_id == user.id
    started = meeting.starts_at <= now
    return MeetingView(
        meeting,
        can_record_attendance=found.facilitator_id == user.id and started,
        can_write_issue=presenter and not started,
        can_pass=presenter and not started and not has_swap,
        can_add_actions=in_set and found.facilitator_id != user.id and started,
        issue=meeting.issue if in_set else None,
    )


async def _view(
    uow: UnitOfWork,
    found: ActionSet,
    members: list[Member],
    facilitator: bool,
    user: User,
    content: Content,
    now: datetime,
) -> SetView:
    meetings = await uow.sets.meetings(found.id)
    upcoming = next_meeting(meetings, now)
    view = None
    if upcoming is not None:
        upcoming = await ensure_presenter(uow, upcoming, now=now)
        meetings = [upcoming if m.id == upcoming.id else m for m in meetings]
        swap = await uow.sets.current_swap(upcoming.id)
        view = meeting_view(found, upcoming, user, in_set=True, has_swap=swap is not None, now=now)
    actions = [a for a in await uow.sets.actions(found.id, user.id) if not a.done]
    due = [m for m in meetings if m.starts_at <= now and not m.attendance_recorded] if facilitator else []
    return SetView(
        found,
        members,
        meetings,
        view,
        actions,
        is_facilitator=facilitator,
        is_member=not facilitator,
        below_minimum=len(members) < content.sets.rules.min_members,
        attendance_due=due,
    )


async def my_sets(uow: UnitOfWork, *, user: User, content: Content, now: datetime) -> list[SetView]:
    """The person's running sets, as member or facilitator."""
    views = []
    for found in await uow.sets.sets_of(user.id):
        members = await uow.sets.members(found.id)
        views.append(await _view(uow, found, members, found.facilitator_id == user.id, user, content, now))
    return views


async def set_view(uow: UnitOfWork, *, user: User, set_id: int, content: Content, now: datetime) -> SetView:
    found, members, facilitator = await require_in_set(uow, user, set_id)
    return await _view(uow, found, members, facilitator, user, content, now)


async def leave_set(
    uow: UnitOfWork, *, user: User, set_id: int, content: Content, messages: SetMessages, now: datetime
) -> bool:
    """True if the person left now; False if they had already left. The facilitator is told, and told the set is
    below 5 members when it is."""
    found = await get_set(uow, set_id, lock=True)
    members = await uow.sets.members(set_id)
    if not any(m.user_id == user.id for m in members):
        if found.facilitator_id == user.id:
            raise NotAllowed("Facilitators cannot leave their own set here; ask a QI admin to hand it over.")
        return False
    if not await uow.sets.leave(set_id, user.id, now=now):
        return False
    meetings = await uow.sets.meetings(set_id)
    for meeting in meetings:
        if meeting.starts_at > now and meeting.presenter_id == user.id:
            await uow.sets.clear_presenter(meeting.id, user.id, now=now)
    upcoming = next_meeting(meetings, now)
    if upcoming is not None and upcoming.starts_at > now:
        refreshed = await uow.sets.get_meeting(upcoming.id)
        assert refreshed is not None
        await ensure_presenter(uow, refreshed, now=now)  # the rota's next choice, without the one who left
    left = len(members) - 1
    await notify(
        uow,
        content,
        user_id=found.facilitator_id,
        category=UPDATES,
        message=messages.member_left(found, user.name or "A member", left),
        key=f"set:{set_id}:left:{user.id}:{now.isoformat()}",
        now=now,
    )
    return True


async def calendar_meeting(uow: UnitOfWork, *, meeting_id: int) -> tuple[ActionSet, Meeting] | None:
    """The meeting behind a signed calendar link (the link is the reader's right to its time and place, never to
    its issue); None if it is gone."""
    meeting = await uow.sets.get_meeting(meeting_id)
    found = await uow.sets.get_set(meeting.set_id) if meeting else None
    if meeting is None or found is None:
        return None
    return found, meeting


async def meeting_for(uow: UnitOfWork, *, user: User, meeting_id: int, now: datetime) -> tuple[ActionSet, MeetingView]:
    """One meeting of a set the person is in, with what they may do about it."""
    meeting = await uow.sets.get_meeting(meeting_id)
    if meeting is None:
        raise NotAllowed("That meeting is not in one of your sets.")
    found, _, _ = await require_in_set(uow, user, meeting.set_id)
    swap = await uow.sets.current_swap(meeting.id)
    return found, meeting_view(found, meeting, user, in_set=True, has_swap=swap is not None, now=now)


async def sets_facilitated_by(uow: UnitOfWork, user_id: int) -> list[ActionSet]:
    """Running sets the person facilitates: what a coach's evidence may link to (for other capabilities)."""
    return [s for s in await uow.sets.sets_of(user_id) if s.facilitator_id == user_id]
