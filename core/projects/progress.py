"""Progress on a live project: the IHI progress score, PDSA cycles, data points and how each measure is charted;
and the nudge to the lead of a project nobody has updated for a while."""

from __future__ import annotations

import math
from datetime import date, datetime

from core.kernel.content import Content
from core.kernel.errors import InvalidInput, NotFound
from core.kernel.model import User
from core.kernel.nudges import enqueue_nudge
from core.kernel.ports import UnitOfWork
from core.projects.commands import ChartSetting, DataPoint, InvalidField, Pdsa
from core.projects.model import Measure, PdsaCycle, Project, ProjectStatus
from core.projects.ports import ProjectMessages
from core.projects.rules import field_text, get_project, require_change, require_live

ACTS = ("adopt", "adapt", "abandon")
CHARTS = ("run", "xmr")
IMPROVEMENTS = ("increase", "decrease")


async def _activity(uow: UnitOfWork, user: User, project_id: int, now: datetime) -> Project:
    """Any progress update: allowed for the team on a live project; the first one makes it active."""
    project = await get_project(uow, project_id)
    require_live(user, project)
    if not (project.status == ProjectStatus.APPROVED and await uow.projects.mark_active(project.id, now=now)):
        await uow.projects.touch(project.id, now=now)
    return await get_project(uow, project.id)


async def set_score(
    uow: UnitOfWork, *, user: User, project_id: int, score: float | None, content: Content, now: datetime
) -> Project:
    if score not in {s for s, _ in content.projects.progress_scores}:
        raise InvalidField("score", "Please choose a progress score from 0.5 to 5.0.")
    project = await _activity(uow, user, project_id, now)
    await uow.projects.set_progress_score(project.id, score, now=now)
    return await get_project(uow, project.id)


async def log_pdsa(uow: UnitOfWork, *, user: User, project_id: int, cycle: Pdsa, now: datetime) -> PdsaCycle:
    clean = Pdsa(
        plan=field_text(cycle.plan, "plan", "the plan", 1000),
        prediction=field_text(cycle.prediction, "prediction", "your prediction (what you expect to happen)", 500),
        do=field_text(cycle.do, "do", "what happened", 1000, required=False),
        study=field_text(cycle.study, "study", "what you learned", 1000, required=False),
        act=cycle.act or None,
    )
    if clean.act is not None and clean.act not in ACTS:
        raise InvalidField("act", "Act is adopt, adapt or abandon.")
    project = await _activity(uow, user, project_id, now)
    cycle_id = await uow.projects.add_pdsa(project.id, clean, by=user.id, now=now)
    return next(c for c in await uow.projects.pdsas(project.id) if c.id == cycle_id)


async def _measure(uow: UnitOfWork, project_id: int | None, measure_id: int) -> Measure:
    measure = await uow.projects.measure(measure_id)
    if measure is None:
        raise NotFound("That measure no longer exists.")
    if project_id is not None and measure.project_id != project_id:
        raise InvalidField("measure_id", "That measure is not part of this project.")
    return measure


async def add_data(
    uow: UnitOfWork, *, user: User, point: DataPoint, now: datetime, project_id: int | None = None
) -> Measure:
    """A value of one measure on one day (a second value for the same day replaces the first). With `project_id`
    (the project the card was about) the measure must be one of that project's."""
    measure = await _measure(uow, project_id, point.measure_id)
    require_change(user, await get_project(uow, measure.project_id))
    if point.on is None:
        raise InvalidField("on", "Please give the date of the data point.")
    if point.on > now.date():
        raise InvalidField("on", "The date of a data point cannot be in the future.")
    if point.value is None:
        raise InvalidField("value", "Please give the value as a number, e.g. 4 or 12.5.")
    if not math.isfinite(point.value) or abs(point.value) > 1e9:
        raise InvalidField("value", "Please give a sensible number.")
    await _activity(uow, user, measure.project_id, now)
    await uow.projects.add_point(measure.id, on=point.on, value=point.value, now=now)
    return measure


async def set_chart(uow: UnitOfWork, *, user: User, setting: ChartSetting, now: datetime) -> Measure:
    measure = await _measure(uow, None, setting.measure_id)
    require_change(user, await get_project(uow, measure.project_id))
    if setting.chart not in CHARTS or setting.improvement not in IMPROVEMENTS:
        raise InvalidInput("Choose a run chart or an XmR chart, and whether higher or lower is better.")
    await uow.projects.set_measure_chart(measure.id, chart=setting.chart, improvement=setting.improvement)
    return await uow.projects.measure(measure.id)


async def chart_data(uow: UnitOfWork, *, measure_id: int) -> tuple[Measure, list[tuple[date, float]]] | None:
    """A measure and its points, for its chart image; None when it has none."""
    measure = await uow.projects.measure(measure_id)
    points = await uow.projects.points(measure.id) if measure else []
    return (measure, points) if measure is not None and points else None


async def nudge_stale(uow: UnitOfWork, *, content: Content, messages: ProjectMessages, now: datetime) -> int:
    """Tick: a live project with no update for 30 days gets its lead one quick-update card (once per lull)."""
    queued = 0
    for project in await uow.projects.stale(updated_before=now - content.projects.stale_after):
        lull = project.updated_at.date().isoformat()
        decision = await enqueue_nudge(
            uow,
            rules=content.nudges,
            user_id=project.lead_id,
            category="projects",
            message=messages.stale(project),
            dedupe_key=f"project:{project.id}:stale:{lull}",
            now=now,
        )
        queued += decision.enqueued
    return queued
