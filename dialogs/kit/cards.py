"""Small pure builders for Adaptive Cards 1.5 (the most Teams renders). Every card the bot sends is built here
or from these pieces, and validated against the official schema in tests/dialogs/test_cards_schema.py."""

from __future__ import annotations

from typing import Any

from core.kernel.content import Choice
from dialogs.kit.feature import Action
from dialogs.kit.run import run_command

CARD_VERSION = "1.5"

Element = dict[str, Any]


def card(*body: Element | None, actions: list[Element] | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": [element for element in body if element is not None],
    }
    if actions:
        result["actions"] = actions
    return result


def title(text: str) -> Element:
    return {"type": "TextBlock", "text": text, "size": "Large", "weight": "Bolder", "wrap": True}


def heading(text: str) -> Element:
    return {"type": "TextBlock", "text": text, "size": "Medium", "weight": "Bolder", "wrap": True, "spacing": "Medium"}


def text(value: str, *, subtle: bool = False, color: str | None = None, size: str | None = None) -> Element:
    block: Element = {"type": "TextBlock", "text": value, "wrap": True}
    if subtle:
        block["isSubtle"] = True
    if color:
        block["color"] = color
    if size:
        block["size"] = size
    return block


def notice(value: str, *, good: bool = True) -> Element:
    """A one-line outcome at the top of a replaced card ("Saved", "That did not work"), in bold.

    Its words say whether it is good news (`good` is kept for the callers that say so): Teams' green is unreadable
    on its light theme and its red on the dark one (tests/kernel/test_contrast.py), so no colour carries it."""
    del good
    return {"type": "TextBlock", "text": value, "wrap": True, "weight": "Bolder"}


def facts(pairs: list[tuple[str, str]]) -> Element:
    return {"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in pairs]}


def execute(
    label: str,
    verb: Action,
    data: dict[str, Any] | None = None,
    *,
    style: str | None = None,
    inputs: bool = True,
) -> Element:
    """A button. `verb` is the Action a router registered (`@router.action`), never a string, so a button cannot
    name a verb that has no handler. `inputs=False` sends none of the card's inputs, so a required, empty input
    never blocks it: use it for Back, Cancel and every other button that does not need the form."""
    if not isinstance(verb, Action):
        raise TypeError(f"button {label!r}: pass the registered Action (@router.action), not {verb!r}")
    action: Element = {"type": "Action.Execute", "title": label, "verb": verb.verb, "data": data or {}}
    if style:
        action["style"] = style
    if not inputs:
        action["associatedInputs"] = "none"
    return action


def action_set(*actions: Element) -> Element:
    return {"type": "ActionSet", "actions": list(actions)}


def list_row(items: list[Element | None], buttons: list[Element] | None = None, *, separator: bool = True) -> Element:
    """One item of a list on a card: its lines, then its buttons under them. Buttons under the text (not in a
    column beside it) keep every word whole on a 320 px phone card."""
    lines = [item for item in items if item is not None]
    if buttons:
        lines.append(action_set(*buttons))
    row: Element = {"type": "Container", "spacing": "Medium", "items": lines}
    if separator:
        row["separator"] = True
    return row


def choice_set(
    input_id: str,
    label: str,
    choices: tuple[Choice, ...] | list[Choice],
    value: str | None = None,
    *,
    required: bool = True,
    multi: bool = False,
    compact: bool = True,
    error: str | None = None,
) -> Element:
    element: Element = {
        "type": "Input.ChoiceSet",
        "id": input_id,
        "label": label,
        "style": "compact" if compact else "expanded",
        "isMultiSelect": multi,
        "choices": [{"title": c.label, "value": c.id} for c in choices],
    }
    if value:
        element["value"] = value
    elif not multi:
        element["placeholder"] = "Choose one"
    if required:
        element["isRequired"] = True
        element["errorMessage"] = error or (
            "Please choose an answer." if label.endswith("?") else f"Please choose {label[:1].lower()}{label[1:]}."
        )
    return element


def toggle(input_id: str, label: str, on: bool) -> Element:
    return {
        "type": "Input.Toggle",
        "id": input_id,
        "title": label,
        "value": "true" if on else "false",
        "valueOn": "true",
        "valueOff": "false",
        "wrap": True,
    }


def number(input_id: str, label: str, value: int, minimum: int, maximum: int) -> Element:
    return {"type": "Input.Number", "id": input_id, "label": label, "value": value, "min": minimum, "max": maximum}


def time_input(input_id: str, label: str, value: str) -> Element:
    """A time, picked from a list in 24-hour form (Input.Time shows 12-hour clocks on some phones)."""
    times = [f"{h:02d}:{m:02d}" for h in range(24) for m in (0, 30)]
    if value not in times:
        times = sorted({*times, value})
    return {
        "type": "Input.ChoiceSet",
        "id": input_id,
        "label": label,
        "style": "compact",
        "value": value,
        "choices": [{"title": t, "value": t} for t in times],
    }


def section(section_id: str, heading_text: str, summary: str, *items: Element | None, open: bool = False) -> list:
    """A heading with a one-line summary and a Change button that opens its inputs in place (inputs in a hidden
    section are still sent, so saving keeps them)."""
    return [
        {
            "type": "ColumnSet",
            "spacing": "Medium",
            "columns": [
                {"type": "Column", "width": "stretch", "items": [heading(heading_text), text(summary, subtle=True)]},
                {
                    "type": "Column",
                    "width": "auto",
                    "verticalContentAlignment": "Center",
                    "items": [
                        action_set(
                            {"type": "Action.ToggleVisibility", "title": "Change", "targetElements": [section_id]}
                        )
                    ],
                },
            ],
        },
        {"type": "Container", "id": section_id, "isVisible": open, "items": [i for i in items if i is not None]},
    ]


def problem_card(message: str) -> dict[str, Any]:
    """Something did not work: say so plainly and offer the way on."""
    return card(notice(message, good=False), actions=[execute("Show the menu", run_command, {"command": "help"})])


def text_input(
    input_id: str,
    label: str,
    limit: int,
    value: object = None,
    *,
    multiline: bool = False,
    placeholder: str | None = None,
    required: bool = False,
) -> Element:
    """A free-text field, holding what the person typed when the form is shown again."""
    element: Element = {"type": "Input.Text", "id": input_id, "label": label, "maxLength": limit}
    if multiline:
        element["isMultiline"] = True
    if placeholder:
        element["placeholder"] = placeholder
    if isinstance(value, str) and value:
        element["value"] = value
    if required:
        element["isRequired"] = True
        element["errorMessage"] = f"Please add {label[:1].lower()}{label[1:]}."
    return element


def date_input(input_id: str, label: str, value: str | None = None, *, minimum: str | None = None) -> Element:
    """A date (YYYY-MM-DD, as Teams sends it)."""
    element: Element = {"type": "Input.Date", "id": input_id, "label": label, "isRequired": True}
    element["errorMessage"] = f"Please choose {label[:1].lower()}{label[1:]}."
    if value:
        element["value"] = value
    if minimum:
        element["min"] = minimum
    return element
