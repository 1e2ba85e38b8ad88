"""Telling a project's reviewers (core.kernel.nudges.notify, the nudge gate), and the category of project
service messages."""

from __future__ import annotations

from datetime import datetime

from core.kernel.content import Content
from core.kernel.model import OutboundMessage
from core.kernel.nudges import notify
from core.kernel.ports import UnitOfWork
from core.projects.model import Project

REVIEW = "projects_review"  # a project's review, approval, team and summary messages (service messages)


async def tell_reviewers(
    uow: UnitOfWork, content: Content, project: Project, message: OutboundMessage, what: str, now: datetime
) -> None:
    """The project's coach, or every admin when it has none yet, gets the message (once per project and step);
    never the project's own lead, who cannot review it."""
    reviewers = [project.coach_id] if project.coach_id else await uow.projects.admins()
    for reviewer in (r for r in reviewers if r != project.lead_id):
        await notify(
            uow,
            content,
            user_id=reviewer,
            category=REVIEW,
            message=message,
            key=f"project:{project.id}:{what}:{reviewer}",
            now=now,
        )
