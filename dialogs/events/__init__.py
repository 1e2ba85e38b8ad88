"""Courses and events in chat, one module per task: `events` (browse.py: what is open by site and month, the
registration form, the confirmation with calendar files), `my events` (mine.py: places and cancelling),
`manage events` (manage.py, for the faculty: create and edit events, places and waitlists), the register per
date and the check-in screen (register.py), checking in from the QR code and the feedback card (checkin.py),
`submit abstract` (abstracts.py), `judge` and the admins' judges and results (judging.py), `vote` (vote.py),
`events report` (reports.py), the messages the services send (messages.py) and the pages behind signed links:
calendar files, the check-in screen, attendee exports (pages.py). How an event reads is in wording.py.

Commands register in import order, which is the menu's order: every task module imports `browse` before it
registers, and `browse` imports the others only when it builds a card, so "events" is the first command (the
menu's button for the capability; tests/events/test_dialogs.py checks it).
"""

from __future__ import annotations

from dialogs.events import (  # noqa: F401 (their handlers register)
    abstracts,
    browse,
    checkin,
    judging,
    manage,
    mine,
    posters,
    register,
    reports,
    vote,
)
from dialogs.events.messages import EventCards
from dialogs.events.router import router

__all__ = ["EventCards", "router"]
