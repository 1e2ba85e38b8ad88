"""Telling people about a project: one message to one person, through the nudge gate."""

from __future__ import annotations

from datetime import datetime

from core.kernel.content import Content
from core.kernel.model import OutboundMessage
from core.kernel.nudges import enqueue_nudge
from core.kernel.ports import UnitOfWork
from core.projects.model import Project


async def tell(
    uow: UnitOfWork, content: Content, user_id: int, message: OutboundMessage, key: str, now: datetime
) -> None:
    """Queue one project message (category projects_review), once per dedupe key."""
    await enqueue_nudge(
        uow, rules=content.nudges, user_id=user_id, category="projects_review", message=message, dedupe_key=key, now=now
    )


async def tell_reviewers(
    uow: UnitOfWork, content: Content, project: Project, message: OutboundMessage, what: str, now: datetime
) -> None:
    """The project's coach, or every admin when it has none yet, gets the message (once per project and step);
    never the project's own lead, who cannot review it."""
    reviewers = [project.coach_id] if project.coach_id else await uow.projects.admins()
    for reviewer in (r for r in reviewers if r != project.lead_id):
        await tell(uow, content, reviewer, message, f"project:{project.id}:{what}:{reviewer}", now)
