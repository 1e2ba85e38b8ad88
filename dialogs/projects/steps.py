"""The five steps of the project wizard as card bodies: what the draft holds, each input labelled (required ones
say so; the server checks them, so no input can block Back or Finish later)."""

from __future__ import annotations

from datetime import timedelta

from core.kernel.content import Choice, Content
from core.projects import services as service
from core.projects.model import Project
from dialogs.kit import cards
from dialogs.kit.types import Turn
from dialogs.projects.common import choice, date_input, text_input

YES_NO = (Choice("yes", "Yes"), Choice("no", "No"))
BETTER = (Choice("increase", "Higher is better"), Choice("decrease", "Lower is better"))
STEP_TITLES = {1: "The basics", 2: "Your aim", 3: "Team and coach", 4: "Measures", 5: "QI, audit or research?"}
MEASURE_SLOTS = (  # input id prefix, label, kind, index among that kind, required
    ("outcome", "Outcome measure", "outcome", 0, True),
    ("process1", "Process measure 1", "process", 0, True),
    ("process2", "Process measure 2 (optional)", "process", 1, False),
    ("process3", "Process measure 3 (optional)", "process", 2, False),
    ("balancing", "Balancing measure", "balancing", 0, True),
)
DEFINITION_EXAMPLE = (
    "For example: 'Falls on Ward 7 between 20:00 and 08:00, as reported on Datix, counted each calendar month.' "
    "Say what is counted, where, from which source and how often."
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
        choice("site", "Site", org.sites, project.site or turn.user.site),
        choice("division", "Division or specialty", rules.divisions, project.division),
        choice("strategic_aim", "Trust strategic aim it supports", rules.strategic_aims, project.strategic_aim),
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
        date_input("aim_by", "By when?", project.aim_by, min=turn.now.date() + timedelta(days=1)),
    ]


async def _team(turn: Turn, project: Project) -> list:
    coaches = await service.coach_choices(turn.uow, site=project.site, lead_id=project.lead_id)
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
        choice("coach", "QI coach (not yourself)", choices, current),
    ]


async def _measures(turn: Turn, project: Project) -> list:
    """Five slots of name, operational definition and which way is better. The better direction is never
    assumed: it is asked for each measure, and only the outcome's is suggested, from the aim's verb."""
    suggestion = service.suggested_direction(project.aim_what)
    confirmed = project.wizard_step > 4  # the step was saved in full, so its directions were chosen
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
        better = measure.improvement if measure is not None and confirmed else None
        if better is None and key == "outcome":
            better = suggestion
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
        if key == "outcome":
            body.append(cards.text(DEFINITION_EXAMPLE, subtle=True, size="Small"))
        body.append(
            choice(f"{key}_better", f"{short}: which way is better?", BETTER, better, required=required, compact=False)
        )
        if key == "outcome" and suggestion and not confirmed:
            way = "lower" if suggestion == "decrease" else "higher"
            body.append(
                cards.text(
                    f"Suggested from your aim ('{project.aim_what}'): {way} is better. Please check.",
                    subtle=True,
                    size="Small",
                )
            )
    return body


async def _governance(turn: Turn, project: Project) -> list:
    body = [
        cards.text(
            "Three questions to check this is QI (Health Research Authority definitions). Please answer all three.",
            subtle=True,
        )
    ]
    answered = previous_answers(turn.content, project.governance)
    for question in turn.content.projects.governance:
        body.append(
            choice(
                f"gov_{question.id}",
                question.question,
                YES_NO,
                answered.get(question.id),
                required=False,
                compact=False,
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
