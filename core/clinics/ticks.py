"""The clinic jobs the scheduler runs: attendance cards after sessions, feedback requests, the nightly sync."""

from __future__ import annotations

from core.clinics.followup import request_attendance, request_feedback
from core.clinics.sessions import sync_clinics
from core.kernel.ticks import TickSpec


async def _sync(uow, *, content, messages, now):
    return await sync_clinics(uow, content=content, now=now)


TICKS = (
    TickSpec("clinics.attendance", request_attendance, every_seconds=300),
    TickSpec("clinics.feedback", request_feedback, every_seconds=300),
    TickSpec("clinics.sync", _sync, cron="0 2 * * *"),
)
