"""What the announcements' tick sends: each person's copy and the author's progress card; and, when configured,
the Graph installer for people without the app."""

from __future__ import annotations

from typing import Any

from core.announcements.model import Announcement, Progress
from core.announcements.ports import AppInstaller
from core.kernel.content import Content
from core.kernel.model import Role, User
from core.kernel.roles import effective_roles
from dialogs.announcements import views


class AnnouncementCards:
    def __init__(
        self,
        content: Content,
        links: Any = None,
        installer: AppInstaller | None = None,
        admins: frozenset[str] = frozenset(),
    ) -> None:
        self.content = content
        self.links = links
        self.installer = installer
        self.admins = admins  # configured admins (QIBOT_ADMINS), who see the per-person status button

    def announcement_card(self, announcement: Announcement) -> dict:
        return views.the_card(self.content, announcement)

    def progress_card(self, announcement: Announcement, progress: Progress, now=None, author: User | None = None):
        admin = author is not None and Role.ADMIN in effective_roles(author, self.admins)
        return views.progress_card(self.content, announcement, progress, now, admin=admin)
