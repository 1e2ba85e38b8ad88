"""Announcements in chat: composing, previewing and sending (compose.py), the author's progress card and its
buttons (manage.py, views.py, cards.py), the per-person status files (pages.py), and what the tick sends
(messages.py)."""

from __future__ import annotations

from dialogs.announcements import compose, manage  # noqa: F401 (their handlers register)
from dialogs.announcements.messages import AnnouncementCards
from dialogs.announcements.router import router

__all__ = ["AnnouncementCards", "router"]
