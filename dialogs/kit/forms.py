"""Form input from cards: reading ids and numbers, and the one way to refuse a form.

A refused form raises FormError with the card to show again (the values typed and the message next to the
field). The router answers with that card and rolls the whole turn back, so no handler can commit after
invalid input.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.kernel.errors import DomainError, InvalidInput

MAX_ID = 2**63 - 1  # ids are 64-bit integers in both databases


INPUT_TYPES = {"Input.Text", "Input.Number", "Input.Date", "Input.Time", "Input.Toggle", "Input.ChoiceSet"}


class FormError(DomainError):
    """`card` is the form to show again; `field` is the input the message is about (shown right under it).
    The router refills the card with everything the person typed (`refill`), so nothing typed is lost."""

    def __init__(self, card: dict[str, Any], message: str = "Please check the form.", *, field: str | None = None):
        super().__init__(message)
        self.card = card
        self.field = field


def refill(card: dict[str, Any], typed: dict[str, Any], *, field: str | None = None, message: str = "") -> dict:
    """The same card with each input's value set to what was typed, and `message` under the input `field`.

    One mechanism for every form: a refused step, Back and Finish later all come back as they were left."""

    def visit(node: Any) -> Any:
        if isinstance(node, list):
            out = []
            for item in node:
                out.append(visit(item))
                if isinstance(item, dict) and field and item.get("id") == field and message:
                    out.append(field_error(message))
            return out
        if not isinstance(node, dict):
            return node
        node = {key: visit(value) for key, value in node.items()}
        if node.get("type") in INPUT_TYPES and node.get("id") in typed:
            value = typed[node["id"]]
            if node["type"] == "Input.Number":
                number = _number(value)
                if isinstance(number, int | float):  # a non-number stays out: the message says what is wrong
                    node["value"] = number
                else:
                    node.pop("value", None)
            elif isinstance(value, str | int | float) and not isinstance(value, bool):
                node["value"] = str(value)
            if field and node["id"] == field:
                node["errorMessage"] = message
        return node

    return visit(card)


def field_error(message: str) -> dict[str, Any]:
    """The message right under the field it is about: bold default text (Teams' red fails WCAG contrast on its dark
    theme, tests/kernel/test_contrast.py), so its words say what is wrong."""
    return {"type": "TextBlock", "text": message, "wrap": True, "weight": "Bolder", "spacing": "None"}


def _number(value: Any) -> float | int | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return int(number) if number.is_integer() else number


def card_number(data: Mapping[str, Any], key: str, *, whole: bool = False, invalid: Any = None) -> Any:
    """A number typed in a form (cards send strings): None when left empty, `invalid` when it is not a finite
    number (with `whole`, not a whole one). Services check the range, so their message names the field."""
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = _number(value.strip() if isinstance(value, str) else value)
    if number is None or (whole and not isinstance(number, int)):
        return invalid
    return number if whole else float(number)


def card_int(
    data: dict[str, Any], key: str, *, stale: str = "That card is out of date.", default: int | None = None
) -> int:
    """An id or a whole number a card sent (cards send strings); anything else means the card is stale or forged."""
    value = data.get(key, default)
    if isinstance(value, bool):
        raise InvalidInput(stale)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or not -MAX_ID <= value <= MAX_ID:
        raise InvalidInput(stale)
    return value
