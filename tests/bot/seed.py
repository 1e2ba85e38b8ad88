"""A populated database for the bot tests: the demo people, projects, clinic sessions and bookings."""

from __future__ import annotations

from core.clinics.services import bookable_sessions
from storage.demo import load_demo


async def demo_world(uows, content, now) -> int:
    """Loads the demo data; returns the id of a clinic session with seats left."""
    async with uows() as uow:
        await load_demo(uow, content, now=now)
    async with uows() as uow:
        sessions = await bookable_sessions(uow, site=None, content=content, now=now)
    return next(s.id for s in sessions if s.seats_left > 0 and s.status.value == "scheduled")
