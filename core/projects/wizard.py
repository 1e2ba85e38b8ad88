"""Registering a project: a five-step wizard kept as a draft, governance triage, similar projects, and submitting
it for review."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime

from core.kernel.content import Content
from core.kernel.errors import InvalidInput, NotAllowed
from core.kernel.model import User
from core.kernel.ports import UnitOfWork
from core.projects.commands import Aim, Basics, Governance, InvalidField, Measures, MeasureText, TeamAndCoach
from core.projects.model import Project, ProjectStatus, TeamMember
from core.projects.notify import tell_reviewers
from core.projects.ports import ProjectMessages
from core.projects.rules import field_text, get_project

STEPS = 5
REVIEW_STEP = 6  # the wizard's "check and submit" card
STOP_WORDS = frozenset(
    "a an and the of for to in on by at with from our we reduce improve increase decrease project ward wards "
    "patients patient staff hospital time times number rate within per".split()
)


async def start_or_resume(uow: UnitOfWork, *, user: User, now: datetime) -> tuple[Project, bool]:
    """The person's unfinished draft (resumed: True), or a new one."""
    draft = await uow.projects.latest_draft(user.id)
    if draft is not None:
        return draft, True
    return await uow.projects.create_draft(user.id, now=now), False


async def open_draft(uow: UnitOfWork, *, user: User, project_id: int) -> Project:
    """The lead's own draft, to show or change in the wizard."""
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


async def save_basics(
    uow: UnitOfWork, *, user: User, project_id: int, basics: Basics, content: Content, now: datetime
) -> Project:
    project = await open_draft(uow, user=user, project_id=project_id)
    rules, org = content.projects, content.organisation
    title = field_text(basics.title, "title", "the title", 120, missing="Please give the project a title.")
    problem = field_text(
        basics.problem, "problem", "the problem", 2000, missing="Please describe the problem you want to solve."
    )
    if len(problem.split()) > rules.problem_max_words:
        raise InvalidField("problem", f"Please describe the problem in at most {rules.problem_max_words} words.")
    if not org.is_valid("sites", basics.site):
        raise InvalidField("site", "Please choose the site where the project runs.")
    if not any(c.id == basics.division for c in rules.divisions):
        raise InvalidField("division", "Please choose the division or specialty.")
    if not any(c.id == basics.strategic_aim for c in rules.strategic_aims):
        raise InvalidField("strategic_aim", "Please choose the trust strategic aim the project supports.")
    project = replace(
        project,
        title=title,
        problem=problem,
        site=basics.site,
        division=basics.division,
        strategic_aim=basics.strategic_aim,
    )
    return await _advance(uow, project, 1, now)


def aim_hints(how_much: str | None, by: date | None) -> list[str]:
    hints = []
    if not how_much or not re.search(r"\d", how_much):
        hints.append("Add a number to 'how much', e.g. 'from 12 to 6 a month' or 'by 50%'.")
    if by is None:
        hints.append("Add a date to 'by when': an aim without a deadline is hard to test.")
    return hints


async def save_aim(uow: UnitOfWork, *, user: User, project_id: int, aim: Aim, now: datetime) -> Project:
    project = await open_draft(uow, user=user, project_id=project_id)
    what = field_text(aim.what, "what", "what will improve", 200, missing="Please say what will improve.")
    who = field_text(aim.who, "who", "for whom", 200, required=False)
    how_much = field_text(aim.how_much, "how_much", "how much", 200, required=False)
    hints = aim_hints(how_much, aim.by)
    if hints:
        field = "by" if aim.by is None and len(hints) == 1 else "how_much"
        raise InvalidField(field, "A SMART aim is specific and measurable: " + " ".join(hints))
    if aim.by <= now.date():
        raise InvalidField("by", "'By when' must be a date in the future.")
    project = replace(project, aim_what=what, aim_who=who, aim_how_much=how_much, aim_by=aim.by)
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
            raise InvalidField("team", "Please keep each team member's name and role short.")
        members.append(TeamMember(name, role))
    if len(members) > limit:
        raise InvalidField("team", f"A QI team works best with 5 to 8 people; list at most {limit}.")
    return members


async def coach_choices(uow: UnitOfWork, *, site: str | None, lead_id: int | None = None) -> list[tuple[int, str]]:
    """The QI coaches a lead may choose (those at the project's site when it has one), never the lead: a lead
    cannot be their own project's coach. (user id, name)."""
    return [(i, name) for i, name in await uow.projects.coaches(site) if i != lead_id]


OWN_COACH = (
    "You lead this project, so you cannot also be its coach: please choose another coach, or ask us to find one."
)


async def save_team(
    uow: UnitOfWork, *, user: User, project_id: int, team: TeamAndCoach, content: Content, now: datetime
) -> Project:
    project = await open_draft(uow, user=user, project_id=project_id)
    members = parse_team(field_text(team.team, "team", "the team", 2000, required=False), content.projects.team_max)
    sponsor = field_text(
        team.sponsor, "sponsor", "the sponsor", 120, missing="Please name a sponsor: a senior person who will help."
    )
    if team.find_coach:
        coach_id, needs = None, True
    elif team.coach_id is None:
        raise InvalidField("coach", "Please choose a coach, or 'please find me a coach'.")
    elif team.coach_id == project.lead_id:
        raise InvalidField("coach", OWN_COACH)
    elif team.coach_id not in dict(await uow.projects.coaches(None)):
        raise InvalidField("coach", "That person is not a QI coach; please choose from the list.")
    else:
        coach_id, needs = team.coach_id, False
    await uow.projects.set_team(project.id, members)
    project = replace(project, sponsor=sponsor, coach_id=coach_id, needs_coach=needs)
    return await _advance(uow, project, 3, now)


DIRECTIONS = ("increase", "decrease")
LOWER_IS_BETTER = frozenset(
    "reduce reducing decrease decreasing lower lowering fewer less cut cutting prevent preventing avoid avoiding "
    "eliminate eliminating minimise minimize halve stop".split()
)
HIGHER_IS_BETTER = frozenset(
    "increase increasing improve improving raise raising more grow growing maximise maximize boost double "
    "achieve ensure".split()
)


def suggested_direction(aim_what: str | None) -> str | None:
    """Which way is better for the outcome measure, as the aim's first verb suggests ("Reduce falls": lower is
    better), or None when it does not say. Only ever a suggestion: the person confirms it on the measures step."""
    words = re.findall(r"[a-z]+", (aim_what or "").lower())
    for word in words[:3]:
        if word in LOWER_IS_BETTER:
            return "decrease"
        if word in HIGHER_IS_BETTER:
            return "increase"
    return None


def measure_slots(measures: Measures) -> list[tuple[str, str, str, MeasureText, bool]]:
    """(field, kind, what it is called, the measure, required) for each slot, in order."""
    slots = [("outcome", "outcome", "the outcome measure", measures.outcome, True)]
    slots += [
        (f"process.{i}", "process", f"process measure {i + 1}", m, i == 0) for i, m in enumerate(measures.process)
    ]
    slots.append(("balancing", "balancing", "the balancing measure", measures.balancing, True))
    return slots


async def store_measures(uow: UnitOfWork, project_id: int, rows: list[tuple[str, str, str, str | None]]) -> None:
    """Replace the draft's measures, then record the better direction of each one the person chose."""
    await uow.projects.set_measures(project_id, [(kind, name, definition) for kind, name, definition, _ in rows])
    stored = (await get_project(uow, project_id)).measures
    for measure, (_, _, _, better) in zip(stored, rows, strict=True):
        if better is not None:
            await uow.projects.set_measure_chart(measure.id, chart=measure.chart, improvement=better)


async def save_measures(uow: UnitOfWork, *, user: User, project_id: int, measures: Measures, now: datetime) -> Project:
    project = await open_draft(uow, user=user, project_id=project_id)
    if not 1 <= len(measures.process) <= 3:
        raise InvalidInput("A project has one to three process measures.")
    rows: list[tuple[str, str, str, str | None]] = []
    for field, kind, what, measure, required in measure_slots(measures):
        name = field_text(measure.name, f"{field}.name", f"the name of {what}", 120, required=False)
        definition = field_text(
            measure.definition, f"{field}.definition", f"how {what} is defined", 500, required=False
        )
        if not (required or name or definition):
            continue
        if not name:
            raise InvalidField(f"{field}.name", f"Please name {what}.")
        if not definition:
            raise InvalidField(
                f"{field}.definition", f"Please say how {what} is defined, so anyone would count it the same way."
            )
        if measure.better not in DIRECTIONS:
            raise InvalidField(f"{field}.better", f"Please say whether higher or lower is better for {what}.")
        rows.append((kind, name, definition, measure.better))
    await store_measures(uow, project.id, rows)
    return await _advance(uow, project, 4, now)


def triage(governance: Governance, content: Content) -> str:
    """QI, audit, service evaluation or research (HRA definitions): the first 'yes' decides."""
    for question in content.projects.governance:
        answer = governance.answers.get(question.id)
        if answer is None:
            raise InvalidField(question.id, "Please answer all three questions.")
        if answer:
            return question.id
    return "qi"


async def save_governance(
    uow: UnitOfWork, *, user: User, project_id: int, governance: Governance, content: Content, now: datetime
) -> Project:
    project = await open_draft(uow, user=user, project_id=project_id)
    project = replace(project, governance=triage(governance, content))
    return await _advance(uow, project, 5, now)


def missing_steps(project: Project) -> list[int]:
    missing = []
    if not (project.title and project.site and project.division and project.strategic_aim):
        missing.append(1)
    if not project.aim:
        missing.append(2)
    if not project.sponsor or not (project.coach_id or project.needs_coach) or project.coach_id == project.lead_id:
        missing.append(3)
    kinds = {m.kind for m in project.measures}
    if not {"outcome", "process", "balancing"} <= kinds or not all(m.name and m.definition for m in project.measures):
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


def research_signpost(content: Content) -> str:
    return next(g.signpost for g in content.projects.governance if g.id == "research")


async def submit(
    uow: UnitOfWork, *, user: User, project_id: int, content: Content, messages: ProjectMessages, now: datetime
) -> Project:
    """The draft goes to its coach (or the admins) for review. Research is signposted and never submitted."""
    project = await open_draft(uow, user=user, project_id=project_id)
    missing = missing_steps(project)
    if missing:
        raise InvalidInput(f"Please complete step {missing[0]} of {STEPS} first.")
    if project.governance == "research":
        raise NotAllowed(research_signpost(content))
    if not await uow.projects.mark_submitted(project.id, now=now):
        raise InvalidInput("This project has already been submitted. Type **my projects** to see it.")
    project = await get_project(uow, project.id)
    await tell_reviewers(uow, content, project, messages.review_request(project), "review", now)
    return project
