"""How surveys read: the privacy sentence of every first card, dates, wave names, the inputs of an item."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from core.kernel.content import Choice, Content
from core.kernel.dates import written
from core.surveys.content import DECLINED, DECLINED_LABEL, LIKERT, MULTIPLE, SINGLE, Item
from dialogs.kit import cards

PRIVACY = (
    "Your answers are stored under a code made from your account, not your name. Reports show only groups of "
    "5 or more people and never who answered; the code lets us match your answers now with your answers later."
)
WAVES = {"before": "before", "after": "after", "follow_up": "3-month follow-up", "feedback": "feedback"}
SERIES = {
    "micro_learning": "Micro-learning",
    "qsir_course": "QSIR course",
    "celebration_day": "Celebration day",
    "webinar": "Webinar",
}
DECLINED_CHOICE = Choice(DECLINED, DECLINED_LABEL)


def day(when: datetime, content: Content) -> str:
    return written(when.astimezone(content.organisation.timezone), "%a %-d %b %Y")


def closing(when: datetime, content: Content) -> str:
    """The last day answers can be given or changed (a window closes at midnight, local time)."""
    local = when.astimezone(content.organisation.timezone)
    if local.hour == 0 and local.minute == 0:
        local -= timedelta(minutes=1)
    return written(local, "%a %-d %b %Y")


def input_id(item: Item) -> str:
    return f"q_{item.id}"


def declined_id(item: Item) -> str:
    return f"q_{item.id}__declined"


def _points(item: Item) -> tuple[Choice, ...]:
    points = tuple(Choice(p.id, f"{p.id} {p.label}") for p in item.scale.points)
    return points + ((DECLINED_CHOICE,) if item.prefer_not_to_say else ())


def _options(item: Item) -> tuple[Choice, ...]:
    return item.choices + ((DECLINED_CHOICE,) if item.prefer_not_to_say else ())


def item_inputs(item: Item, answer: Any) -> list[cards.Element]:
    """The inputs of one item, holding the answer already given. None is required on the card (a card with Finish
    later must not be blocked by the client): the server checks required answers."""
    label = item.text if item.required else f"{item.text} (optional)"
    if item.type == LIKERT and item.scale.is_range:
        scale = item.scale
        element: cards.Element = {
            "type": "Input.Number",
            "id": input_id(item),
            "label": f"{label} {scale.low} = {scale.low_label}, {scale.high} = {scale.high_label}",
            "min": scale.low,
            "max": scale.high,
        }
        if isinstance(answer, int):
            element["value"] = answer
        found = [element]
        if item.prefer_not_to_say:
            found.append(cards.toggle(declined_id(item), DECLINED_LABEL, answer == DECLINED))
        return found
    if item.type == LIKERT:
        value = str(answer) if answer is not None else None
        return [cards.choice_set(input_id(item), label, _points(item), value, required=False, compact=False)]
    if item.type == SINGLE:
        options = _options(item)
        return [
            cards.choice_set(
                input_id(item),
                label,
                options,
                answer if isinstance(answer, str) else None,
                required=False,
                compact=len(options) > 6,
            )
        ]
    if item.type == MULTIPLE:
        chosen = DECLINED if answer == DECLINED else ",".join(answer) if isinstance(answer, list) else None
        return [
            cards.choice_set(input_id(item), label, _options(item), chosen, required=False, multi=True, compact=False)
        ]
    element = {"type": "Input.Text", "id": input_id(item), "label": label, "maxLength": item.max_length}
    element["isMultiline"] = True
    if isinstance(answer, str) and answer != DECLINED:
        element["value"] = answer
    return [element]


def _text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_answer(item: Item, data: dict) -> str | tuple[str, ...] | None:
    """What the card sent for one item, as the service takes it (text, or the chosen ids of a multiple choice)."""
    if item.prefer_not_to_say and str(data.get(declined_id(item), "")).lower() == "true":
        return DECLINED
    raw = _text(data.get(input_id(item)))
    if item.type == MULTIPLE and raw is not None:
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    return raw
