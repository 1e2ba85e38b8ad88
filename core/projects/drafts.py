"""Leaving a wizard step half done (Back, Finish later): the draft keeps every valid value of the step, the
person is told what it could not keep, and the step's inputs are remembered exactly as typed (in the chat's
conversation state), so the card comes back as it was left. Nothing typed is lost."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from core.kernel.content import Content
from core.kernel.errors import InvalidInput
from core.kernel.model import User
from core.kernel.ports import UnitOfWork
from core.kernel.text import clean_text
from core.projects.commands import Aim, Basics, Governance, InvalidField, Measures, TeamAndCoach, TypedStep
from core.projects.model import Project, TeamMember
from core.projects.rules import get_project
from core.projects.wizard import (
    DIRECTIONS,
    OWN_COACH,
    REVIEW_STEP,
    measure_slots,
    open_draft,
    parse_team,
    store_measures,
    triage,
)

StepValues = Basics | Aim | TeamAndCoach | Measures | Governance
STEP_OF: dict[type, int] = {Basics: 1, Aim: 2, TeamAndCoach: 3, Measures: 4, Governance: 5}
FORM_STATE = "projects.wizard"  # in the conversation's state: {project id: {"at": step, "steps": {step: inputs}}}
TYPED_KEYS, TYPED_CHARS = 60, 4000


@dataclass(frozen=True)
class Kept:
    """What Back or Finish later saved: the draft with every valid value of the step, and a sentence for each
    value the draft could not take yet (it is still on the step's card when the person comes back)."""

    project: Project
    not_kept: tuple[str, ...] = ()


@dataclass(frozen=True)
class LeftOff:
    """Where the person left the wizard and what was on each step they left half done."""

    at: int | None = None
    typed: Mapping[int, Mapping[str, str]] = field(default_factory=dict)

    def on(self, step: int) -> Mapping[str, str]:
        return self.typed.get(step, {})


class _Keeper:
    """Keeps what it can of a half-done step and notes, as a sentence, each value it cannot keep."""

    def __init__(self) -> None:
        self.not_kept: list[str] = []

    def text(self, value: object, what: str, limit: int) -> str | None:
        try:
            return clean_text(value, limit, what)
        except InvalidInput as problem:
            self.not_kept.append(problem.message)
            return None

    def choice(self, value: str | None, valid: bool, what: str) -> str | None:
        if not value:
            return None
        if not valid:
            self.not_kept.append(f"Please choose {what} from the list.")
            return None
        return value


def _partial_basics(project: Project, basics: Basics, content: Content, keep: _Keeper) -> Project:
    org, rules = content.organisation, content.projects
    return replace(
        project,
        title=keep.text(basics.title, "the title", 120),
        problem=keep.text(basics.problem, "the problem", 2000),
        site=keep.choice(basics.site, org.is_valid("sites", basics.site), "the site"),
        division=keep.choice(basics.division, any(c.id == basics.division for c in rules.divisions), "the division"),
        strategic_aim=keep.choice(
            basics.strategic_aim, any(c.id == basics.strategic_aim for c in rules.strategic_aims), "the strategic aim"
        ),
    )


def _partial_aim(project: Project, aim: Aim, now: datetime, keep: _Keeper) -> Project:
    by = aim.by
    if by is not None and by <= now.date():
        keep.not_kept.append("Please choose a date in the future for 'by when'.")
        by = None
    return replace(
        project,
        aim_what=keep.text(aim.what, "what will improve", 200),
        aim_who=keep.text(aim.who, "for whom", 200),
        aim_how_much=keep.text(aim.how_much, "how much", 200),
        aim_by=by,
    )


async def _partial_team(uow: UnitOfWork, project: Project, team: TeamAndCoach, content: Content, keep: _Keeper):
    members: list[TeamMember] = []
    for line in (keep.text(team.team, "the team", 2000) or "").splitlines():
        try:
            members += parse_team(line, 1)
        except InvalidField as problem:
            keep.not_kept.append(problem.message)
    limit = content.projects.team_max
    if len(members) > limit:
        keep.not_kept.append(f"A QI team works best with 5 to 8 people; only the first {limit} are saved.")
        members = members[:limit]
    await uow.projects.set_team(project.id, members)
    coach_id, needs = None, team.find_coach
    if team.coach_id is not None and not needs:
        if team.coach_id == project.lead_id:
            keep.not_kept.append(OWN_COACH)
        elif team.coach_id in dict(await uow.projects.coaches(None)):
            coach_id = team.coach_id
        else:
            keep.not_kept.append("Please choose the coach from the list.")
    return replace(project, sponsor=keep.text(team.sponsor, "the sponsor", 120), coach_id=coach_id, needs_coach=needs)


async def _partial_measures(uow: UnitOfWork, project: Project, measures: Measures, keep: _Keeper) -> Project:
    rows: list[tuple[str, str, str, str | None]] = []
    for _, kind, what, measure, _ in measure_slots(measures):
        name = keep.text(measure.name, f"the name of {what}", 120)
        definition = keep.text(measure.definition, f"how {what} is defined", 500)
        if name or definition:
            rows.append((kind, name or "", definition or "", measure.better if measure.better in DIRECTIONS else None))
    await store_measures(uow, project.id, rows)
    return await get_project(uow, project.id)


def _partial_governance(project: Project, governance: Governance, content: Content, keep: _Keeper) -> Project:
    try:
        decided = triage(governance, content)
    except InvalidField:
        decided = None
        if any(answer is not None for answer in governance.answers.values()):
            keep.not_kept.append("Your answers to the QI, audit or research questions count once all are answered.")
    return replace(project, governance=decided)


async def save_partial(
    uow: UnitOfWork,
    *,
    user: User,
    project_id: int,
    values: StepValues,
    typed: TypedStep,
    at: int,
    conversation_id: str,
    content: Content,
    now: datetime,
) -> Kept:
    """Back or Finish later on a wizard step: keep every valid value of the step in the draft, however incomplete,
    say what could not be kept, and remember the step's inputs as typed (and the step the person is now `at`), so
    the card comes back exactly as it was left. The step does not count as done: Save and continue checks it."""
    project = await open_draft(uow, user=user, project_id=project_id)
    if STEP_OF[type(values)] != typed.step:
        raise InvalidInput("That card is out of date.")
    keep = _Keeper()
    if isinstance(values, Basics):
        project = _partial_basics(project, values, content, keep)
    elif isinstance(values, Aim):
        project = _partial_aim(project, values, now, keep)
    elif isinstance(values, TeamAndCoach):
        project = await _partial_team(uow, project, values, content, keep)
    elif isinstance(values, Measures):
        project = await _partial_measures(uow, project, values, keep)
    else:
        project = _partial_governance(project, values, content, keep)
    await uow.projects.save(project, now=now)
    await _remember(uow, user, conversation_id, project.id, now, step=typed.step, inputs=typed.values, at=at)
    return Kept(await get_project(uow, project.id), tuple(dict.fromkeys(keep.not_kept)))


def _clean_inputs(inputs: Mapping[str, object]) -> dict[str, str]:
    """The inputs as text, as many as a step has, each as long as a card input can be."""
    kept = {}
    for key, value in list(inputs.items())[:TYPED_KEYS]:
        if isinstance(key, str) and len(key) <= 60 and isinstance(value, str | int | float) and value is not True:
            kept[key] = str(value)[:TYPED_CHARS]
    return kept


async def _remember(
    uow: UnitOfWork,
    user: User,
    conversation_id: str,
    project_id: int,
    now: datetime,
    *,
    step: int | None = None,
    inputs: Mapping[str, object] | None = None,
    at: int | None = None,
    forget: int | None = None,
    forget_all: bool = False,
) -> None:
    data, version = await uow.conversation_state.load(conversation_id, user.id)
    drafts = dict(data.get(FORM_STATE) or {})
    entry = dict(drafts.get(str(project_id)) or {})
    steps = dict(entry.get("steps") or {})
    if forget_all:
        entry, steps = {}, {}
    if forget is not None:
        steps.pop(str(forget), None)
    if step is not None and inputs is not None:
        steps[str(step)] = _clean_inputs(inputs)
    if at is not None:
        entry["at"] = at
    entry["steps"] = steps
    if steps or "at" in entry:
        drafts[str(project_id)] = entry
    else:
        drafts.pop(str(project_id), None)
    if drafts == (data.get(FORM_STATE) or {}):
        return  # nothing to write (a step saved in one go leaves no trace)
    data = {**data, FORM_STATE: drafts} if drafts else {k: v for k, v in data.items() if k != FORM_STATE}
    await uow.conversation_state.save(conversation_id, user.id, data, expected_version=version, now=now)


async def left_off(uow: UnitOfWork, *, user: User, project_id: int, conversation_id: str) -> LeftOff:
    """What the person left half done on this draft in this chat (their own state only: it is keyed by them)."""
    data, _ = await uow.conversation_state.load(conversation_id, user.id)
    entry = (data.get(FORM_STATE) or {}).get(str(project_id)) or {}
    at = entry.get("at")
    typed = {int(step): dict(inputs) for step, inputs in (entry.get("steps") or {}).items() if str(step).isdigit()}
    return LeftOff(at if isinstance(at, int) and 1 <= at <= REVIEW_STEP else None, typed)


async def step_done(
    uow: UnitOfWork, *, user: User, project_id: int, step: int | None, conversation_id: str, now: datetime
) -> None:
    """A step was saved in full (Save and continue): what was typed on it is in the draft now, so forget it, and
    the person is at the next step. `step=None` after submitting: forget the whole draft's typing."""
    if step is None:
        await _remember(uow, user, conversation_id, project_id, now, forget_all=True)
    else:
        await _remember(uow, user, conversation_id, project_id, now, forget=step, at=step + 1)
