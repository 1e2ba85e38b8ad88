"""What the set ticks queue: the week-before and day-before reminders (with the member's open actions), the
presenter's prompt three days before, and the facilitator's "did it happen?" when attendance is still not
recorded two days after a meeting. Each is built shortly before it is due (so it shows what is true then), at
its exact local time, once (its dedupe key)."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.kernel.content import Content
from core.kernel.nudges import notify
from core.kernel.ports import UnitOfWork
from core.sets.ports import SetMessages
from core.sets.schedule import days_before, reminder_times
from core.sets.services import REMINDERS, UPDATES, ensure_presenter

HORIZON = timedelta(days=1)  # a reminder is queued up to a day before its time
GRACE = timedelta(hours=12)  # one whose time passed longer ago (the scheduler was down) is not sent late
LOOK_AHEAD = timedelta(days=8)  # the week-before reminder is the earliest
CHECK_LOOK_BACK = timedelta(days=7)


def _window(at: datetime, now: datetime) -> bool:
    return now - GRACE < at <= now + HORIZON


async def queue_reminders(uow: UnitOfWork, *, content: Content, messages: SetMessages, now: datetime) -> int:
    rules, tz = content.sets.rules, content.organisation.timezone
    queued = 0
    for meeting in await uow.sets.starting_between(now, now + LOOK_AHEAD + HORIZON):
        found = await uow.sets.get_set(meeting.set_id)
        if found is None:
            continue
        meeting = await ensure_presenter(uow, meeting, now=now)
        people = [m.user_id for m in await uow.sets.members(found.id)] + [found.facilitator_id]
        for user_id in people:
            hours = (await uow.preferences.get(user_id)).hours
            for which, at in reminder_times(meeting.starts_at, rules.reminder_time, tz, hours).items():
                if not (_window(at, now) and at < meeting.starts_at):
                    continue
                actions = [a for a in await uow.sets.actions(found.id, user_id) if not a.done]
                queued += await notify(
                    uow,
                    content,
                    user_id=user_id,
                    category=REMINDERS,
                    message=messages.reminder(found, meeting, which, actions, user_id),
                    key=f"set:meeting:{meeting.id}:{which}:{user_id}",
                    now=now,
                    not_before=at,
                )
            if user_id == meeting.presenter_id:
                at = days_before(meeting.starts_at, rules.presenter_prompt_days, rules.reminder_time, tz, hours)
                if _window(at, now):
                    queued += await notify(
                        uow,
                        content,
                        user_id=user_id,
                        category=REMINDERS,
                        message=messages.presenter_prompt(found, meeting),
                        key=f"set:meeting:{meeting.id}:prompt:{user_id}",
                        now=now,
                        not_before=at,
                    )
    return queued


async def check_attendance(uow: UnitOfWork, *, content: Content, messages: SetMessages, now: datetime) -> int:
    """Two days after a meeting with no attendance recorded, its facilitator is asked whether it happened."""
    after = timedelta(days=content.sets.rules.attendance_check_days)
    queued = 0
    for meeting in await uow.sets.ended_between(now - after - CHECK_LOOK_BACK, now - after):
        found = await uow.sets.get_set(meeting.set_id)
        if found is None or meeting.attendance_recorded:
            continue
        queued += await notify(
            uow,
            content,
            user_id=found.facilitator_id,
            category=UPDATES,
            message=messages.attendance_check(found, meeting),
            key=f"set:meeting:{meeting.id}:check",
            now=now,
        )
    return queued
