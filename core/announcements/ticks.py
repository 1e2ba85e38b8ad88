"""The announcements' job: every 20 seconds, so the author's card moves about that often while sending."""

from __future__ import annotations

from core.announcements.delivery import deliver_announcements
from core.kernel.ticks import TickSpec

TICKS = (TickSpec("announcements.deliver", deliver_announcements, every_seconds=20),)
