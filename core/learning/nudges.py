"""The daily learning nudge: one a day, at each person's chosen time, to people with questions due."""

from __future__ import annotations

from datetime import datetime

from core.kernel.content import Content
from core.kernel.nudges import Nudge, notify_many
from core.kernel.ports import UnitOfWork
from core.kernel.working_hours import local_day_bounds
from core.learning.ports import LearningMessages


async def nudge_learners(uow: UnitOfWork, *, content: Content, now: datetime, messages: LearningMessages) -> int:
    """Tick: people with questions due today who have not practised today get one nudge at their preferred
    time, through the single nudge gate (quiet hours, budget, pause, opt-out)."""
    tz = content.organisation.timezone
    day_start, day_end = local_day_bounds(now, tz)
    # Not those who practised today, nor those already nudged today, and each one's nudge time with the listing:
    # a few queries for all of them, not several per learner (issue 16).
    today = now.astimezone(tz).date()
    default = content.learning.rules.default_nudge_time
    listed = await uow.learning.learners_due_at(due_before=day_end, not_practised_since=day_start)
    due = [
        (user_id, due_count, at)
        for user_id, due_count, learning_time in listed
        # not yet: queued once their time has come, so practice before then still counts
        if now >= (at := datetime.combine(today, learning_time or default, tzinfo=tz))
    ]
    key = {user_id: f"learning:{user_id}:{today.isoformat()}" for user_id, *_ in due}
    done = await uow.outbox.queued(list(key.values()))
    cap = content.learning.rules.daily_review_cap
    nudges = [
        Nudge(
            user_id=user_id,
            category="learning",
            message=messages.nudge(min(due_count, cap)),
            key=key[user_id],
            not_before=at.astimezone(now.tzinfo),
        )
        for user_id, due_count, at in due
        if key[user_id] not in done
    ]
    # through the gate together: a few queries for all of them, the same decisions as one by one
    return sum(d.enqueued for d in await notify_many(uow, content, nudges, now=now))


def nudge_text(content: Content, count: int) -> str:
    """The nudge's words: how many questions, and about half a minute each."""
    return content.learning.rules.nudge_message.format(count=count, minutes=max(1, round(count * 0.5)))
