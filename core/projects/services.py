"""The QI project register: a five-step wizard kept as a draft, governance triage, similar projects,
approval, progress (IHI score, PDSA cycles, data) and who may change what.

Only the lead, team members who joined through the bot, the project's coach and admins may change a project;
everyone else gets a read-only summary (and can ask to join the team).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime

from core.kernel.content import Content
from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.kernel.model import Role, User
from core.kernel.nudges import enqueue_nudge
from core.kernel.ports import UnitOfWork
from core.projects.model import OPEN_STATUSES, Measure, PdsaCycle, Project, ProjectStatus, TeamMember

STEPS = 5
REVIEW_STEP = 6
ACTS = ("adopt", "adapt", "abandon")
STOP_WORDS = frozenset(
    "a an and the of for to in on by at with from our we reduce improve increase decrease project ward wards "
    "patients patient staff hospital time times number rate within per".split()
)


def can_change(user: User, project: Project) -> bool:
    return user.id in (project.lead_id, project.coach_id) or user.id in project.member_ids or user.has_role(Role.ADMIN)


def _require_change(user: User, project: Project) -> None:
    if not can_change(user, project):
        raise NotAllowed("Only the project's lead, its team, its coach or a QI admin can change this project.")


async def get_project(uow: UnitOfWork, project_id: int) -> Project:
    project = await uow.projects.get(project_id)
    if project is None:
        raise NotFound("That project no longer exists.")
    return project


def _text(value, what: str, limit: int, *, required: bool = True) -> str | None:
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise InvalidInput(f"Please fill in {what}.")
    if len(text) > limit:
        raise InvalidInput(f"Please keep {what} to {limit} characters.")
    return text or None


# --- the wizard --------------------------------------------------------------------------------------------------


async def start_or_resume(uow: UnitOfWork, *, user: User, now: datetime) -> tuple[Project, bool]:
    """The person's unfinished draft (resumed: True), or a new one."""
    draft = await uow.projects.latest_draft(user.id)
    if draft is not None:
        return draft, True
    return await uow.projects.create_draft(user.id, now=now), False


async def _draft(uow: UnitOfWork, user: User, project_id: int) -> Project:
    project = await get_project(uow, project_id)
    if project.lead_id != user.id:
        raise NotAllowed("This draft belongs to someone else.")
    if project.status != ProjectStatus.DRAFT:
        raise InvalidInput("This project has already been submitted. Type **my projects** to see it.")
    return project


async def _advance(uow: UnitOfWork, project: Project, step: int, now: datetime) -> Project:
    project = replace(project, wizard_step=max(project.wizard_step, step + 1))
    await uow.projects.save(project, now=now)
    return await get_project(uow, project.id)


async def save_basics(uow, *, user: User, project_id: int, data: dict, content: Content, now: datetime) -> Project:
    project = await _draft(uow, user, project_id)
    rules, org = content.projects, content.organisation
    title = _text(data.get("title"), "the title", 120)
    problem = _text(data.get("problem"), "the problem", 2000)
    if len(problem.split()) > rules.problem_max_words:
        raise InvalidInput(f"Please describe the problem in at most {rules.problem_max_words} words.")
    site, division, aim = data.get("site"), data.get("division"), data.get("strategic_aim")
    if not org.is_valid("sites", site):
        raise InvalidInput("Please choose the site.")
    if not any(c.id == division for c in rules.divisions):
        raise InvalidInput("Please choose the division or specialty.")
    if not any(c.id == aim for c in rules.strategic_aims):
        raise InvalidInput("Please choose the trust strategic aim it supports.")
    project = replace(project, title=title, problem=problem, site=site, division=division, strategic_aim=aim)
    return await _advance(uow, project, 1, now)


def aim_hints(how_much: str | None, by: date | None) -> list[str]:
    hints = []
    if not how_much or not re.search(r"\d", how_much):
        hints.append("Add a number to 'how much', e.g. 'from 12 to 6 a month' or 'by 50%'.")
    if by is None:
        hints.append("Add a date to 'by when': an aim without a deadline is hard to test.")
    return hints


async def save_aim(uow, *, user: User, project_id: int, data: dict, now: datetime) -> Project:
    project = await _draft(uow, user, project_id)
    what = _text(data.get("aim_what"), "what will improve", 200)
    who = _text(data.get("aim_who"), "for whom", 200, required=False)
    how_much = _text(data.get("aim_how_much"), "how much", 200, required=False)
    try:
        by = date.fromisoformat(str(data.get("aim_by") or ""))
    except ValueError:
        by = None
    hints = aim_hints(how_much, by)
    if hints:
        raise InvalidInput("A SMART aim is specific and measurable: " + " ".join(hints))
    if by <= now.date():
        raise InvalidInput("'By when' must be a date in the future.")
    project = replace(project, aim_what=what, aim_who=who, aim_how_much=how_much, aim_by=by)
    return await _advance(uow, project, 2, now)


def parse_team(text: str | None, limit: int) -> list[TeamMember]:
    """One person a line: 'Name - role' (or 'Name, role')."""
    members = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        parts = re.split(r"\s[-–]\s|,", line, maxsplit=1)
        name = parts[0].strip()
        role = parts[1].strip() if len(parts) > 1 and parts[1].strip() else "Team member"
        if len(name) > 120 or len(role) > 120:
            raise InvalidInput("Please keep each team member's name and role short.")
        members.append(TeamMember(name, role))
    if len(members) > limit:
        raise InvalidInput(f"A QI team works best with 5 to 8 people; list at most {limit}.")
    return members


async def save_team(uow, *, user: User, project_id: int, data: dict, content: Content, now: datetime) -> Project:
    project = await _draft(uow, user, project_id)
    team = parse_team(data.get("team"), content.projects.team_max)
    sponsor = _text(data.get("sponsor"), "the sponsor", 120)
    choice = str(data.get("coach") or "")
    coaches = dict(await uow.projects.coaches(None))
    if choice == "find":
        coach_id, needs = None, True
    else:
        try:
            coach_id = int(choice)
        except ValueError:
            raise InvalidInput("Please choose a coach, or 'please find me a coach'.") from None
        if coach_id not in coaches:
            raise InvalidInput("That person is not a QI coach; please choose from the list.")
        needs = False
    await uow.projects.set_team(project.id, team)
    project = replace(project, sponsor=sponsor, coach_id=coach_id, needs_coach=needs)
    return await _advance(uow, project, 3, now)


async def save_measures(uow, *, user: User, project_id: int, data: dict, now: datetime) -> Project:
    project = await _draft(uow, user, project_id)
    measures: list[tuple[str, str, str]] = []
    for key, kind, required in (
        ("outcome", "outcome", True),
        ("process1", "process", True),
        ("process2", "process", False),
        ("process3", "process", False),
        ("balancing", "balancing", True),
    ):
        name = _text(data.get(f"{key}_name"), f"the {kind} measure", 120, required=required)
        definition = _text(
            data.get(f"{key}_definition"), f"how the {kind} measure is defined", 500, required=required or bool(name)
        )
        if name:
            measures.append((kind, name, definition))
    await uow.projects.set_measures(project.id, measures)
    return await _advance(uow, project, 4, now)


def triage(answers: dict, content: Content) -> str:
    """QI, audit, service evaluation or research (HRA definitions): the first 'yes' decides."""
    for question in content.projects.governance:
        value = str(answers.get(f"gov_{question.id}", "")).lower()
        if value not in ("yes", "no"):
            raise InvalidInput("Please answer all three questions.")
        if value == "yes":
            return question.id
    return "qi"


async def save_governance(uow, *, user: User, project_id: int, data: dict, content: Content, now: datetime) -> Project:
    project = await _draft(uow, user, project_id)
    project = replace(project, governance=triage(data, content))
    return await _advance(uow, project, 5, now)


def missing_steps(project: Project) -> list[int]:
    missing = []
    if not (project.title and project.site and project.division and project.strategic_aim):
        missing.append(1)
    if not project.aim:
        missing.append(2)
    if not project.sponsor or not (project.coach_id or project.needs_coach):
        missing.append(3)
    if not any(m.kind == "outcome" for m in project.measures):
        missing.append(4)
    if not project.governance:
        missing.append(5)
    return missing


def _words(project: Project) -> set[str]:
    text = f"{project.title or ''} {project.aim_what or ''} {project.problem or ''}".lower()
    return {w for w in re.findall(r"[a-z]{3,}", text) if w not in STOP_WORDS}


async def similar_projects(uow: UnitOfWork, *, project: Project, limit: int = 3) -> list[tuple[Project, float]]:
    """Registered projects at any site whose title, aim and problem share the most words with this one."""
    mine = _words(project)
    scored = []
    for other in await uow.projects.registered(exclude=project.id):
        theirs = _words(other)
        if mine and theirs:
            overlap = len(mine & theirs) / len(mine | theirs)
            if overlap >= 0.15:
                scored.append((other, overlap))
    return sorted(scored, key=lambda pair: -pair[1])[:limit]


async def submit(uow, *, user: User, project_id: int, content: Content, now: datetime, message_for) -> Project:
    project = await _draft(uow, user, project_id)
    missing = missing_steps(project)
    if missing:
        raise InvalidInput(f"Please complete step {missing[0]} of {STEPS} first.")
    if project.governance == "research":
        raise NotAllowed(next(g.signpost for g in content.projects.governance if g.id == "research"))
    await uow.projects.set_status(project.id, ProjectStatus.SUBMITTED, now=now, submitted_at=now)
    project = await get_project(uow, project.id)
    await _tell_reviewers(uow, content, project, message_for(project), "review", now)
    return project


async def _tell(uow, content: Content, user_id: int, message, key: str, now: datetime) -> None:
    """Queue one project message to one person, through the nudge gate (category projects_review)."""
    await enqueue_nudge(
        uow, rules=content.nudges, user_id=user_id, category="projects_review", message=message, dedupe_key=key, now=now
    )


async def _tell_reviewers(uow, content: Content, project: Project, message, what: str, now: datetime) -> None:
    """The project's coach, or every admin when it has none yet, gets the message (once per project and step)."""
    reviewers = [project.coach_id] if project.coach_id else await uow.projects.admins()
    for reviewer in reviewers:
        await _tell(uow, content, reviewer, message, f"project:{project.id}:{what}:{reviewer}", now)


async def approve(
    uow, *, user: User, project_id: int, comment: str | None, content: Content, now: datetime, message_for
) -> Project:
    project = await get_project(uow, project_id)
    if not (user.id == project.coach_id or user.has_role(Role.ADMIN)):
        raise NotAllowed("Only the project's coach or a QI admin can approve it.")
    if project.status != ProjectStatus.SUBMITTED:
        raise InvalidInput(f"This project is {project.status.value}, so it cannot be approved now.")
    comment = _text(comment, "the comment", 500, required=False)
    await uow.projects.set_status(
        project.id, ProjectStatus.APPROVED, now=now, approved_at=now, approved_by=user.id, approval_comment=comment
    )
    project = await get_project(uow, project.id)
    await _tell(uow, content, project.lead_id, message_for(project), f"project:{project.id}:approved", now)
    return project


async def return_for_changes(
    uow, *, user: User, project_id: int, comment: str | None, content: Content, now: datetime, message_for
) -> Project:
    """The reviewer sends a submitted project back to its lead as a draft, saying what to change."""
    project = await get_project(uow, project_id)
    if not (user.id == project.coach_id or user.has_role(Role.ADMIN)):
        raise NotAllowed("Only the project's coach or a QI admin can return it.")
    if project.status != ProjectStatus.SUBMITTED:
        raise InvalidInput(f"This project is {project.status.value}, so it cannot be returned now.")
    comment = _text(comment, "what should change", 500)
    await uow.projects.set_status(
        project.id, ProjectStatus.DRAFT, now=now, approval_comment=comment, wizard_step=REVIEW_STEP
    )
    project = await get_project(uow, project.id)
    await _tell(
        uow, content, project.lead_id, message_for(project), f"project:{project.id}:returned:{now.isoformat()}", now
    )
    return project


async def _activity(uow, user: User, project_id: int, now: datetime) -> Project:
    """Any progress update: allowed for lead/coach/admin on a live project; the first one makes it active."""
    project = await get_project(uow, project_id)
    _require_change(user, project)
    if project.status not in (ProjectStatus.APPROVED, ProjectStatus.ACTIVE):
        raise InvalidInput(f"This project is {project.status.value}: updates are for approved, active projects.")
    if project.status == ProjectStatus.APPROVED:
        await uow.projects.set_status(project.id, ProjectStatus.ACTIVE, now=now)
    else:
        await uow.projects.touch(project.id, now=now)
    return await get_project(uow, project.id)


async def set_score(uow, *, user: User, project_id: int, score, content: Content, now: datetime) -> Project:
    try:
        value = float(str(score))
    except ValueError:
        value = -1.0
    if value not in {s for s, _ in content.projects.progress_scores}:
        raise InvalidInput("Please choose a progress score from 0.5 to 5.0.")
    project = await _activity(uow, user, project_id, now)
    await uow.projects.save(replace(project, progress_score=value), now=now)
    return await get_project(uow, project.id)


async def log_pdsa(uow, *, user: User, project_id: int, data: dict, now: datetime) -> PdsaCycle:
    plan = _text(data.get("plan"), "the plan", 1000)
    prediction = _text(data.get("prediction"), "your prediction (what you expect to happen)", 500)
    do = _text(data.get("do"), "what happened", 1000, required=False)
    study = _text(data.get("study"), "what you learned", 1000, required=False)
    act = data.get("act") or None
    if act is not None and act not in ACTS:
        raise InvalidInput("Act is adopt, adapt or abandon.")
    project = await _activity(uow, user, project_id, now)
    cycle_id = await uow.projects.add_pdsa(
        project.id, plan=plan, prediction=prediction, do=do, study=study, act=act, by=user.id, now=now
    )
    return next(c for c in await uow.projects.pdsas(project.id) if c.id == cycle_id)


async def add_data(uow, *, user: User, measure_id: int, on, value, now: datetime) -> Measure:
    measure = await uow.projects.measure(measure_id)
    if measure is None:
        raise NotFound("That measure no longer exists.")
    _require_change(user, await get_project(uow, measure.project_id))
    try:
        day = on if isinstance(on, date) else date.fromisoformat(str(on))
    except ValueError:
        raise InvalidInput("Please give the date of the data point.") from None
    if day > now.date():
        raise InvalidInput("The date of a data point cannot be in the future.")
    try:
        number = float(str(value).strip())
    except ValueError:
        raise InvalidInput("Please give the value as a number, e.g. 4 or 12.5.") from None
    if number != number or abs(number) > 1e9:
        raise InvalidInput("Please give a sensible number.")
    await _activity(uow, user, measure.project_id, now)
    await uow.projects.add_point(measure.id, on=day, value=number, now=now)
    return measure


async def set_chart(uow, *, user: User, measure_id: int, chart: str, improvement: str, now: datetime) -> Measure:
    measure = await uow.projects.measure(measure_id)
    if measure is None:
        raise NotFound("That measure no longer exists.")
    project = await get_project(uow, measure.project_id)
    _require_change(user, project)
    if chart not in ("run", "xmr") or improvement not in ("increase", "decrease"):
        raise InvalidInput("Choose a run chart or an XmR chart, and whether higher or lower is better.")
    await uow.projects.set_measure_chart(measure.id, chart=chart, improvement=improvement)
    return await uow.projects.measure(measure.id)


async def close(uow, *, user: User, project_id: int, completed: bool, now: datetime) -> Project:
    project = await get_project(uow, project_id)
    _require_change(user, project)
    if project.status not in (ProjectStatus.APPROVED, ProjectStatus.ACTIVE):
        raise InvalidInput(f"This project is {project.status.value}: only a live project can be closed.")
    await uow.projects.set_status(project.id, ProjectStatus.COMPLETED if completed else ProjectStatus.STOPPED, now=now)
    return await get_project(uow, project.id)


async def nudge_stale(uow: UnitOfWork, *, content: Content, now: datetime, message_for) -> int:
    """Tick: a live project with no update for 30 days gets its lead one quick-update card (once per lull)."""
    queued = 0
    for project in await uow.projects.stale(updated_before=now - content.projects.stale_after):
        lull = project.updated_at.date().isoformat()
        decision = await enqueue_nudge(
            uow,
            rules=content.nudges,
            user_id=project.lead_id,
            category="projects",
            message=message_for(project),
            dedupe_key=f"project:{project.id}:stale:{lull}",
            now=now,
        )
        queued += decision.enqueued
    return queued


RUBRIC = (
    ("aim_achieved", "Aim achieved"),
    ("measurement", "Use of measurement"),
    ("pdsa_discipline", "PDSA discipline"),
    ("patient_involvement", "Patient involvement"),
    ("sustainability", "Sustainability"),
)


async def submit_evaluation(
    uow, *, user: User, project_id: int, data: dict, content: Content, now: datetime, message_for
) -> dict:
    """The lead's end-of-project evaluation: results against the aim, the decision, sustain, spread, lessons."""
    project = await get_project(uow, project_id)
    if user.id != project.lead_id and not user.has_role(Role.ADMIN):
        raise NotAllowed("Only the project's lead can write its evaluation.")
    if project.status != ProjectStatus.COMPLETED:
        raise InvalidInput("The evaluation is written when a project is completed.")
    existing = await uow.projects.evaluation(project.id)
    if existing and existing.get("scored_at"):
        raise InvalidInput("This evaluation has already been scored by the coach, so it can no longer change.")
    answers = {
        "results": _text(data.get("results"), "the results against your aim", 2000),
        "decision": data.get("decision"),
        "sustain": _text(data.get("sustain"), "what will sustain the change", 2000),
        "spread": _text(data.get("spread"), "your spread plans", 2000, required=False),
        "lessons": _text(data.get("lessons"), "your lessons", 2000),
    }
    if answers["decision"] not in ACTS:
        raise InvalidInput("Please choose adopt, adapt or abandon.")
    await uow.projects.save_evaluation(project.id, answers=answers, now=now)
    await _tell_reviewers(uow, content, project, message_for(project), "evaluate", now)
    return await uow.projects.evaluation(project.id)


async def score_evaluation(
    uow, *, user: User, project_id: int, data: dict, content: Content, now: datetime, message_for
) -> dict:
    project = await get_project(uow, project_id)
    if not (user.id == project.coach_id or user.has_role(Role.ADMIN)):
        raise NotAllowed("Only the project's coach or a QI admin can score its evaluation.")
    if await uow.projects.evaluation(project.id) is None:
        raise InvalidInput("The lead has not written the evaluation yet.")
    scores = {}
    for key, label in RUBRIC:
        try:
            scores[key] = int(str(data.get(key)))
        except ValueError:
            scores[key] = 0
        if not 1 <= scores[key] <= 4:
            raise InvalidInput(f"Please score '{label}' from 1 to 4.")
    comment = _text(data.get("comment"), "the comment", 1000, required=False)
    await uow.projects.score_evaluation(project.id, scores=scores, comment=comment, by=user.id, now=now)
    await _tell(uow, content, project.lead_id, message_for(project), f"project:{project.id}:summary", now)
    return await uow.projects.evaluation(project.id)


async def ask_to_join(uow, *, user: User, project_id: int, content: Content, now: datetime, message_for) -> Project:
    """A colleague asks to join the team; the lead decides."""
    project = await get_project(uow, project_id)
    if project.status == ProjectStatus.DRAFT:
        raise NotFound("That project is not registered yet.")
    if can_change(user, project):
        raise InvalidInput("You can already update this project.")
    await _tell(uow, content, project.lead_id, message_for(project, user), f"project:{project.id}:join:{user.id}", now)
    return project


async def accept_member(
    uow, *, user: User, project_id: int, member_id: int, role: str | None, now: datetime
) -> Project:
    project = await get_project(uow, project_id)
    if user.id != project.lead_id and not user.has_role(Role.ADMIN):
        raise NotAllowed("Only the project's lead can add people to the team.")
    member = await uow.users.get(member_id)
    if member is None:
        raise NotFound("That person is no longer known to the bot.")
    role = _text(role, "their role", 120, required=False) or "Team member"
    await uow.projects.add_member(project.id, user_id=member.id, name=member.name or "Team member", role=role)
    await uow.projects.touch(project.id, now=now)
    return await get_project(uow, project.id)


async def open_projects_led_by(uow: UnitOfWork, user_id: int) -> list[Project]:
    """The person's registered, not yet closed projects they lead: what other capabilities may link to (a clinic
    booking asks "which of your projects?"). Other capabilities use this, never the project tables."""
    return [p for p in await uow.projects.mine(user_id) if p.lead_id == user_id and p.status in OPEN_STATUSES]


# (project, its PDSA cycles, its evaluation or None, {measure id: (latest date, latest value, number of points)})
ProjectStory = tuple[Project, list[PdsaCycle], dict | None, dict[int, tuple[date, float, int]]]


async def stories_led_by(uow: UnitOfWork, user_id: int) -> list[ProjectStory]:
    """The active or completed projects the person leads, with what a write-up draws on: the PDSA cycles, the
    evaluation and each measure's latest value. Read only; other capabilities use this (the events capability's
    celebration day abstracts), never the project tables."""
    stories = []
    for project in await uow.projects.mine(user_id):
        if project.lead_id != user_id or project.status not in (ProjectStatus.ACTIVE, ProjectStatus.COMPLETED):
            continue
        latest = {}
        for measure in project.measures:
            points = await uow.projects.points(measure.id)
            if points:
                latest[measure.id] = (*points[-1], len(points))
        stories.append(
            (project, await uow.projects.pdsas(project.id), await uow.projects.evaluation(project.id), latest)
        )
    return stories
