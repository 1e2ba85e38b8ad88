"""The event jobs the scheduler runs: the feedback card after an event. (Reminders are queued when a place is
confirmed, with their own times, so they need no tick.)"""

from __future__ import annotations

from core.events.attendance import request_feedback
from core.kernel.ticks import TickSpec

TICKS = (TickSpec("events.feedback", request_feedback, every_seconds=300),)
