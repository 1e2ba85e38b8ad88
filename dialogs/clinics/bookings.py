"""`my bookings`: upcoming bookings and waitlist places, each with its calendar and Join links, and cancelling one
(asked first; the seat goes to the first waiting)."""

from __future__ import annotations

from core.clinics import booking as service
from core.clinics.model import BookingView, ClinicSession
from core.kernel.model import OutboundMessage
from dialogs.clinics import browse
from dialogs.clinics.pages import calendar_button
from dialogs.clinics.router import router
from dialogs.clinics.wording import (
    STALE,
    capitalised,
    coaches,
    join_button,
    my_place,
    session_facts,
    site,
    status_line,
    when,
    when_and_site,
    where,
)
from dialogs.kit import cards
from dialogs.kit.forms import card_int
from dialogs.kit.types import Response, Turn

BACK_TO = ("mine", "booking", "browse")  # where a Cancel button was pressed: "Keep it" goes back there


def _row(view: BookingView, turn: Turn) -> cards.Element:
    s, content = view.session, turn.content
    items = [
        cards.text(f"**{when(s, content)}** · {site(s, content)}"),
        cards.text(f"{capitalised(where(s))} · with {coaches(s)}", subtle=True, size="Small"),
        status_line(my_place(view)),
    ]
    buttons = calendar_button(turn.links, view) + (join_button(s) if view.confirmed else [])
    if view.can_cancel:
        buttons.append(cancel_button(view))
    return cards.list_row(items, buttons)


async def my_bookings_card(turn: Turn, notice: str | None = None, *, good: bool = True) -> dict:
    rows = [_row(view, turn) for view in await service.my_bookings(turn.uow, user=turn.user, now=turn.now)]
    return cards.card(
        cards.notice(notice, good=good) if notice else None,
        cards.title("My clinic bookings"),
        *rows,
        cards.text("You have no upcoming clinic bookings.") if not rows else None,
        actions=[cards.execute("Book a clinic", browse.browse, inputs=False)],
    )


@router.action("mine")
@router.command(
    "my bookings",
    title="My bookings",
    description="See and cancel your upcoming QI clinic bookings",
    aliases=("bookings", "my booking", "my clinics"),
)
async def mine(turn: Turn) -> Response:
    """Typed, or from a card: the list. From a booking's own card (its id in the button), the list comes as a new
    message and that card stays as it is, refreshed to the booking's current state."""
    listing = await my_bookings_card(turn)
    if turn.inbound.kind == "action" and "booking_id" in turn.inbound.data:
        kept = await browse.booking_card(turn, card_int(turn.inbound.data, "booking_id", stale=STALE))
        return Response(card=kept, messages=[OutboundMessage(card=listing)])
    return Response.show(listing)


# --- cancelling: asked first ----------------------------------------------------------------------------------


def cancel_button(view: BookingView, *, back: str = "mine", site: str | None = None, label: str = "") -> dict:
    """Cancel (or Leave waitlist) for one booking: it asks first. `back` is where "Keep it" returns to."""
    data: dict = {"booking_id": view.booking.id, "back": back}
    if site:
        data["site"] = site
    label = label if view.confirmed and label else ("Cancel" if view.confirmed else "Leave waitlist")
    return cards.execute(label, cancel, data, style="destructive", inputs=False)


def _back(turn: Turn) -> tuple[str, str | None]:
    data = turn.inbound.data
    back = data.get("back") if data.get("back") in BACK_TO else "mine"
    return back, data.get("site") if isinstance(data.get("site"), str) else None


def _keep_button(booking_id: int, back: str, site: str | None) -> dict:
    if back == "booking":
        return cards.execute("Keep it", browse.booking_state, {"booking_id": booking_id}, inputs=False)
    if back == "browse":
        return cards.execute("Keep it", browse.browse, {"site": site} if site else {}, inputs=False)
    return cards.execute("Keep it", mine, inputs=False)


def ask_card(turn: Turn, view: BookingView, back: str, site: str | None) -> dict:
    what = when_and_site(view.session, turn.content)
    data: dict = {"booking_id": view.booking.id, "back": back}
    if site:
        data["site"] = site
    if view.confirmed:
        question, yes, after = f"Cancel your place at {what}?", "Yes, cancel", "Your seat goes to the next person."
    else:
        question, yes, after = f"Leave the waitlist for {what}?", "Yes, leave", "You will lose your place in the queue."
    return cards.card(
        cards.heading(question),
        session_facts(view.session, turn.content),
        cards.text(after, subtle=True),
        actions=[
            cards.execute(yes, cancel_confirm, data, style="destructive", inputs=False),
            _keep_button(view.booking.id, back, site),
        ],
    )


async def _outcome(turn: Turn, back: str, site: str | None, notice: str, *, good: bool) -> Response:
    """After cancelling (or finding it already cancelled): the list the Cancel button was on, with the outcome."""
    if back == "browse":
        return Response(card=await browse.sessions_card(turn, site, notice=notice))
    return Response(card=await my_bookings_card(turn, notice, good=good))


def _already(turn: Turn, session: ClinicSession) -> str:
    return f"That booking was already cancelled ({when_and_site(session, turn.content)})."


@router.action("cancel")
async def cancel(turn: Turn) -> Response:
    """Cancel pressed: ask first. Nothing changes until "Yes, cancel"."""
    back, site = _back(turn)
    booking_id = card_int(turn.inbound.data, "booking_id", stale=STALE)
    view = await service.booking_to_cancel(turn.uow, user=turn.user, booking_id=booking_id, now=turn.now)
    if view.cancelled:
        return await _outcome(turn, back, site, _already(turn, view.session), good=False)
    return Response(card=ask_card(turn, view, back, site))


@router.action("cancel_confirm")
async def cancel_confirm(turn: Turn) -> Response:
    back, site = _back(turn)
    result = await service.cancel_booking(
        turn.uow,
        user=turn.user,
        booking_id=card_int(turn.inbound.data, "booking_id", stale=STALE),
        content=turn.content,
        messages=turn.messages["clinics"],
        now=turn.now,
    )
    if result.already:
        return await _outcome(turn, back, site, _already(turn, result.session), good=False)
    return await _outcome(turn, back, site, f"Cancelled: {when_and_site(result.session, turn.content)}.", good=True)
