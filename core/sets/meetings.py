"""Around each meeting: the presenter's one-sentence issue, passing the turn to a volunteer (the facilitator
confirms), the facilitator's attendance card, and each member's actions for next time."""

from __future__ import annotations

from datetime import datetime

from core.kernel.content import Content
from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.kernel.model import User
from core.kernel.nudges import notify
from core.kernel.ports import UnitOfWork
from core.sets.commands import AttendanceMarks, InvalidAnswer, MyActions
from core.sets.membership import meeting_view
from core.sets.model import (
    ActionItem,
    ActionsForm,
    AttendanceSaved,
    AttendanceSheet,
    Mark,
    MeetingView,
    SwapOutcome,
    SwapStatus,
)
from core.sets.ports import SetMessages
from core.sets.services import (
    MAX_ACTION,
    MAX_ISSUE,
    REMINDERS,
    UPDATES,
    clean_answer,
    ensure_presenter,
    get_meeting,
    member_of,
    require_facilitator,
    require_in_set,
)

# --- the presenter's issue --------------------------------------------------------------------------------------


async def write_issue(uow: UnitOfWork, *, user: User, meeting_id: int, issue: object, now: datetime) -> MeetingView:
    """The presenter's issue in one sentence (optional: empty clears it). Only the set will see it."""
    found, meeting = await get_meeting(uow, meeting_id)
    await require_in_set(uow, user, found.id)
    if meeting.presenter_id != user.id:
        raise NotAllowed("Only this meeting's presenter can write its issue.")
    if meeting.starts_at <= now:
        raise InvalidInput("This meeting has started, so its issue can no longer be changed.")
    text = clean_answer("issue", issue, MAX_ISSUE, "your issue")
    await uow.sets.set_issue(meeting.id, text, now=now)
    _, saved = await get_meeting(uow, meeting_id)
    swap = await uow.sets.current_swap(meeting.id)
    return meeting_view(found, saved, user, in_set=True, has_swap=swap is not None, now=now)


# --- swaps ---------------------------------------------------------------------------------------------------------


async def pass_turn(
    uow: UnitOfWork, *, user: User, meeting_id: int, content: Content, messages: SetMessages, now: datetime
) -> SwapOutcome:
    """The presenter cannot present: the other members are asked who will (the facilitator then confirms)."""
    found, meeting = await get_meeting(uow, meeting_id)
    _, members, _ = await require_in_set(uow, user, found.id)
    if meeting.presenter_id != user.id:
        raise NotAllowed("Only this meeting's presenter can pass their turn.")
    if meeting.starts_at <= now:
        raise InvalidInput("This meeting has started, so the presenter can no longer change.")
    swap = await uow.sets.open_swap(meeting.id, user.id, now=now)
    if swap is None:
        current = await uow.sets.current_swap(meeting.id)
        assert current is not None
        return SwapOutcome(found, meeting, current, changed=False)
    for member in members:
        if member.user_id != user.id:
            await notify(
                uow,
                content,
                user_id=member.user_id,
                category=UPDATES,
                message=messages.swap_wanted(found, meeting, swap, user.name or "Your presenter"),
                key=f"set:swap:{swap.id}:wanted:{member.user_id}",
                now=now,
            )
    return SwapOutcome(found, meeting, swap, changed=True)


async def volunteer(
    uow: UnitOfWork, *, user: User, swap_id: int, content: Content, messages: SetMessages, now: datetime
) -> SwapOutcome:
    """A member offers to present instead; the first offer is the one the facilitator is asked to confirm."""
    swap = await uow.sets.get_swap(swap_id)
    if swap is None:
        raise NotFound("That swap no longer exists.")
    found, meeting = await get_meeting(uow, swap.meeting_id)
    _, members, _ = await require_in_set(uow, user, found.id)
    if not member_of(members, user) or user.id == swap.presenter_id:
        raise NotAllowed("Only another member of the set can offer to present.")
    if meeting.starts_at <= now:
        raise InvalidInput("This meeting has started, so the presenter can no longer change.")
    if swap.status == SwapStatus.VOLUNTEERED and swap.volunteer_id == user.id:
        return SwapOutcome(found, meeting, swap, changed=False)
    if swap.status != SwapStatus.OPEN or not await uow.sets.volunteer(swap.id, user.id, now=now):
        raise InvalidInput("Thank you, but someone else has already offered to present at this meeting.")
    taken = await uow.sets.get_swap(swap.id)
    assert taken is not None
    await notify(
        uow,
        content,
        user_id=found.facilitator_id,
        category=UPDATES,
        message=messages.swap_to_confirm(found, meeting, taken, user.name or "A member"),
        key=f"set:swap:{swap.id}:confirm:{user.id}",
        now=now,
    )
    return SwapOutcome(found, meeting, taken, changed=True)


async def decide_swap(
    uow: UnitOfWork,
    *,
    user: User,
    swap_id: int,
    accept: bool,
    content: Content,
    messages: SetMessages,
    now: datetime,
) -> SwapOutcome:
    """The facilitator confirms the swap (the volunteer presents; both are told) or says no (nothing changes)."""
    swap = await uow.sets.get_swap(swap_id)
    if swap is None:
        raise NotFound("That swap no longer exists.")
    in_set, meeting = await get_meeting(uow, swap.meeting_id)
    found = await require_facilitator(uow, user, in_set.id)
    if swap.status != SwapStatus.VOLUNTEERED:
        return SwapOutcome(found, meeting, swap, changed=False)
    if meeting.starts_at <= now:
        raise InvalidInput("This meeting has started, so the presenter can no longer change.")
    assert swap.volunteer_id is not None
    members = {m.user_id: m for m in await uow.sets.members(found.id)}
    if not accept or swap.volunteer_id not in members:
        changed = await uow.sets.resolve_swap(swap.id, SwapStatus.WITHDRAWN, now=now)
        return SwapOutcome(found, meeting, (await uow.sets.get_swap(swap.id)) or swap, changed=changed)
    if not await uow.sets.resolve_swap(swap.id, SwapStatus.CONFIRMED, now=now):
        return SwapOutcome(found, meeting, swap, changed=False)
    await uow.sets.set_presenter(meeting.id, swap.volunteer_id, replace=swap.presenter_id, now=now)
    _, meeting = await get_meeting(uow, meeting.id)
    name = members[swap.volunteer_id].name or "A member"
    for who, to_presenter in ((swap.volunteer_id, True), (swap.presenter_id, False)):
        await notify(
            uow,
            content,
            user_id=who,
            category=UPDATES,
            message=messages.swap_confirmed(found, meeting, name, to_presenter=to_presenter),
            key=f"set:swap:{swap.id}:confirmed:{who}",
            now=now,
        )
    return SwapOutcome(found, meeting, (await uow.sets.get_swap(swap.id)) or swap, changed=True)


# --- attendance ----------------------------------------------------------------------------------------------------


async def attendance_sheet(uow: UnitOfWork, *, user: User, meeting_id: int, now: datetime) -> AttendanceSheet:
    found, meeting = await get_meeting(uow, meeting_id)
    await require_facilitator(uow, user, found.id)
    if meeting.starts_at > now:
        raise InvalidInput("Attendance can be recorded once the meeting has started.")
    members = await uow.sets.members(found.id)
    return AttendanceSheet(found, meeting, members, await uow.sets.attendance(meeting.id))


async def record_attendance(
    uow: UnitOfWork,
    *,
    user: User,
    command: AttendanceMarks,
    content: Content,
    messages: SetMessages,
    now: datetime,
) -> AttendanceSaved:
    """One mark for every member (present, apologies, absent). Saving again corrects the marks. Then the next
    meeting's presenter is chosen, and each member who came is asked for their actions (once)."""
    sheet = await attendance_sheet(uow, user=user, meeting_id=command.meeting_id, now=now)
    expected = {m.user_id for m in sheet.members}
    if set(command.marks) - expected:
        raise InvalidInput("Some of those people are no longer in this set; please use the latest card.")
    if expected - set(command.marks):
        raise InvalidAnswer("marks", "Please mark every member: present, apologies or absent.")
    await uow.sets.mark_attendance(sheet.meeting.id, command.marks, now=now)
    meetings = await uow.sets.meetings(sheet.set.id)
    following = next((m for m in meetings if m.number == sheet.meeting.number + 1), None)
    if following is not None and following.starts_at > now:
        following = await ensure_presenter(uow, following, now=now)
    for member_id, mark in command.marks.items():
        if mark == Mark.PRESENT:
            await notify(
                uow,
                content,
                user_id=member_id,
                category=REMINDERS,
                message=messages.actions_prompt(sheet.set, sheet.meeting),
                key=f"set:meeting:{sheet.meeting.id}:actions:{member_id}",
                now=now,
            )
    _, meeting = await get_meeting(uow, sheet.meeting.id)
    saved = AttendanceSheet(sheet.set, meeting, sheet.members, await uow.sets.attendance(meeting.id))
    presenter_mark = saved.marks.get(meeting.presenter_id) if meeting.presenter_id else None
    return AttendanceSaved(saved, following, missed_turn=presenter_mark not in (None, Mark.PRESENT))


# --- actions ---------------------------------------------------------------------------------------------------


async def _member_meeting(uow: UnitOfWork, user: User, meeting_id: int, now: datetime):
    found, meeting = await get_meeting(uow, meeting_id)
    _, members, _ = await require_in_set(uow, user, found.id)
    if not member_of(members, user):
        raise NotAllowed("Actions are each member's own.")
    if meeting.starts_at > now:
        raise InvalidInput("Actions are for after the meeting.")
    return found, meeting


async def actions_form(uow: UnitOfWork, *, user: User, meeting_id: int, content: Content, now: datetime) -> ActionsForm:
    found, meeting = await _member_meeting(uow, user, meeting_id, now)
    actions = await uow.sets.actions(found.id, user.id, meeting_id=meeting.id)
    return ActionsForm(found, meeting, actions, content.sets.rules.max_actions)


async def save_actions(
    uow: UnitOfWork, *, user: User, command: MyActions, content: Content, now: datetime
) -> ActionsForm:
    """Up to three actions ("By next time I will..."): each slot's text replaces what it held; an empty slot
    removes an open action. Actions already marked done stay as they were."""
    limit = content.sets.rules.max_actions
    found, meeting = await _member_meeting(uow, user, command.meeting_id, now)
    if len(command.texts) > limit:
        raise InvalidInput(f"Please record at most {limit} actions.")
    texts = {
        slot: clean_answer(f"action_{slot}", text, MAX_ACTION, "each action")
        for slot, text in enumerate(command.texts, start=1)
    }
    done = {a.slot for a in await uow.sets.actions(found.id, user.id, meeting_id=meeting.id) if a.done}
    await uow.sets.save_actions(
        set_id=found.id,
        meeting_id=meeting.id,
        user_id=user.id,
        texts={slot: text for slot, text in texts.items() if slot not in done},
        now=now,
    )
    return await actions_form(uow, user=user, meeting_id=meeting.id, content=content, now=now)


async def mark_action_done(
    uow: UnitOfWork, *, user: User, action_id: int, now: datetime
) -> tuple[ActionItem, bool, list[ActionItem]]:
    """(the action, whether this press marked it, the person's open actions left in that set)."""
    action = await uow.sets.get_action(action_id)
    if action is None or action.user_id != user.id:
        raise NotAllowed("That action is not yours.")
    await require_in_set(uow, user, action.set_id)
    changed = False if action.done else await uow.sets.mark_done(action.id, now=now)
    marked = await uow.sets.get_action(action.id)
    assert marked is not None
    left = [a for a in await uow.sets.actions(action.set_id, user.id) if not a.done]
    return marked, changed, left
