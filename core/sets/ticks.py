"""The set jobs the scheduler runs: reminders and presenter prompts, and the "did it happen?" check."""

from __future__ import annotations

from core.kernel.ticks import TickSpec
from core.sets.reminders import check_attendance, queue_reminders

TICKS = (
    TickSpec("sets.reminders", queue_reminders, every_seconds=600),
    TickSpec("sets.attendance_check", check_attendance, every_seconds=3600),
)
