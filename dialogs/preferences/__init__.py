"""`settings`: pause all nudges for N days, choose which kinds of message to get, set your own hours."""

from __future__ import annotations

from datetime import time

from core.kernel.content import Choice
from core.kernel.dates import written
from core.kernel.errors import InvalidInput
from core.kernel.model import Preferences, WorkingHours
from core.kernel.working_hours import DAY_NAMES, describe
from core.preferences.services import get_preferences, update_preferences
from dialogs.kit import cards
from dialogs.kit.feature import FeatureRouter
from dialogs.kit.forms import FormError
from dialogs.kit.types import Response, Turn

router = FeatureRouter("preferences")

DAY_CHOICES = tuple(Choice(id=str(i), label=name.capitalize()) for i, name in enumerate(DAY_NAMES))


def settings_card(turn: Turn, prefs: Preferences, *, notice: str | None = None, open: str | None = None) -> dict:
    """About one phone screen: three sections, each a summary line with Change to open its inputs."""
    rules = turn.content.nudges
    hours = prefs.hours or rules.default_hours
    if prefs.paused_until and prefs.paused_until > turn.now:
        local = prefs.paused_until.astimezone(turn.content.organisation.timezone)
        pause_text = f"Paused until {written(local, '%a %-d %b, %H:%M')}. Enter 0 to restart them now."
    else:
        pause_text = "Nudges are on."
    kinds = [c for c in rules.categories if c.can_opt_out]
    off = [c.label for c in kinds if c.id in prefs.opted_out]
    learning_time = prefs.learning_time or turn.content.learning.rules.default_nudge_time
    kinds_text = (
        "All kinds on" if not off else f"Off: {', '.join(off)}"
    ) + f"; learning reminder at {learning_time:%H:%M}."
    hours_text = f"{describe(hours)} ({'your own hours' if prefs.hours else 'the usual working week'})."
    return cards.card(
        cards.notice(notice) if notice else None,
        cards.title("Your settings"),
        *cards.section(
            "settings-pause",
            "Pause",
            pause_text,
            {
                "type": "Input.Number",
                "id": "pause_days",
                # No min/max: a client would silently cap 400 to 90; the server explains instead.
                "label": f"Pause all nudges for how many days? (0 to {rules.max_pause_days})",
                "placeholder": "Leave empty to keep as it is",
            },
            open=open == "pause_days",
        ),
        *cards.section(
            "settings-kinds",
            "What I may send you",
            kinds_text,
            *[cards.toggle(f"cat_{c.id}", f"{c.label}: {c.description}", c.id not in prefs.opted_out) for c in kinds],
            cards.time_input("learning_time", "Daily learning reminder at", f"{learning_time:%H:%M}"),
            open=open is not None and (open.startswith("cat_") or open == "learning_time"),
        ),
        *cards.section(
            "settings-hours",
            "When I may nudge you",
            hours_text + " Booking reminders come when they are due.",
            cards.toggle("own_hours", "Use my own hours (for shift patterns)", prefs.hours is not None),
            cards.choice_set(
                "days", "Days", DAY_CHOICES, ",".join(str(d) for d in sorted(hours.days)), multi=True, required=False
            ),
            cards.time_input("start", "From", f"{hours.start:%H:%M}"),
            cards.time_input("end", "Until (earlier than From means overnight)", f"{hours.end:%H:%M}"),
            open=open in ("own_hours", "days", "start", "end"),
        ),
        actions=[cards.execute("Save settings", save, style="positive")],
    )


@router.command(
    "settings",
    title="Settings",
    description="Pause nudges, choose which reminders you get and set your working hours",
    aliases=("preferences", "notifications", "pause"),
)
async def show(turn: Turn) -> Response:
    prefs = await get_preferences(turn.uow, user_id=turn.user.id)
    return Response.show(settings_card(turn, prefs))


class FieldProblem(InvalidInput):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _parse_pause(raw, most: int) -> int | None:
    if raw in (None, ""):
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise FieldProblem("pause_days", "The pause must be a whole number of days.") from None
    if value != value or value != int(value):
        raise FieldProblem("pause_days", "The pause must be a whole number of days.")
    if not 0 <= value <= most:
        raise FieldProblem("pause_days", f"Please choose a pause of 0 to {most} days.")
    return int(value)


def _parse_time(raw, field: str, label: str) -> time:
    try:
        return time.fromisoformat(str(raw))
    except ValueError:
        raise FieldProblem(field, f"{label} must be a time such as 08:00.") from None


def _parse_hours(data: dict) -> WorkingHours | None:
    if str(data.get("own_hours", "false")).lower() != "true":
        return None
    try:
        days = frozenset(int(d) for d in str(data.get("days", "")).split(",") if d.strip())
    except ValueError:
        raise FieldProblem("days", "Please choose your working days from the list.") from None
    if not days or not days <= set(range(7)):
        raise FieldProblem("days", "Please choose at least one working day.")
    start, end = _parse_time(data.get("start"), "start", "From"), _parse_time(data.get("end"), "end", "Until")
    if start == end:
        raise FieldProblem("end", "From and Until must be different times.")
    return WorkingHours(days=days, start=start, end=end)


@router.action("save")
async def save(turn: Turn) -> Response:
    data, rules = turn.inbound.data, turn.content.nudges
    try:
        opted_out = {
            c.id for c in rules.categories if c.can_opt_out and str(data.get(f"cat_{c.id}", "true")).lower() == "false"
        }
        prefs = await update_preferences(
            turn.uow,
            user_id=turn.user.id,
            rules=rules,
            pause_days=_parse_pause(data.get("pause_days"), rules.max_pause_days),
            opted_out=opted_out,
            hours=_parse_hours(data),
            now=turn.now,
            learning_time=_parse_time(data["learning_time"], "learning_time", "The learning reminder time")
            if data.get("learning_time")
            else None,
        )
    except InvalidInput as problem:
        field = getattr(problem, "field", None)
        current = await get_preferences(turn.uow, user_id=turn.user.id)
        card = settings_card(turn, current, open=field or "pause_days")
        raise FormError(card, problem.message, field=field) from None
    return Response(card=settings_card(turn, prefs, notice="Settings saved."))
