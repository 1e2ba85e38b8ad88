"""`my bookings`: upcoming bookings and waitlist places, and cancelling one (the seat goes to the first waiting)."""

from __future__ import annotations

from core.clinics import booking as service
from core.clinics.model import BookingView
from dialogs.clinics import browse
from dialogs.clinics.router import router
from dialogs.clinics.wording import STALE, capitalised, coaches, site, when, when_and_site, where
from dialogs.kit import cards
from dialogs.kit.forms import card_int
from dialogs.kit.types import Response, Turn


def _row(view: BookingView, turn: Turn) -> cards.Element:
    s, content = view.session, turn.content
    status = "Booked" if view.confirmed else f"Waitlist, number {view.waitlist_position}"
    items = [
        cards.text(f"**{when(s, content)}** · {site(s, content)}"),
        cards.text(f"{capitalised(where(s))} · with {coaches(s)}", subtle=True, size="Small"),
        {**cards.text(status, size="Small", color="Good" if view.confirmed else "Warning"), "weight": "Bolder"},
    ]
    if view.can_cancel:
        label = "Cancel" if view.confirmed else "Leave waitlist"
        items.append(
            cards.action_set(cards.execute(label, cancel, {"booking_id": view.booking.id}, style="destructive"))
        )
    return cards.list_row(items)


async def my_bookings_card(turn: Turn, notice: str | None = None, *, good: bool = True) -> dict:
    rows = [_row(view, turn) for view in await service.my_bookings(turn.uow, user=turn.user, now=turn.now)]
    return cards.card(
        cards.notice(notice, good=good) if notice else None,
        cards.title("My clinic bookings"),
        *rows,
        cards.text("You have no upcoming clinic bookings.") if not rows else None,
        actions=[cards.execute("Book a clinic", browse.browse)],
    )


@router.action("mine")
@router.command(
    "my bookings",
    title="My bookings",
    description="See and cancel your upcoming QI clinic bookings",
    aliases=("bookings", "my booking", "my clinics"),
)
async def mine(turn: Turn) -> Response:
    return Response.show(await my_bookings_card(turn))


@router.action("cancel")
async def cancel(turn: Turn) -> Response:
    result = await service.cancel_booking(
        turn.uow,
        user=turn.user,
        booking_id=card_int(turn.inbound.data, "booking_id", stale=STALE),
        content=turn.content,
        messages=turn.messages["clinics"],
        now=turn.now,
    )
    what = when_and_site(result.session, turn.content)
    if result.already:
        return Response(card=await my_bookings_card(turn, f"That booking was already cancelled ({what}).", good=False))
    return Response(card=await my_bookings_card(turn, f"Cancelled: {what}."))
