"""The event jobs the scheduler runs: none. Reminders are queued when a place is confirmed, with their own times,
and the feedback after an event is the surveys capability's (its tick sends the invitations bot/hooks.py makes
from the events' hooks)."""

from __future__ import annotations

from core.kernel.ticks import TickSpec

TICKS: tuple[TickSpec, ...] = ()
