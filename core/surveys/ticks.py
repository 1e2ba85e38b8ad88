"""The survey jobs the scheduler runs: the micro-learning triggers, invitations, reminders."""

from __future__ import annotations

from core.kernel.ticks import TickSpec
from core.surveys.delivery import learning_triggers, remind_non_responders, send_invitations

TICKS = (
    TickSpec("surveys.learning_triggers", learning_triggers, cron="7 * * * *"),
    TickSpec("surveys.invitations", send_invitations, every_seconds=300),
    TickSpec("surveys.reminders", remind_non_responders, cron="*/30 * * * *"),
)
