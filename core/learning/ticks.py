"""The learning job: one nudge a day, at each person's chosen time, to people with questions due."""

from __future__ import annotations

from core.kernel.ticks import TickSpec
from core.learning.services import nudge_learners


async def _nudge(uow, *, content, messages, now):
    return await nudge_learners(uow, content=content, now=now, message_for=messages.nudge)


TICKS = (TickSpec("learning.nudge", _nudge, cron="*/15 * * * *"),)
