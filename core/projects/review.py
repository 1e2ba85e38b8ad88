"""Reviewing a submitted project: its coach (or an admin) approves it, or returns it to the lead as a draft with
what should change. The lead is told either way."""

from __future__ import annotations

from datetime import datetime

from core.kernel.content import Content
from core.kernel.errors import InvalidInput, NotAllowed
from core.kernel.model import User
from core.kernel.nudges import notify
from core.kernel.ports import UnitOfWork
from core.projects.model import Project, ProjectStatus
from core.projects.notify import REVIEW
from core.projects.ports import ProjectMessages
from core.projects.rules import field_text, get_project, is_reviewer
from core.projects.wizard import REVIEW_STEP


async def _submitted(uow: UnitOfWork, user: User, project_id: int, verb: str) -> Project:
    project = await get_project(uow, project_id)
    if user.id == project.lead_id:
        raise NotAllowed(f"You lead this project, so you cannot {verb} it: its coach or a QI admin will.")
    if not is_reviewer(user, project):
        raise NotAllowed(f"Only the project's coach or a QI admin can {verb} it.")
    if project.status != ProjectStatus.SUBMITTED:
        raise InvalidInput(f"This project is {project.status.value}, so it cannot be {verb}d now.")
    return project


def _too_late(verb: str) -> InvalidInput:
    return InvalidInput(f"Someone has just reviewed this project, so it cannot be {verb}d now.")


async def approve(
    uow: UnitOfWork,
    *,
    user: User,
    project_id: int,
    comment: str | None,
    content: Content,
    messages: ProjectMessages,
    now: datetime,
) -> Project:
    project = await _submitted(uow, user, project_id, "approve")
    comment = field_text(comment, "comment", "the comment", 500, required=False)
    if not await uow.projects.mark_approved(project.id, by=user.id, comment=comment, now=now):
        raise _too_late("approve")
    project = await get_project(uow, project.id)
    await notify(
        uow,
        content,
        user_id=project.lead_id,
        category=REVIEW,
        message=messages.approved(project),
        key=f"project:{project.id}:approved",
        now=now,
    )
    return project


async def return_for_changes(
    uow: UnitOfWork,
    *,
    user: User,
    project_id: int,
    comment: str | None,
    content: Content,
    messages: ProjectMessages,
    now: datetime,
) -> Project:
    """The reviewer sends a submitted project back to its lead as a draft, saying what to change."""
    project = await _submitted(uow, user, project_id, "return")
    comment = field_text(comment, "comment", "what should change", 500)
    if not await uow.projects.mark_returned(project.id, comment=comment, wizard_step=REVIEW_STEP, now=now):
        raise _too_late("return")
    project = await get_project(uow, project.id)
    key = f"project:{project.id}:returned:{now.isoformat()}"
    await notify(
        uow, content, user_id=project.lead_id, category=REVIEW, message=messages.returned(project), key=key, now=now
    )
    return project
