"""`register project`: the five-step wizard kept as a draft (Back, Finish later, resume any time), then the
"check and submit" card with similar projects and the governance signpost."""

from __future__ import annotations

from collections.abc import Mapping

from core.kernel.content import Content, choice_label
from core.kernel.errors import InvalidInput
from core.projects import services as service
from core.projects.commands import Aim, Basics, Governance, Measures, MeasureText, TeamAndCoach, TypedStep
from core.projects.model import Project
from dialogs.kit import cards
from dialogs.kit.forms import card_int, refill
from dialogs.kit.types import Response, Turn
from dialogs.projects import view
from dialogs.projects.common import STALE, card_id, day, messages, refuse, summary_facts, text
from dialogs.projects.router import router
from dialogs.projects.steps import MEASURE_SLOTS, STEP_BODIES, STEP_TITLES, previous_answers

__all__ = ["previous_answers", "resume_card", "review_card", "wizard_card"]

# --- the cards ---------------------------------------------------------------------------------------------------


async def wizard_card(turn: Turn, project: Project, step: int, typed: Mapping[str, str] | None = None) -> dict:
    """A step of the wizard: what the draft holds, and over it what was typed on the step and not yet saved.
    No input is `isRequired` (the server checks), so Back and Finish later always work, and both send the
    inputs, which are kept."""
    body = await STEP_BODIES[step](turn, project)
    data = {"project_id": project.id, "step": step}
    actions = [cards.execute("Save and continue", STEP_ACTIONS[step], {"project_id": project.id}, style="positive")]
    if step > 1:
        actions.append(cards.execute("Back", back, {**data, "step": step - 1, "from": step}))
    actions.append(cards.execute("Finish later", later, data))
    card = cards.card(
        cards.text(f"Register a QI project · step {step} of {service.STEPS}", subtle=True, size="Small"),
        cards.title(STEP_TITLES[step]),
        *body,
        actions=actions,
    )
    return refill(card, typed) if typed else card


async def review_card(turn: Turn, project: Project) -> dict:
    """Check and submit: everything entered, the governance signpost, and similar projects to talk to."""
    content = turn.content
    similar = await service.similar_projects(turn.uow, project=project)
    gov = next((g for g in content.projects.governance if g.id == project.governance), None)
    blocks = [
        cards.text("Register a QI project · check and submit", subtle=True, size="Small"),
        cards.title(project.title or "Untitled project"),
        summary_facts(content, project, private=True),
        cards.facts(
            [
                ("Problem", project.problem or "not set"),
                ("Strategic aim", choice_label(content.projects.strategic_aims, project.strategic_aim)),
                ("Sponsor", project.sponsor or "not set"),
                ("Team", "; ".join(f"{m.name} ({m.role})" for m in project.team) or "just you so far"),
            ]
        ),
        cards.heading("Measures"),
        cards.facts(
            [
                (
                    f"{m.name} ({m.kind})",
                    f"{m.definition} ({'lower' if m.improvement == 'decrease' else 'higher'} is better)",
                )
                for m in project.measures
            ]
        ),
    ]
    if gov is not None:
        blocks.append(cards.notice(gov.signpost, good=gov.id != "research"))
    if similar:
        blocks.append(cards.heading("Similar projects you may want to talk to"))
        blocks += [
            cards.text(
                f"- **{p.title}** ({content.organisation.label('sites', p.site)}, {p.status.value}), "
                f"lead {p.lead_name or 'unknown'}",
                size="Small",
            )
            for p, _ in similar
        ]
    actions = [cards.execute("Back", back, {"project_id": project.id, "step": service.STEPS}, inputs=False)]
    if project.governance != "research":
        actions.insert(0, cards.execute("Submit for approval", submit, {"project_id": project.id}, style="positive"))
    return cards.card(*blocks, actions=actions)


async def resume_card(turn: Turn, project: Project) -> dict:
    """The lead's draft where they left it (the step they were on, as they left it), or check and submit."""
    left = await _left(turn, project.id)
    step = left.at or project.wizard_step
    if step >= service.REVIEW_STEP:
        return await review_card(turn, project)
    return await wizard_card(turn, project, step, left.on(step))


async def _left(turn: Turn, project_id: int) -> service.LeftOff:
    """Where this person left this draft in this chat, and what they had typed on the steps they left."""
    return await service.left_off(
        turn.uow, user=turn.user, project_id=project_id, conversation_id=turn.inbound.conversation_id
    )


async def _done(turn: Turn, project_id: int, step: int | None) -> None:
    """A step saved in full (None: the draft submitted): what was typed on it is in the draft now."""
    await service.step_done(
        turn.uow,
        user=turn.user,
        project_id=project_id,
        step=step,
        conversation_id=turn.inbound.conversation_id,
        now=turn.now,
    )


# --- the handlers ------------------------------------------------------------------------------------------------


@router.command(
    "register project",
    title="Register project",
    description="Register a QI project in five short steps (you can stop and resume)",
    aliases=("register a project", "new project", "register"),
)
async def register(turn: Turn) -> Response:
    project, resumed = await service.start_or_resume(turn.uow, user=turn.user, now=turn.now)
    card = await resume_card(turn, project)
    if resumed:
        card["body"].insert(0, cards.notice(f"Welcome back: your draft '{project.title or 'untitled'}' is saved."))
    return Response.show(card)


async def _keep_step(turn: Turn, step: int, at: int) -> service.Kept:
    """Back or Finish later on `step`: every valid value goes into the draft, and the inputs are remembered."""
    data = turn.inbound.data
    return await service.save_partial(
        turn.uow,
        user=turn.user,
        project_id=card_id(turn),
        values=STEP_READERS[step](turn.content, data),
        typed=TypedStep(step, {k: v for k, v in data.items() if k not in ("project_id", "step", "from")}),
        at=at,
        conversation_id=turn.inbound.conversation_id,
        content=turn.content,
        now=turn.now,
    )


def _step(data: dict, key: str) -> int | None:
    if data.get(key) in (None, ""):
        return None
    return max(1, min(service.STEPS, card_int(data, key, stale=STALE)))


@router.action("wizard")
async def back(turn: Turn) -> Response:
    """Back to an earlier step, keeping what was on this one (from the check-and-submit card: nothing to keep)."""
    data = turn.inbound.data
    step, leaving = _step(data, "step") or 1, _step(data, "from")
    if leaving is not None:
        project = (await _keep_step(turn, leaving, at=step)).project
    else:
        project = await service.open_draft(turn.uow, user=turn.user, project_id=card_id(turn))
    left = await _left(turn, project.id)
    return Response(card=await wizard_card(turn, project, step, left.on(step)))


@router.action("later")
async def later(turn: Turn) -> Response:
    """Finish later: the step's values are saved as they are, and the card says what could not be kept yet."""
    step = _step(turn.inbound.data, "step") or 1
    kept = await _keep_step(turn, step, at=step)
    title = kept.project.title
    blocks = [cards.notice(f"Saved as a draft: '{title}'." if title else "Saved as a draft.")]
    if kept.not_kept:
        blocks.append(cards.text("Not saved yet, and still on the card when you come back to fix it:"))
        blocks += [cards.text(f"- {sentence}", size="Small") for sentence in kept.not_kept]
    blocks.append(cards.text("Type **register project** any time to carry on where you left off."))
    carry_on = {"project_id": kept.project.id, "step": step}
    return Response(card=cards.card(*blocks, actions=[cards.execute("Carry on now", back, carry_on, inputs=False)]))


def _basics_of(content: Content, data: dict) -> Basics:
    return Basics(
        text(data, "title"),
        text(data, "problem"),
        text(data, "site"),
        text(data, "division"),
        text(data, "strategic_aim"),
    )


def _aim_of(content: Content, data: dict) -> Aim:
    return Aim(text(data, "aim_what"), text(data, "aim_who"), text(data, "aim_how_much"), day(data, "aim_by"))


def _team_of(content: Content, data: dict) -> TeamAndCoach:
    coach = str(data.get("coach") or "").strip()
    coach_id = card_int(data, "coach", stale=STALE) if coach.isdigit() else None
    return TeamAndCoach(text(data, "team"), text(data, "sponsor"), coach_id, find_coach=coach == "find")


def _measures_of(content: Content, data: dict) -> Measures:
    def slot(key: str) -> MeasureText:
        return MeasureText(text(data, f"{key}_name"), text(data, f"{key}_definition"), text(data, f"{key}_better"))

    return Measures(slot("outcome"), (slot("process1"), slot("process2"), slot("process3")), slot("balancing"))


def _governance_of(content: Content, data: dict) -> Governance:
    answers = {"yes": True, "no": False}
    return Governance(
        {q.id: answers.get(str(data.get(f"gov_{q.id}", "")).lower()) for q in content.projects.governance}
    )


STEP_READERS = {1: _basics_of, 2: _aim_of, 3: _team_of, 4: _measures_of, 5: _governance_of}
AIM_FIELDS = {"what": "aim_what", "who": "aim_who", "how_much": "aim_how_much", "by": "aim_by"}
MEASURE_FIELDS = {
    f"{kind}.{index}.{part}" if kind == "process" else f"{kind}.{part}": f"{key}_{part}"
    for key, _, kind, index, _ in MEASURE_SLOTS
    for part in ("name", "definition", "better")
}


async def _save_step(turn: Turn, step: int) -> Response:
    """Save one step from the card's values; a refusal shows the step again with everything typed (the router
    refills it) and the message next to its field."""
    data, project_id = turn.inbound.data, card_id(turn)
    common = {"user": turn.user, "project_id": project_id, "now": turn.now}
    values = STEP_READERS[step](turn.content, data)
    fields: dict[str, str] = {}
    try:
        if step == 1:
            project = await service.save_basics(turn.uow, basics=values, content=turn.content, **common)
        elif step == 2:
            fields = AIM_FIELDS
            project = await service.save_aim(turn.uow, aim=values, **common)
        elif step == 3:
            project = await service.save_team(turn.uow, team=values, content=turn.content, **common)
        elif step == 4:
            fields = MEASURE_FIELDS
            project = await service.save_measures(turn.uow, measures=values, **common)
        else:
            fields = {q.id: f"gov_{q.id}" for q in turn.content.projects.governance}
            project = await service.save_governance(turn.uow, governance=values, content=turn.content, **common)
    except InvalidInput as problem:
        draft = await service.open_draft(turn.uow, user=turn.user, project_id=project_id)
        raise refuse(await wizard_card(turn, draft, step), problem, data, fields) from None
    await _done(turn, project.id, step)
    if step < service.STEPS:
        left = await _left(turn, project.id)
        return Response(card=await wizard_card(turn, project, step + 1, left.on(step + 1)))
    return Response(card=await review_card(turn, project))


def _step_action(step: int):
    async def save_step(turn: Turn) -> Response:
        return await _save_step(turn, step)

    return save_step


STEP_ACTIONS = {step: router.action(f"step{step}")(_step_action(step)) for step in STEP_TITLES}  # projects.step1-5
SUBMITTED = "Submitted. Your coach will review it."
SUBMITTED_NO_COACH = "Submitted. You asked us to find you a coach: a QI admin will find one and review your project."


@router.action("submit")
async def submit(turn: Turn) -> Response:
    project = await service.submit(
        turn.uow, user=turn.user, project_id=card_id(turn), content=turn.content, messages=messages(turn), now=turn.now
    )
    await _done(turn, project.id, None)
    return await view.show_project(turn, project.id, notice=SUBMITTED if project.coach_id else SUBMITTED_NO_COACH)
