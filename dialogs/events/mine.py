"""`my events`: the person's places and waitlist places, and cancelling one (the place goes to the first person
waiting, who is told)."""

from __future__ import annotations

from core.events import registration as service
from core.events.model import RegistrationView
from dialogs.events import browse
from dialogs.events.router import router
from dialogs.events.wording import STALE, event_when, where
from dialogs.kit import cards
from dialogs.kit.forms import card_int
from dialogs.kit.types import Response, Turn


def _row(view: RegistrationView, turn: Turn) -> cards.Element:
    event = view.event
    status = "Booked" if view.confirmed else f"Waitlist, number {view.waitlist_position}"
    buttons = [cards.execute("Details", browse.registration_state, {"registration_id": view.registration.id})]
    if view.can_cancel:
        label = "Cancel" if view.confirmed else "Leave waitlist"
        buttons.append(
            cards.execute(label, cancel, {"registration_id": view.registration.id}, style="destructive", inputs=False)
        )
    return cards.list_row(
        [
            cards.text(f"**{event.title}**"),
            cards.text(f"{event_when(event, turn.content)} · {where(event)}", subtle=True, size="Small"),
            {**cards.text(status, size="Small"), "weight": "Bolder"},
        ],
        buttons,
    )


async def my_events_card(turn: Turn, notice: str | None = None, *, good: bool = True) -> dict:
    rows = [_row(view, turn) for view in await service.my_events(turn.uow, user=turn.user, now=turn.now)]
    return cards.card(
        cards.notice(notice, good=good) if notice else None,
        cards.title("My courses and events"),
        *rows,
        cards.text("You have no upcoming courses or events.") if not rows else None,
        actions=[cards.execute("Courses and events", browse.browse)],
    )


@router.action("mine")
@router.command(
    "my events",
    title="My events",
    description="Your places on QSIR courses and events, with calendar files, and cancelling",
    aliases=("my courses", "my event", "my training"),
    in_manifest=False,
)
async def mine(turn: Turn) -> Response:
    return Response.show(await my_events_card(turn))


@router.action("cancel")
async def cancel(turn: Turn) -> Response:
    result = await service.cancel_registration(
        turn.uow,
        user=turn.user,
        registration_id=card_int(turn.inbound.data, "registration_id", stale=STALE),
        content=turn.content,
        messages=turn.messages["events"],
        now=turn.now,
    )
    what = f"{result.event.title}, {event_when(result.event, turn.content)}"
    if result.already:
        return Response(card=await my_events_card(turn, f"That place was already cancelled ({what}).", good=False))
    return Response(card=await my_events_card(turn, f"Cancelled: {what}."))
