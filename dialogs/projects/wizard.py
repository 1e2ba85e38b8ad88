"""`register project`: the five-step wizard kept as a draft (Back, Finish later, resume any time), then the
"check and submit" card with similar projects and the governance signpost."""

from __future__ import annotations

from datetime import timedelta

from core.kernel.content import Choice, Content
from core.kernel.errors import InvalidInput
from core.projects import services as service
from core.projects.commands import Aim, Basics, Governance, Measures, MeasureText, TeamAndCoach
from core.projects.model import Project
from dialogs.kit import cards
from dialogs.kit.forms import card_int
from dialogs.kit.types import Response, Turn
from dialogs.projects import view
from dialogs.projects.common import (
    STALE,
    card_id,
    choice_label,
    date_input,
    day,
    messages,
    refuse,
    summary_facts,
    text,
    text_input,
)
from dialogs.projects.router import router

YES_NO = (Choice("yes", "Yes"), Choice("no", "No"))
STEP_TITLES = {1: "The basics", 2: "Your aim", 3: "Team and coach", 4: "Measures", 5: "QI, audit or research?"}
MEASURE_SLOTS = (  # input id prefix, label, kind, index among that kind, required
    ("outcome", "Outcome measure", "outcome", 0, True),
    ("process1", "Process measure 1", "process", 0, True),
    ("process2", "Process measure 2 (optional)", "process", 1, False),
    ("process3", "Process measure 3 (optional)", "process", 2, False),
    ("balancing", "Balancing measure", "balancing", 0, True),
)


# --- the cards ---------------------------------------------------------------------------------------------------


async def wizard_card(turn: Turn, project: Project, step: int) -> dict:
    body = await STEP_BODIES[step](turn, project)
    actions = [cards.execute("Save and continue", STEP_ACTIONS[step], {"project_id": project.id}, style="positive")]
    if step > 1:
        actions.append(cards.execute("Back", back, {"project_id": project.id, "step": step - 1}))
    actions.append(cards.execute("Finish later", later, {"project_id": project.id}))
    return cards.card(
        cards.text(f"Register a QI project · step {step} of {service.STEPS}", subtle=True, size="Small"),
        cards.title(STEP_TITLES[step]),
        *body,
        actions=actions,
    )


async def _basics(turn: Turn, project: Project) -> list:
    rules, org = turn.content.projects, turn.content.organisation
    return [
        text_input(
            "title",
            "Title",
            project.title,
            max_length=120,
            required=True,
            placeholder="e.g. Fewer falls at night on Ward 7",
        ),
        text_input(
            "problem",
            f"The problem, in at most {rules.problem_max_words} words",
            project.problem,
            multiline=True,
            max_length=2000,
            required=True,
        ),
        cards.choice_set("site", "Site", org.sites, project.site or turn.user.site),
        cards.choice_set("division", "Division or specialty", rules.divisions, project.division),
        cards.choice_set(
            "strategic_aim", "Trust strategic aim it supports", rules.strategic_aims, project.strategic_aim
        ),
    ]


async def _aim(turn: Turn, project: Project) -> list:
    return [
        cards.text("A SMART aim says what will improve, for whom, how much and by when.", subtle=True),
        text_input(
            "aim_what", "What will improve?", project.aim_what, required=True, placeholder="e.g. Reduce falls at night"
        ),
        text_input("aim_who", "For whom?", project.aim_who, placeholder="e.g. patients on Ward 7"),
        text_input(
            "aim_how_much",
            "How much? (with a number)",
            project.aim_how_much,
            required=True,
            placeholder="e.g. from 8 to 4 a month",
        ),
        date_input(
            "aim_by",
            "By when?",
            project.aim_by,
            error="Please choose the date the aim should be met by.",
            min=turn.now.date() + timedelta(days=1),
        ),
    ]


async def _team(turn: Turn, project: Project) -> list:
    coaches = await service.coach_choices(turn.uow, site=project.site)
    choices = [Choice(str(i), name) for i, name in coaches] + [Choice("find", "Please find me a coach")]
    current = "find" if project.needs_coach else (str(project.coach_id) if project.coach_id else None)
    return [
        cards.text(
            "You are the lead. A good team has 5 to 8 people from different roles, ideally a patient or carer.",
            subtle=True,
        ),
        text_input(
            "team",
            "Team: one person a line, 'Name - role'",
            "\n".join(f"{m.name} - {m.role}" for m in project.team),
            multiline=True,
            max_length=2000,
            placeholder="Sam Lee - ward manager\nAlex Khan - physiotherapist",
        ),
        text_input(
            "sponsor",
            "Sponsor (a senior person who will unblock things)",
            project.sponsor,
            max_length=120,
            required=True,
        ),
        cards.choice_set("coach", "QI coach", choices, current),
    ]


async def _measures(turn: Turn, project: Project) -> list:
    body = [
        cards.text(
            "Outcome: is the aim met? Process: are the steps happening? Balancing: is anything "
            "else getting worse? Define each so anyone would count it the same way.",
            subtle=True,
        )
    ]
    for key, label, kind, index, required in MEASURE_SLOTS:
        found = [m for m in project.measures if m.kind == kind][index : index + 1]
        measure = found[0] if found else None
        short = label.replace(" (optional)", "")
        body += [
            cards.heading(label),
            text_input(
                f"{key}_name", f"{short}: name", measure.name if measure else None, max_length=120, required=required
            ),
            text_input(
                f"{key}_definition",
                f"{short}: operational definition",
                measure.definition if measure else None,
                multiline=True,
                max_length=500,
                required=required,
            ),
        ]
    return body


async def _governance(turn: Turn, project: Project) -> list:
    body = [cards.text("Three questions to check this is QI (Health Research Authority definitions).", subtle=True)]
    answered = previous_answers(turn.content, project.governance)
    for question in turn.content.projects.governance:
        body.append(
            cards.choice_set(
                f"gov_{question.id}",
                question.question,
                YES_NO,
                answered.get(question.id),
                compact=False,
                error="Please answer yes or no.",
            )
        )
    return body


STEP_BODIES = {1: _basics, 2: _aim, 3: _team, 4: _measures, 5: _governance}


def previous_answers(content: Content, governance: str | None) -> dict[str, str]:
    """The answers that gave the stored class (the first "yes" decides, so the ones after it are shown as "no")."""
    if governance is None:
        return {}
    answers, decided = {}, False
    for question in content.projects.governance:
        answers[question.id] = "yes" if question.id == governance and not decided else "no"
        decided = decided or question.id == governance
    return answers


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
        cards.facts([(f"{m.name} ({m.kind})", m.definition) for m in project.measures]),
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
    actions = [cards.execute("Back", back, {"project_id": project.id, "step": service.STEPS})]
    if project.governance != "research":
        actions.insert(0, cards.execute("Submit for approval", submit, {"project_id": project.id}, style="positive"))
    return cards.card(*blocks, actions=actions)


async def resume_card(turn: Turn, project: Project) -> dict:
    """The lead's draft where they left it: the step they are on, or check and submit."""
    if project.wizard_step >= service.REVIEW_STEP:
        return await review_card(turn, project)
    return await wizard_card(turn, project, project.wizard_step)


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


@router.action("wizard")
async def back(turn: Turn) -> Response:
    project = await service.open_draft(turn.uow, user=turn.user, project_id=card_id(turn))
    step = max(1, min(service.STEPS, card_int(turn.inbound.data, "step", stale=STALE, default=1)))
    return Response(card=await wizard_card(turn, project, step))


@router.action("later")
async def later(turn: Turn) -> Response:
    return Response(
        card=cards.card(
            cards.notice("Saved as a draft."),
            cards.text("Type **register project** any time to carry on where you left off."),
        )
    )


def _basics_of(data: dict) -> Basics:
    return Basics(
        text(data, "title"),
        text(data, "problem"),
        text(data, "site"),
        text(data, "division"),
        text(data, "strategic_aim"),
    )


def _aim_of(data: dict) -> Aim:
    return Aim(text(data, "aim_what"), text(data, "aim_who"), text(data, "aim_how_much"), day(data, "aim_by"))


def _team_of(data: dict) -> TeamAndCoach:
    coach = str(data.get("coach") or "").strip()
    coach_id = card_int(data, "coach", stale=STALE) if coach.isdigit() else None
    return TeamAndCoach(text(data, "team"), text(data, "sponsor"), coach_id, find_coach=coach == "find")


def _measures_of(data: dict) -> Measures:
    def slot(key: str) -> MeasureText:
        return MeasureText(text(data, f"{key}_name"), text(data, f"{key}_definition"))

    return Measures(slot("outcome"), (slot("process1"), slot("process2"), slot("process3")), slot("balancing"))


def _governance_of(content: Content):
    def read(data: dict) -> Governance:
        answers = {"yes": True, "no": False}
        return Governance(
            {q.id: answers.get(str(data.get(f"gov_{q.id}", "")).lower()) for q in content.projects.governance}
        )

    return read


AIM_FIELDS = {"what": "aim_what", "who": "aim_who", "how_much": "aim_how_much", "by": "aim_by"}
MEASURE_FIELDS = {
    f"{kind}.{index}.{part}" if kind == "process" else f"{kind}.{part}": f"{key}_{part}"
    for key, _, kind, index, _ in MEASURE_SLOTS
    for part in ("name", "definition")
}


async def _save_step(turn: Turn, step: int) -> Response:
    """Save one step from the card's values; a refusal shows the step again with what was typed."""
    data, project_id = turn.inbound.data, card_id(turn)
    common = {"user": turn.user, "project_id": project_id, "now": turn.now}
    fields: dict[str, str] = {}
    try:
        if step == 1:
            project = await service.save_basics(turn.uow, basics=_basics_of(data), content=turn.content, **common)
        elif step == 2:
            fields = AIM_FIELDS
            project = await service.save_aim(turn.uow, aim=_aim_of(data), **common)
        elif step == 3:
            project = await service.save_team(turn.uow, team=_team_of(data), content=turn.content, **common)
        elif step == 4:
            fields = MEASURE_FIELDS
            project = await service.save_measures(turn.uow, measures=_measures_of(data), **common)
        else:
            fields = {q.id: f"gov_{q.id}" for q in turn.content.projects.governance}
            governance = _governance_of(turn.content)(data)
            project = await service.save_governance(turn.uow, governance=governance, content=turn.content, **common)
    except InvalidInput as problem:
        draft = await service.open_draft(turn.uow, user=turn.user, project_id=project_id)
        raise refuse(await wizard_card(turn, draft, step), problem, data, fields) from None
    if step < service.STEPS:
        return Response(card=await wizard_card(turn, project, step + 1))
    return Response(card=await review_card(turn, project))


def _step_action(step: int):
    async def save_step(turn: Turn) -> Response:
        return await _save_step(turn, step)

    return save_step


STEP_ACTIONS = {step: router.action(f"step{step}")(_step_action(step)) for step in STEP_TITLES}  # projects.step1-5


@router.action("submit")
async def submit(turn: Turn) -> Response:
    project = await service.submit(
        turn.uow, user=turn.user, project_id=card_id(turn), content=turn.content, messages=messages(turn), now=turn.now
    )
    return await view.show_project(turn, project.id, notice="Submitted. Your coach will review it.")
