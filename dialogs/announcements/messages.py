"""What the announcements' tick sends: each person's copy and the author's progress card; and, when configured,
the Graph installer for people without the app."""

from __future__ import annotations

from typing import Any

from core.announcements.model import Announcement, Progress
from core.announcements.ports import AppInstaller
from core.kernel.content import Content
from dialogs.announcements import views


class AnnouncementCards:
    def __init__(self, content: Content, links: Any = None, installer: AppInstaller | None = None) -> None:
        self.content = content
        self.links = links
        self.installer = installer

    def announcement_card(self, announcement: Announcement) -> dict:
        return views.the_card(self.content, announcement)

    def progress_card(self, announcement: Announcement, progress: Progress, now=None) -> dict:
        return views.progress_card(self.content, announcement, progress, now)
