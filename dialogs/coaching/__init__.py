"""The coach and mentor network in chat, one module per task: `my coaching route` (route.py: progress, evidence,
asking for promotion), finding a mentor (mentoring.py), `coaching reviews` (reviews.py: sign-off, return,
confirming promotions), `coaching report` (report.py) and the messages the services send (messages.py).

mentoring.py imports route.py before anything registers, so "my coaching route" leads the menu."""

from __future__ import annotations

from dialogs.coaching import mentoring, report, reviews, route  # noqa: F401 (their handlers register)
from dialogs.coaching.messages import CoachingCards
from dialogs.coaching.router import router

__all__ = ["CoachingCards", "router"]
