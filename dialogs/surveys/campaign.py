"""An admin starts a survey: an instrument, who it is for (everyone, or a site, staff group, QI experience or
role), the closing date and up to 2 reminders. The form carries its own id, so pressing Start twice starts one."""

from __future__ import annotations

import secrets
from datetime import timedelta

from core.kernel.content import Choice
from core.kernel.model import Role
from core.surveys.campaigns import MAX_REMINDERS, audience_choices, start_campaign
from core.surveys.commands import CampaignRequest, InvalidAnswer
from core.surveys.model import Audience
from dialogs.kit import cards
from dialogs.kit.forms import FormError
from dialogs.kit.types import Response, Turn
from dialogs.surveys.router import router
from dialogs.surveys.wording import closing

KIND_LABELS = {
    Audience.SITE: "Site",
    Audience.STAFF_GROUP: "Staff group",
    Audience.EXPERIENCE: "QI experience",
    Audience.ROLE: "Role",
}
FIELDS = {
    "instrument_id": "instrument",
    "audience": "audience",
    "audience_value": "audience",
    "closes_on": "closes_on",
    "reminders": "reminders",
}


def _audiences(turn: Turn) -> tuple[Choice, ...]:
    found = [Choice(Audience.EVERYONE.value, "Everyone")]
    for kind, label in KIND_LABELS.items():
        found += [
            Choice(f"{kind.value}:{value}", f"{label}: {text}") for value, text in audience_choices(turn.content, kind)
        ]
    return tuple(found)


def form_card(turn: Turn, token: str | None = None) -> dict:
    instruments = tuple(Choice(i.id, i.title) for i in turn.content.surveys.instruments.values())
    default_close = (turn.now.astimezone(turn.content.organisation.timezone) + timedelta(days=14)).date().isoformat()
    return cards.card(
        cards.title("Start a survey"),
        cards.choice_set("instrument", "Which survey?", instruments, required=False),
        cards.choice_set("audience", "Who is it for?", _audiences(turn), Audience.EVERYONE.value, required=False),
        {"type": "Input.Date", "id": "closes_on", "label": "Open until (the last day)", "value": default_close},
        cards.choice_set(
            "reminders",
            "Reminders to people who have not answered",
            tuple(Choice(str(n), str(n)) for n in range(MAX_REMINDERS + 1)),
            str(MAX_REMINDERS),
            required=False,
        ),
        cards.text(
            "Invitations go out in people's working hours, through their message settings.", subtle=True, size="Small"
        ),
        actions=[
            cards.execute("Start", start, {"form_token": token or secrets.token_hex(12)}, style="positive"),
            cards.execute("Cancel", cancel, inputs=False),
        ],
    )


@router.action("form", role=Role.ADMIN)
async def form(turn: Turn) -> Response:
    return Response(card=form_card(turn))


@router.action("cancel", role=Role.ADMIN)
async def cancel(turn: Turn) -> Response:
    return Response(card=cards.card(cards.notice("No survey was started.")))


@router.action("start", role=Role.ADMIN)
async def start(turn: Turn) -> Response:
    data = turn.inbound.data
    token = str(data.get("form_token") or "")[:64]
    kind, _, value = str(data.get("audience") or "").partition(":")
    request = CampaignRequest(
        instrument_id=str(data.get("instrument") or "") or None,
        audience=kind or None,
        audience_value=value or None,
        closes_on=str(data.get("closes_on") or "") or None,
        reminders=str(data.get("reminders") if data.get("reminders") is not None else "") or None,
        form_token=token or secrets.token_hex(12),
    )
    try:
        started = await start_campaign(turn.uow, user=turn.user, request=request, content=turn.content, now=turn.now)
    except InvalidAnswer as problem:
        raise FormError(form_card(turn, token), problem.message, field=FIELDS.get(problem.field)) from None
    instrument = turn.content.surveys.instrument(started.campaign.instrument_id)
    if started.already:
        text = "This survey was already started from this form: nothing new was sent."
    else:
        text = (
            f"Started: {instrument.title}, {started.invited} people invited, open until "
            f"{closing(started.campaign.closes_at, turn.content)}."
        )
    return Response(card=cards.card(cards.notice(text, good=not started.already)))
