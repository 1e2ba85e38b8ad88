"""QI clinics in chat, one module per task: `book clinic` (browse.py: the sessions, the booking form, the
confirmation), `my bookings` (bookings.py), `coach` (coach.py), an admin cancelling a session
(session_cancel.py), the attendance and feedback cards (followup.py), the messages the services send
(messages.py) and the calendar file (pages.py). How a session reads is in wording.py.

Task modules link to each other's buttons through the registered Action objects. Where two tasks link both
ways (the booking list and my bookings), they import each other as modules and name the action when a card is
built. Commands register in import order, which is the menu's order: `bookings` imports `browse` before it
registers, so "book clinic" comes before "my bookings" (tests/clinics/test_dialogs.py checks the order).
"""

from __future__ import annotations

from dialogs.clinics import admin, bookings, browse, coach, followup, session_cancel  # noqa: F401 (they register)
from dialogs.clinics.messages import ClinicCards
from dialogs.clinics.router import router

__all__ = ["ClinicCards", "router"]
