"""Closing a project and evaluating it: the lead writes results against the aim, the decision, what will sustain
the change, spread plans and lessons; the coach scores a rubric; the lead gets a one-page summary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from core.kernel.content import Content
from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.kernel.model import User
from core.kernel.nudges import notify
from core.kernel.ports import UnitOfWork
from core.projects.commands import Evaluation, InvalidField, Rubric
from core.projects.model import RUBRIC, EvaluationRecord, PdsaCycle, Project, ProjectStatus, Scores
from core.projects.notify import REVIEW, tell_reviewers
from core.projects.ports import ProjectMessages
from core.projects.progress import ACTS
from core.projects.rules import field_text, get_project, is_lead, is_reviewer, require_change


async def close(uow: UnitOfWork, *, user: User, project_id: int, completed: bool, now: datetime) -> Project:
    project = await get_project(uow, project_id)
    require_change(user, project)
    if not project.live:
        raise InvalidInput(f"This project is {project.status.value}: only a live project can be closed.")
    status = ProjectStatus.COMPLETED if completed else ProjectStatus.STOPPED
    if not await uow.projects.mark_closed(project.id, status, now=now):
        raise InvalidInput("Someone has just closed this project.")
    return await get_project(uow, project.id)


async def submit_evaluation(
    uow: UnitOfWork,
    *,
    user: User,
    project_id: int,
    evaluation: Evaluation,
    content: Content,
    messages: ProjectMessages,
    now: datetime,
) -> EvaluationRecord:
    """The lead's end-of-project evaluation; the coach (or the admins) are asked to score it."""
    project = await get_project(uow, project_id)
    if not is_lead(user, project):
        raise NotAllowed("Only the project's lead can write its evaluation.")
    if project.status != ProjectStatus.COMPLETED:
        raise InvalidInput("The evaluation is written when a project is completed.")
    existing = await uow.projects.evaluation(project.id)
    if existing is not None and existing.scored:
        raise InvalidInput("This evaluation has already been scored by the coach, so it can no longer change.")
    clean = Evaluation(
        results=field_text(evaluation.results, "results", "the results against your aim", 2000),
        decision=evaluation.decision,
        sustain=field_text(evaluation.sustain, "sustain", "what will sustain the change", 2000),
        spread=field_text(evaluation.spread, "spread", "your spread plans", 2000, required=False),
        lessons=field_text(evaluation.lessons, "lessons", "your lessons", 2000),
    )
    if clean.decision not in ACTS:
        raise InvalidField("decision", "Please choose adopt, adapt or abandon.")
    await uow.projects.save_evaluation(project.id, clean, now=now)
    await tell_reviewers(uow, content, project, messages.evaluation_request(project), "evaluate", now)
    return await uow.projects.evaluation(project.id)


async def score_evaluation(
    uow: UnitOfWork,
    *,
    user: User,
    project_id: int,
    rubric: Rubric,
    content: Content,
    messages: ProjectMessages,
    now: datetime,
) -> EvaluationRecord:
    project = await get_project(uow, project_id)
    if user.id == project.lead_id:
        raise NotAllowed("You lead this project, so its coach or a QI admin scores its evaluation.")
    if not is_reviewer(user, project):
        raise NotAllowed("Only the project's coach or a QI admin can score its evaluation.")
    if await uow.projects.evaluation(project.id) is None:
        raise InvalidInput("The lead has not written the evaluation yet.")
    scores = {}
    for key, label in RUBRIC:
        value = rubric.scores.get(key)
        if value is None or not 1 <= value <= 4:
            raise InvalidField(key, f"Please score '{label}' from 1 to 4.")
        scores[key] = value
    comment = field_text(rubric.comment, "comment", "the comment", 1000, required=False)
    await uow.projects.score_evaluation(project.id, Scores(**scores), comment=comment, by=user.id, now=now)
    await notify(
        uow,
        content,
        user_id=project.lead_id,
        category=REVIEW,
        message=messages.summary_ready(project),
        key=f"project:{project.id}:summary",
        now=now,
    )
    return await uow.projects.evaluation(project.id)


@dataclass(frozen=True)
class Summary:
    """What the one-page summary shows."""

    project: Project
    pdsas: list[PdsaCycle]
    evaluation: EvaluationRecord | None
    points: dict[int, list[tuple[date, float]]]


async def project_summary(uow: UnitOfWork, *, project_id: int) -> Summary:
    """For the summary page behind its signed link (the link is the permission: it was given to the team)."""
    project = await uow.projects.get(project_id)
    if project is None:
        raise NotFound("This project no longer exists.")
    return Summary(
        project=project,
        pdsas=await uow.projects.pdsas(project.id),
        evaluation=await uow.projects.evaluation(project.id),
        points={m.id: await uow.projects.points(m.id) for m in project.measures},
    )
