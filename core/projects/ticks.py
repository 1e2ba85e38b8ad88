"""The project job: a quick-update card to the lead of a live project nobody has updated for a while."""

from __future__ import annotations

from core.kernel.ticks import TickSpec
from core.projects.progress import nudge_stale


async def _stale(uow, *, content, messages, now):
    return await nudge_stale(uow, content=content, messages=messages, now=now)


TICKS = (TickSpec("projects.stale", _stale, cron="0 10 * * mon-fri"),)
