"""The register for one date of an event, for the QSIR faculty and admins: mark each person attended or not in
one card, or open the check-in screen (a QR code people scan at the venue), and see who has checked in."""

from __future__ import annotations

from core.events import attendance as service
from core.events.model import Mark, RegisterSheet
from core.kernel.content import Choice
from core.kernel.errors import InvalidInput
from core.kernel.model import Role
from dialogs.events import manage
from dialogs.events.pages import CHECKIN_SCREEN
from dialogs.events.router import router
from dialogs.events.wording import STALE, date_label, when, where
from dialogs.kit import cards
from dialogs.kit.forms import card_int
from dialogs.kit.types import Response, Turn

MARKS = (Choice(Mark.ATTENDED.value, "Attended"), Choice(Mark.NO_SHOW.value, "Did not attend"))
DAMAGED = "That register card is damaged; please use the latest one."


def register_card(turn: Turn, sheet: RegisterSheet, notice: str | None = None) -> dict:
    event, d = sheet.event, sheet.date
    rows = []
    for row in sheet.rows:
        name = row.registration.user_name or "Someone"
        if row.mark and row.mark.method == "qr" and row.mark.mark == Mark.ATTENDED:
            name += " (checked in)"
        choice = cards.choice_set(
            f"att_{row.registration.id}",
            name,
            MARKS,
            row.mark.mark.value if row.mark else None,
            required=False,
            compact=False,
        )
        rows.append(choice)
    actions = []
    if sheet.can_mark and sheet.rows:
        actions.append(cards.execute("Save register", save, {"event_id": event.id, "date_id": d.id}, style="positive"))
    if sheet.checkin_open and turn.links is not None:
        url = turn.links.url(CHECKIN_SCREEN, {"u": turn.user.id, "v": event.id, "d": d.id}, expires_at=d.ends_at)
        actions.append({"type": "Action.OpenUrl", "title": "Show check-in code", "url": url})
    actions.append(cards.execute("Refresh", sheet_action, {"event_id": event.id, "date_id": d.id}, inputs=False))
    actions.append(cards.execute("Back", manage.manage, inputs=False))
    return cards.card(
        cards.notice(notice) if notice else None,
        cards.title(f"Register: {event.title}"),
        cards.facts([("When", when(d, turn.content)), ("Date", date_label(event, d)), ("Where", where(event))]),
        cards.text(f"{sheet.attended} of {len(sheet.rows)} attended so far.", subtle=True, size="Small"),
        *rows,
        cards.text("Nobody is booked on this event.") if not sheet.rows else None,
        None
        if sheet.can_mark
        else cards.text("The register can be marked once the date starts; check-in opens an hour before.", subtle=True),
        actions=actions,
    )


def _ids(turn: Turn) -> tuple[int, int]:
    data = turn.inbound.data
    return card_int(data, "event_id", stale=STALE), card_int(data, "date_id", stale=STALE)


@router.action("sheet", role=Role.FACILITATOR)
async def sheet(turn: Turn) -> Response:
    event_id, date_id = _ids(turn)
    found = await service.register_sheet(
        turn.uow, user=turn.user, event_id=event_id, date_id=date_id, content=turn.content, now=turn.now
    )
    return Response(card=register_card(turn, found))


sheet_action = sheet


def _marks(data: dict) -> dict[int, Mark]:
    marks = {}
    for key, value in data.items():
        if not key.startswith("att_") or value in (None, ""):
            continue
        registration_id = card_int({key: key.removeprefix("att_")}, key, stale=DAMAGED)
        try:
            marks[registration_id] = Mark(value)
        except ValueError:
            raise InvalidInput("Please choose attended or did not attend for each person.") from None
    return marks


@router.action("save_register", role=Role.FACILITATOR)
async def save(turn: Turn) -> Response:
    event_id, date_id = _ids(turn)
    saved = await service.record_register(
        turn.uow,
        user=turn.user,
        event_id=event_id,
        date_id=date_id,
        marks=_marks(turn.inbound.data),
        content=turn.content,
        messages=turn.messages["events"],
        now=turn.now,
    )
    return Response(card=register_card(turn, saved, f"Register saved: {saved.attended} attended."))
