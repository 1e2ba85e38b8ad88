"""The coaching job the scheduler runs: mentoring check-ins."""

from __future__ import annotations

from core.coaching.mentoring import check_ins
from core.kernel.ticks import TickSpec

TICKS = (TickSpec("coaching.check_ins", check_ins, cron="0 9 * * *"),)
