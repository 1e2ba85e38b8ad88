"""`book clinic`: the sessions at a site, the booking form (intake), booking, and the confirmation card."""

from __future__ import annotations

from typing import Any

from core.clinics import booking as service
from core.clinics.commands import BookingRequest, InvalidAnswer
from core.clinics.model import BookingView, Browse, Intake, SessionOption
from core.clinics.services import MAX_QUESTION
from core.kernel.content import Choice
from core.kernel.errors import AlreadyBooked, ClinicFull, TooManyBookings
from dialogs.clinics import bookings, session_cancel
from dialogs.clinics.pages import calendar_button
from dialogs.clinics.router import router
from dialogs.clinics.wording import (
    STALE,
    capitalised,
    coaches,
    field_problem,
    help_label,
    join_button,
    my_place,
    seats,
    session_facts,
    session_pairs,
    status_line,
    text_input,
    when,
    when_and_site,
    where,
)
from dialogs.kit import cards
from dialogs.kit.forms import FormError, card_int
from dialogs.kit.types import Response, Turn

PAGE = 6
NO_PROJECT = Choice(id="none", label="Not about a registered project")
FIELDS = {"help_with": "help_with", "question": "question", "project_id": "project"}  # command field -> input id


# --- the sessions at a site -----------------------------------------------------------------------------------


def _session_row(option: SessionOption, turn: Turn, site: str) -> cards.Element:
    """One session: its lines, then its buttons under them. A session I hold a place on says so, with what I can
    do about that place, instead of offering it again."""
    session, held = option.session, option.mine
    details = f"{capitalised(where(session))} · with {coaches(session)}" + (
        f" · {session.focus}" if session.focus else ""
    )
    if held is not None:
        status = my_place(held)
        buttons = calendar_button(turn.links, held)
        if held.can_cancel:
            buttons.append(bookings.cancel_button(held, back="browse", site=site))
    else:
        status = seats(session)
        label = "Join waitlist" if option.full else "Book"
        data = {"session_id": session.id, "waitlist": option.full, "site": site}
        buttons = [cards.execute(label, choose, data, style=None if option.full else "positive", inputs=False)]
    if option.can_cancel_session:
        buttons.append(cards.execute("Cancel session", session_cancel.ask, {"session_id": session.id}, inputs=False))
    lines = [cards.text(f"**{when(session, turn.content)}**"), cards.text(details, subtle=True, size="Small")]
    return cards.list_row([*lines, status_line(status)], buttons)


def browse_card(turn: Turn, listing: Browse, page: int = 0, notice: str | None = None) -> dict:
    content, org, site = turn.content, turn.content.organisation, listing.site
    pages = max(1, -(-len(listing.sessions) // PAGE))
    page = min(max(0, page), pages - 1)
    rows = [_session_row(option, turn, site) for option in listing.sessions[page * PAGE : (page + 1) * PAGE]]
    paging = []
    if page > 0:
        paging.append(cards.execute("Earlier sessions", browse, {"site": site, "page": page - 1}, inputs=False))
    if page < pages - 1:
        paging.append(cards.execute("Later sessions", browse, {"site": site, "page": page + 1}, inputs=False))
    weeks = content.clinics.rules.weeks_shown
    empty = (
        cards.text(
            f"No sessions left to book at {org.label('sites', site)} in the next {weeks} weeks. Try another site."
        )
        if not listing.sessions
        else None
    )
    at_limit = (
        [
            cards.notice(service.limit_message(content), good=False),
            cards.action_set(cards.execute("My bookings", bookings.mine)),
        ]
        if listing.at_limit
        else []
    )
    return cards.card(
        cards.notice(notice) if notice else None,
        cards.title("Book a QI clinic"),
        cards.text("Time with a QI coach for an idea, a live project or help with data.", subtle=True),
        *at_limit,
        cards.choice_set("site", "Site", org.sites, site, error="Please choose a site."),
        cards.action_set(cards.execute("Show sessions", browse, {"page": 0})),
        empty,
        *rows,
        cards.action_set(*paging) if paging else None,
        cards.text(f"Page {page + 1} of {pages}", subtle=True, size="Small") if pages > 1 else None,
    )


def limit_card(turn: Turn, message: str, site: str | None) -> dict:
    """Book pressed at the limit of upcoming bookings: why, before any question, and the way to free a place."""
    return cards.card(
        cards.title("You cannot book another clinic yet"),
        cards.text(message),
        actions=[
            cards.execute("My bookings", bookings.mine, style="positive"),
            cards.execute("Back", browse, {"site": site} if site else {}, inputs=False),
        ],
    )


async def sessions_card(turn: Turn, site: str | None, *, page: int = 0, notice: str | None = None) -> dict:
    listing = await service.browse(turn.uow, user=turn.user, site=site, content=turn.content, now=turn.now)
    return browse_card(turn, listing, page, notice)


@router.action("browse")
@router.command(
    "book clinic",
    title="Book clinic",
    description="Book time with a QI coach at your site or online",
    aliases=("book a clinic", "book", "clinic", "clinics", "qi clinic"),
)
async def browse(turn: Turn) -> Response:
    """Typed, the person's own site; from a card, the site and page it asks for."""
    data = turn.inbound.data
    site = data.get("site") if isinstance(data.get("site"), str) else None
    return Response.show(await sessions_card(turn, site, page=card_int(data, "page", default=0)))


# --- the booking form -----------------------------------------------------------------------------------------


def intake_card(
    turn: Turn,
    intake: Intake,
    *,
    answers: dict[str, Any] | None = None,
    notice: str | None = None,
    problem: InvalidAnswer | None = None,
) -> dict:
    """The three intake questions; shown again with the answers given and the refused one's message under it."""
    content, session, answers = turn.content, intake.session, answers or {}
    refused = FIELDS.get(problem.field) if problem else None

    def under(input_id: str) -> cards.Element | None:
        return field_problem(problem.message) if problem and refused == input_id else None

    if problem and refused is None:
        notice = problem.message
    projects = [Choice(str(project_id), title) for project_id, title in intake.projects]
    project = answers.get("project")
    return cards.card(
        cards.notice(notice, good=False) if notice else None,
        cards.title("Join the waitlist" if intake.waitlist else "Book this clinic"),
        session_facts(session, content),
        cards.text(
            "If a place comes up you will get it automatically and I will tell you."
            if intake.waitlist
            else f"{seats(session)}.",
            subtle=True,
        ),
        cards.choice_set(
            "help_with",
            "What would you like help with?",
            content.clinics.rules.help_with,
            answers.get("help_with"),
            compact=False,
            error="Please choose what you would like help with.",
        ),
        under("help_with"),
        cards.choice_set(
            "project",
            "Which of your projects, if any?",
            (*projects, NO_PROJECT),
            project if isinstance(project, str) and project else NO_PROJECT.id,
            required=False,
        ),
        under("project"),
        text_input(
            "question",
            "Your question in a sentence or two (optional)",
            MAX_QUESTION,
            answers.get("question"),
            multiline=True,
        ),
        under("question"),
        actions=[
            cards.execute(
                "Join waitlist" if intake.waitlist else "Confirm booking",
                book,
                {"session_id": session.id, "waitlist": intake.waitlist},
                style="positive",
            ),
            cards.execute("Back", browse, {"site": session.site}, inputs=False),
        ],
    )


async def _intake(turn: Turn, session_id: int, waitlist: bool) -> Intake:
    return await service.start_booking(
        turn.uow, user=turn.user, session_id=session_id, waitlist=waitlist, content=turn.content, now=turn.now
    )


@router.action("choose")
async def choose(turn: Turn) -> Response:
    """Book (or Join waitlist) on the list: the booking form, unless the booking would be refused whatever the
    answers; then why, before anything is asked."""
    data = turn.inbound.data
    site = data.get("site") if isinstance(data.get("site"), str) else None
    try:
        intake = await _intake(turn, card_int(data, "session_id", stale=STALE), bool(data.get("waitlist")))
    except TooManyBookings as limit:
        return Response(card=limit_card(turn, limit.message, site))
    except AlreadyBooked as held:  # an old list: the fresh one shows the place held
        return Response(card=await sessions_card(turn, site, notice=held.message))
    return Response(card=intake_card(turn, intake))


# --- booking and its confirmation -----------------------------------------------------------------------------


def confirmation_card(turn: Turn, view: BookingView, notice: str) -> dict:
    content, session, booking = turn.content, view.session, view.booking
    actions = calendar_button(turn.links, view) + (join_button(session) if view.confirmed else [])
    # With the booking's id, `my bookings` comes as a new message and this card stays as it is.
    actions.append(cards.execute("My bookings", bookings.mine, {"booking_id": booking.id}, inputs=False))
    if view.can_cancel:
        actions.append(bookings.cancel_button(view, back="booking", label="Cancel booking"))
    pairs = [*session_pairs(session, content), ("Help with", help_label(content, booking.help_with))]
    if booking.question:
        pairs.append(("Your question", booking.question))
    card = cards.card(
        cards.notice(notice),
        cards.title("Your QI clinic"),
        cards.facts(pairs),
        cards.text("I will remind you the day before and an hour before.", subtle=True, size="Small")
        if view.confirmed
        else None,
        actions=actions,
    )
    # Universal Actions refresh: when the person looks at this card again, Teams asks for its current state,
    # so a booking cancelled from `my bookings` no longer shows "Booked" and live buttons here.
    card["refresh"] = {
        "action": {"type": "Action.Execute", "verb": booking_state.verb, "data": {"booking_id": booking.id}},
        "userIds": [turn.user.teams_user_id],
    }
    return card


def _state(view: BookingView) -> str:
    if view.confirmed:
        return "Booked. See you there!"
    return f"You are on the waitlist, number {view.waitlist_position}."


def _project_id(data: dict[str, Any]) -> int | None:
    chosen = data.get("project")
    return None if chosen in (None, "", NO_PROJECT.id) else card_int(data, "project", stale=STALE)


@router.action("book")
async def book(turn: Turn) -> Response:
    data = turn.inbound.data
    answers = {k: data[k] for k in ("help_with", "project", "question") if isinstance(data.get(k), str)}
    request = BookingRequest(
        session_id=card_int(data, "session_id", stale=STALE),
        help_with=answers.get("help_with"),
        question=data.get("question"),
        project_id=_project_id(data),
        join_waitlist=bool(data.get("waitlist")),
    )
    try:
        booked = await service.book_session(
            turn.uow,
            user=turn.user,
            request=request,
            content=turn.content,
            messages=turn.messages["clinics"],
            now=turn.now,
        )
    except TooManyBookings as limit:  # an intake card from before the limit was reached
        return Response(card=limit_card(turn, limit.message, None), commit=False)
    except ClinicFull as full:
        intake = await _intake(turn, request.session_id, waitlist=True)
        notice = f"{full.message} You can join the waitlist instead."
        raise FormError(intake_card(turn, intake, answers=answers, notice=notice), full.message) from None
    except InvalidAnswer as problem:
        intake = await _intake(turn, request.session_id, request.join_waitlist)
        raise FormError(intake_card(turn, intake, answers=answers, problem=problem), problem.message) from None
    view = await service.booking_view(turn.uow, user=turn.user, booking_id=booked.id, now=turn.now)
    return Response(card=confirmation_card(turn, view, _state(view)))


async def booking_card(turn: Turn, booking_id: int) -> dict:
    """One booking's card as it is now: the confirmation, or that it was cancelled."""
    view = await service.booking_view(turn.uow, user=turn.user, booking_id=booking_id, now=turn.now)
    if view.cancelled:
        return cards.card(
            cards.notice(f"Cancelled: {when_and_site(view.session, turn.content)}.", good=False),
            actions=[cards.execute("Book another", browse)],
        )
    return confirmation_card(turn, view, _state(view))


@router.action("booking")
async def booking_state(turn: Turn) -> Response:
    """The current state of one booking's card (the refresh of the confirmation card, and "Keep it")."""
    return Response(card=await booking_card(turn, card_int(turn.inbound.data, "booking_id", stale=STALE)))
