"""What the project task modules share: reading a card's values into typed commands, refusing a form (the card
again with what was typed and the message next to its field), and the pieces several cards show."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import date
from typing import Any, TypeVar

from core.kernel.content import Content, choice_label
from core.kernel.errors import InvalidInput
from core.projects.commands import InvalidField
from core.projects.model import Project
from core.projects.ports import ProjectMessages
from dialogs.kit import cards
from dialogs.kit.forms import FormError, card_int
from dialogs.kit.types import Turn

T = TypeVar("T")
STALE = "That card is out of date. Type **my projects** to carry on."
GOVERNANCE_LABEL = {
    "qi": "Quality improvement",
    "audit": "Clinical audit",
    "service_evaluation": "Service evaluation",
    "research": "Research",
}


def messages(turn: Turn) -> ProjectMessages:
    """The project's proactive message builder, built once in the composition root."""
    return turn.messages["projects"]


# --- card values in --------------------------------------------------------------------------------------------


def card_id(turn: Turn, key: str = "project_id") -> int:
    return card_int(turn.inbound.data, key, stale=STALE)


def text(data: Mapping[str, Any], key: str) -> str | None:
    """A text input's value (the services clean and check it); a list or an object means a forged card."""
    value = data.get(key)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise InvalidInput(STALE)


def day(data: Mapping[str, Any], key: str) -> date | None:
    """A date input's value, or None when it is empty or not a date."""
    try:
        return date.fromisoformat(str(data.get(key) or "").strip())
    except ValueError:
        return None


def whole(data: Mapping[str, Any], key: str) -> int | None:
    """A choice of a whole number (a score), or None when none was chosen."""
    if str(data.get(key) or "").strip() == "":
        return None
    return card_int(data, key, stale=STALE)


# --- refusing a form -------------------------------------------------------------------------------------------


def refuse(
    card: dict, problem: InvalidInput, data: Mapping[str, Any], fields: Mapping[str, str] | None = None
) -> FormError:
    """The form again with the message at the top and next to the field it is about (`fields` maps a command's
    field to the card's input id). Raise it: the router fills the card with everything typed (`refill`, the one
    mechanism for every form) and rolls the turn back. `data` is what was typed (the router refills from it)."""
    field = getattr(problem, "field", None) if isinstance(problem, InvalidField) else None
    input_id = (fields or {}).get(field, field) if field else None
    card["body"].insert(0, cards.notice(problem.message, good=False))
    return FormError(card, problem.message, field=input_id)


async def or_refuse(turn: Turn, work: Awaitable[T], form: Callable[[], Awaitable[dict]], fields=None) -> T:
    """Do the work; if the service refuses the values as invalid, raise the form again (`form()` builds it as the
    person may see it) with what they typed and the message next to its field."""
    try:
        return await work
    except InvalidInput as problem:
        raise refuse(await form(), problem, turn.inbound.data, fields) from None


# --- card pieces -----------------------------------------------------------------------------------------------


REQUIRED = " (required)"


def text_input(
    input_id: str,
    label: str,
    value: str | None,
    *,
    multiline: bool = False,
    max_length: int = 200,
    placeholder: str | None = None,
    required: bool = False,
) -> dict:
    """A text box. A required one says so in its label and is checked on the server, never with `isRequired`,
    which would stop Back, Finish later and Cancel while it is empty."""
    element = {
        "type": "Input.Text",
        "id": input_id,
        "label": label + (REQUIRED if required else ""),
        "value": value or "",
        "maxLength": max_length,
        "isMultiline": multiline,
    }
    if placeholder:
        element["placeholder"] = placeholder
    return element


def date_input(
    input_id: str, label: str, value: date | None, *, error: str | None = None, required: bool = True, **bounds: date
) -> dict:
    """A date, checked on the server (see text_input): the bounds only guide the picker, and `error` is what the
    server says when it is missing."""
    element = {
        "type": "Input.Date",
        "id": input_id,
        "label": label + (REQUIRED if required else ""),
        "value": value.isoformat() if value else "",
    }
    if error:
        element["errorMessage"] = error
    return element | {key: bound.isoformat() for key, bound in bounds.items()}


def choice(input_id: str, label: str, choices, value: str | None, *, required: bool = True, **options) -> dict:
    """A choice checked on the server (see text_input); a required one says so in its label."""
    return cards.choice_set(input_id, label + (REQUIRED if required else ""), choices, value, required=False, **options)


def summary_facts(content: Content, project: Project, *, private: bool) -> dict:
    """The facts every project card starts with; the coach's comment only for the team, coach and admins."""
    org, rules = content.organisation, content.projects
    pairs = [
        ("Aim", project.aim or "not set"),
        ("Site", org.label("sites", project.site)),
        ("Division", choice_label(rules.divisions, project.division)),
        ("Lead", project.lead_name or "you"),
        ("Coach", project.coach_name or ("to be found" if project.needs_coach else "none")),
        ("Status", project.status.value.capitalize()),
    ]
    if project.governance:
        pairs.append(("Type", GOVERNANCE_LABEL[project.governance]))
    if project.progress_score is not None:
        pairs.append(("Progress", f"{project.progress_score:.1f}: {rules.score_meaning(project.progress_score)}"))
    if project.approval_comment and private:
        pairs.append(("Coach's comment", project.approval_comment))
    return cards.facts(pairs)


def project_list(turn: Turn, title: str, projects: list[Project], empty: str, open_action) -> dict:
    """A list of projects, each with Open."""
    org = turn.content.organisation
    rows = [
        cards.list_row(
            [
                cards.text(f"**{p.title or 'Untitled draft'}**"),
                cards.text(
                    f"{org.label('sites', p.site)} · {p.status.value}"
                    + (f" · score {p.progress_score:.1f}" if p.progress_score is not None else ""),
                    subtle=True,
                    size="Small",
                ),
            ],
            [cards.execute("Open", open_action, {"project_id": p.id})],
        )
        for p in projects
    ]
    return cards.card(cards.title(title), *rows, cards.text(empty) if not rows else None)
