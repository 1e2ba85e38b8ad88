"""Who may do what with a project, decided here once: the services check these rules on every change, and
`project_view` returns them with the data a card shows, so no card re-derives them.

Only the lead, team members who joined through the bot, the project's coach and admins may change a project.
Everyone else sees a registered project read-only (and can ask to join its team); a draft, the coach's comment
and the evaluation are for the team, the coach and admins only.
"""

from __future__ import annotations

from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.kernel.model import Role, User
from core.kernel.ports import UnitOfWork
from core.kernel.text import clean_text
from core.projects.commands import InvalidField
from core.projects.model import EvaluationRecord, Project, ProjectStatus, ProjectView

GONE = "That project no longer exists."
CHANGE_REFUSED = "Only the project's lead, its team, its coach or a QI admin can change this project."
REVIEW_REFUSED = "Only the project's coach or a QI admin can review it, and nobody reviews their own project."


async def get_project(uow: UnitOfWork, project_id: int) -> Project:
    project = await uow.projects.get(project_id)
    if project is None:
        raise NotFound(GONE)
    return project


def field_text(
    value: object, field: str, what: str, limit: int, *, required: bool = True, missing: str | None = None
) -> str | None:
    """Free text of one field, cleaned (core.kernel.text.clean_text); a refusal names the field. `missing` is the
    sentence that asks for an empty required field ("Please give the project a title.")."""
    try:
        text = clean_text(value, limit, what)
    except InvalidInput as problem:
        raise InvalidField(field, problem.message) from None
    if required and not text:
        raise InvalidField(field, missing or f"Please fill in {what}.")
    return text


# --- the rules ----------------------------------------------------------------------------------------------------


def can_change(user: User, project: Project) -> bool:
    """The team's side: the lead, members who joined through the bot, the coach, admins."""
    return user.id in (project.lead_id, project.coach_id) or user.id in project.member_ids or user.has_role(Role.ADMIN)


def is_reviewer(user: User, project: Project) -> bool:
    """Approves, returns and scores: the project's coach or an admin, but never its lead (nobody reviews their
    own project, admins included; a lead cannot be their own coach either)."""
    if user.id == project.lead_id:
        return False
    return user.id == project.coach_id or user.has_role(Role.ADMIN)


def is_lead(user: User, project: Project) -> bool:
    """Writes the evaluation and accepts people to the team: the lead (or an admin)."""
    return user.id == project.lead_id or user.has_role(Role.ADMIN)


def can_update(user: User, project: Project) -> bool:
    return can_change(user, project) and project.live


def can_review(user: User, project: Project) -> bool:
    return project.status == ProjectStatus.SUBMITTED and is_reviewer(user, project)


def can_join(user: User, project: Project) -> bool:
    return project.status != ProjectStatus.DRAFT and not can_change(user, project)


def can_evaluate(user: User, project: Project, evaluation: EvaluationRecord | None) -> bool:
    scored = evaluation is not None and evaluation.scored
    return project.status == ProjectStatus.COMPLETED and is_lead(user, project) and not scored


def can_score(user: User, project: Project, evaluation: EvaluationRecord | None) -> bool:
    return evaluation is not None and is_reviewer(user, project)


def can_see(user: User, project: Project) -> bool:
    return project.status != ProjectStatus.DRAFT or can_change(user, project)


def require_change(user: User, project: Project) -> None:
    if not can_change(user, project):
        raise NotAllowed(CHANGE_REFUSED)


def require_live(user: User, project: Project) -> None:
    require_change(user, project)
    if not project.live:
        raise InvalidInput(f"This project is {project.status.value}: updates are for approved, active projects.")


# --- what a person sees -------------------------------------------------------------------------------------------


async def project_view(uow: UnitOfWork, *, user: User, project_id: int) -> ProjectView:
    """The project, its data, and what this person may do with it. Someone else's draft does not exist for them
    (the same answer as an id that never existed, so guessing ids reveals nothing)."""
    project = await get_project(uow, project_id)
    if not can_see(user, project):
        raise NotFound(GONE)
    insider = can_change(user, project)
    evaluation = await uow.projects.evaluation(project.id) if project.status == ProjectStatus.COMPLETED else None
    points = {m.id: await uow.projects.points(m.id) for m in project.measures}
    return ProjectView(
        project=project,
        can_edit=insider,
        can_update=can_update(user, project),
        can_review=can_review(user, project),
        can_join=can_join(user, project),
        can_evaluate=can_evaluate(user, project, evaluation),
        can_score=can_score(user, project, evaluation),
        can_resume=project.status == ProjectStatus.DRAFT and project.lead_id == user.id,
        sees_private=insider,
        points=points,
        evaluation=evaluation if insider else None,
        pdsa_count=len(await uow.projects.pdsas(project.id)) if insider else 0,
    )


async def view_to_update(uow: UnitOfWork, *, user: User, project_id: int) -> ProjectView:
    """For the update forms (data, score, PDSA, close): shown only to those who may send them."""
    view = await project_view(uow, user=user, project_id=project_id)
    require_live(user, view.project)
    return view


async def view_to_review(uow: UnitOfWork, *, user: User, project_id: int) -> ProjectView:
    view = await project_view(uow, user=user, project_id=project_id)
    if not is_reviewer(user, view.project):
        raise NotAllowed(REVIEW_REFUSED)
    if not view.can_review:
        raise InvalidInput(f"This project is {view.project.status.value}, so there is nothing to review now.")
    return view


async def view_to_evaluate(uow: UnitOfWork, *, user: User, project_id: int) -> ProjectView:
    view = await project_view(uow, user=user, project_id=project_id)
    if not view.can_evaluate:
        raise NotAllowed("Only the lead of a completed project writes its evaluation, until the coach scores it.")
    return view


async def view_to_score(uow: UnitOfWork, *, user: User, project_id: int) -> ProjectView:
    view = await project_view(uow, user=user, project_id=project_id)
    if not view.can_score:
        raise NotAllowed("Only the project's coach or a QI admin can score its evaluation, once it is written.")
    return view
