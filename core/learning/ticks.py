"""The learning job: one nudge a day, at each person's chosen time, to people with questions due."""

from __future__ import annotations

from core.kernel.ticks import TickSpec
from core.learning.nudges import nudge_learners

TICKS = (TickSpec("learning.nudge", nudge_learners, cron="*/15 * * * *"),)
