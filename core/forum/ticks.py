"""The forum's jobs: recording the threads posts started, escalating unanswered questions, offering stories."""

from __future__ import annotations

from core.forum.escalation import escalate
from core.forum.services import adopt_threads
from core.forum.stories import offer_stories
from core.kernel.ticks import TickSpec


async def _threads(uow, *, content, messages, now):
    return await adopt_threads(uow, now=now)


TICKS = (
    TickSpec("forum.threads", _threads, every_seconds=60),
    TickSpec("forum.escalate", escalate, every_seconds=300),
    TickSpec("forum.stories", offer_stories, cron="30 10 * * mon-fri"),
)
