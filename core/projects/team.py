"""Finding projects and joining their teams: search every registered project, ask to join a team, and the lead
accepts. Also the lists of a person's own projects."""

from __future__ import annotations

from datetime import date, datetime

from core.kernel.content import Content
from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.kernel.model import User
from core.kernel.nudges import notify
from core.kernel.ports import UnitOfWork
from core.projects.commands import ProjectQuery
from core.projects.model import OPEN_STATUSES, EvaluationRecord, PdsaCycle, Project, ProjectStatus
from core.projects.notify import REVIEW
from core.projects.ports import ProjectMessages
from core.projects.rules import can_change, field_text, get_project, is_lead

MAX_WORDS = 6


async def search_projects(
    uow: UnitOfWork, *, query: ProjectQuery, content: Content
) -> tuple[ProjectQuery, list[Project]]:
    """Registered projects (never drafts) with every word in the title, problem or aim, at a site, in a status.
    Returns the query as it was understood (short words and unknown choices dropped) and what it found."""
    words = [w for w in (query.words or "").lower().split() if len(w) >= 2][:MAX_WORDS]
    site = query.site if content.organisation.is_valid("sites", query.site) else None
    statuses = {s.value for s in ProjectStatus if s != ProjectStatus.DRAFT}
    status = query.status if query.status in statuses else None
    found = await uow.projects.search(words=words, site=site, status=status)
    return ProjectQuery(" ".join(words), site, status), found


async def my_projects(uow: UnitOfWork, *, user: User) -> list[Project]:
    """The projects the person leads or coaches, drafts included."""
    return await uow.projects.mine(user.id)


async def live_projects(uow: UnitOfWork, *, user: User) -> list[Project]:
    """The person's projects that take data now."""
    return [p for p in await uow.projects.mine(user.id) if p.live]


async def open_projects_led_by(uow: UnitOfWork, user_id: int) -> list[Project]:
    """The person's registered, not yet closed projects they lead: what other capabilities may link to (a clinic
    booking asks "which of your projects?"). Other capabilities use this, never the project tables."""
    return [p for p in await uow.projects.mine(user_id) if p.lead_id == user_id and p.status in OPEN_STATUSES]


async def ask_to_join(
    uow: UnitOfWork, *, user: User, project_id: int, content: Content, messages: ProjectMessages, now: datetime
) -> Project:
    """A colleague asks to join the team; the lead decides."""
    project = await get_project(uow, project_id)
    if project.status == ProjectStatus.DRAFT:
        raise NotFound("That project is not registered yet.")
    if can_change(user, project):
        raise InvalidInput("You can already update this project.")
    key = f"project:{project.id}:join:{user.id}"
    await notify(
        uow,
        content,
        user_id=project.lead_id,
        category=REVIEW,
        message=messages.join_request(project, user),
        key=key,
        now=now,
    )
    return project


async def accept_member(
    uow: UnitOfWork, *, user: User, project_id: int, member_id: int, role: str | None, now: datetime
) -> Project:
    project = await get_project(uow, project_id)
    if not is_lead(user, project):
        raise NotAllowed("Only the project's lead can add people to the team.")
    member = await uow.users.get(member_id)
    if member is None:
        raise NotFound("That person is no longer known to the bot.")
    role = field_text(role, "role", "their role", 120, required=False) or "Team member"
    await uow.projects.add_member(project.id, user_id=member.id, name=member.name or "Team member", role=role)
    await uow.projects.touch(project.id, now=now)
    return await get_project(uow, project.id)


async def projects_coached_by(uow: UnitOfWork, user_id: int) -> list[Project]:
    """Registered projects the person is (or was) the coach of: what a coach's evidence may link to. Other
    capabilities use this, never the project tables."""
    return [p for p in await uow.projects.mine(user_id) if p.coach_id == user_id and p.status != ProjectStatus.DRAFT]


async def project_colleagues(uow: UnitOfWork, user_id: int) -> frozenset[int]:
    """Everyone who shares a registered project with the person as its lead, coach or team member who uses the bot
    (e.g. not to be proposed as their mentor)."""
    people: set[int] = set()
    for project in await uow.projects.mine(user_id):
        if project.status != ProjectStatus.DRAFT:
            people |= {project.lead_id, *project.member_ids} | ({project.coach_id} if project.coach_id else set())
    return frozenset(people - {user_id})


async def completed_since(uow: UnitOfWork, since: datetime) -> list[Project]:
    """Completed projects last changed at or after `since`: what other capabilities may follow up with their leads
    (the forum offers "share your story"). Other capabilities use this, never the project tables."""
    return await uow.projects.completed_since(since)


async def completed_story(uow: UnitOfWork, *, user: User, project_id: int) -> tuple[Project, dict]:
    """A completed project of the person's (they lead it) with its evaluation answers (results, decision, sustain,
    lessons; empty when not written yet), for the forum's "share your story"."""
    project = await get_project(uow, project_id)
    if project.lead_id != user.id:
        raise NotAllowed("Only the project's lead can share its story.")
    if project.status != ProjectStatus.COMPLETED:
        raise InvalidInput("A story is shared once the project is completed.")
    record = await uow.projects.evaluation(project.id)
    if record is None:
        return project, {}
    # The lead's own words only: the coach's scores and comment are not part of a story shared with colleagues.
    answers = {"results": record.results, "decision": record.decision, "sustain": record.sustain}
    return project, {**answers, "spread": record.spread, "lessons": record.lessons}


async def story_chart(uow: UnitOfWork, project: Project):
    """The measure a story shows as its chart, with its points: the outcome measure, else the first measure that
    has data; None without data."""
    ordered = sorted(project.measures, key=lambda m: m.kind != "outcome")
    for measure in ordered:
        points = await uow.projects.points(measure.id)
        if points:
            return measure, points
    return None


ProjectStory = tuple[Project, list[PdsaCycle], EvaluationRecord | None, dict[int, tuple[date, float, int]]]


async def stories_led_by(uow: UnitOfWork, user_id: int) -> list[ProjectStory]:
    """The active or completed projects the person leads, with what a write-up draws on: the PDSA cycles, the
    lead's evaluation (a write-up uses the lead's words, never the coach's scores) and each measure's latest
    value. Read only; other
    capabilities use this (the celebration day's abstracts), never the project tables."""
    stories = []
    for project in await uow.projects.mine(user_id):
        if project.lead_id != user_id or project.status not in (ProjectStatus.ACTIVE, ProjectStatus.COMPLETED):
            continue
        latest = {}
        for measure in project.measures:
            points = await uow.projects.points(measure.id)
            if points:
                latest[measure.id] = (*points[-1], len(points))
        evaluation = await uow.projects.evaluation(project.id)
        stories.append((project, await uow.projects.pdsas(project.id), evaluation, latest))
    return stories
