"""Action learning sets in chat, one module per task: `new set` (create.py: the details, the members found by
name, creating it), `my sets` (mine.py: each set, its next meeting, presenter and the person's actions, one set in
full, leaving), the meeting around it (meeting.py: the presenter's issue, swaps, attendance, actions), `sets
report` (report.py), the messages the services send (messages.py) and the calendar file (pages.py). How a set
reads is in wording.py.

Commands register in import order, which is the menu's order: create.py imports mine.py before it registers, so
"my sets" (the one every member uses) comes before "new set" (tests/sets/test_dialogs.py checks the order)."""

from __future__ import annotations

from dialogs.sets import create, meeting, mine, report  # noqa: F401 (their handlers register)
from dialogs.sets.messages import SetCards
from dialogs.sets.router import router

__all__ = ["SetCards", "router"]
