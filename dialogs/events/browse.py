"""`events`: what is open by site and month, the registration form with the event's questions, registering (a
place or a waitlist place) and the confirmation with a calendar file for each date.

Every other task module imports this one first, so "events" is the capability's first command (its menu button).
"""

from __future__ import annotations

from core.events import registration as service
from core.events.commands import EventFull, InvalidAnswer, RegistrationRequest
from core.events.model import EventOption, Listing, RegistrationForm, RegistrationView
from core.events.registration import ALL_SITES
from core.kernel.content import Choice
from dialogs.events.pages import CALENDAR
from dialogs.events.router import router
from dialogs.events.wording import (
    STALE,
    event_facts,
    event_when,
    join_button,
    month_of,
    places,
    site,
    text,
    when,
    where,
)
from dialogs.kit import cards
from dialogs.kit.forms import FormError, card_int
from dialogs.kit.types import Response, Turn

ALL = Choice(ALL_SITES, "All sites")

# --- what is open ----------------------------------------------------------------------------------------------


def _row(option: EventOption, turn: Turn, chosen: str) -> cards.Element:
    event, content = option.event, turn.content
    place_text, colour = places(event)
    buttons = []
    if option.registration is not None:
        status = "You have a place" if option.registration.status.value == "confirmed" else "You are on the waitlist"
        buttons.append(cards.execute("My place", registration_state, {"registration_id": option.registration.id}))
        line = {**cards.text(status, size="Small"), "weight": "Bolder"}
    elif option.why_not:
        line = {**cards.text(option.why_not, size="Small"), "weight": "Bolder"}
    else:
        line = cards.text(place_text, color=colour, size="Small")
        label = "Join waitlist" if option.full else "Register"
        buttons.append(cards.execute(label, choose, {"event_id": event.id, "site": chosen}, style="positive"))
    return cards.list_row(
        [
            cards.text(f"**{event.title}**"),
            cards.text(
                f"{event_when(event, content)} · {where(event)} · {site(event, content)}", subtle=True, size="Small"
            ),
            {**line, "weight": "Bolder", "spacing": "None"},
        ],
        buttons,
    )


def browse_card(turn: Turn, listing: Listing, notice: str | None = None) -> dict:
    from dialogs.events import mine  # mine imports this module: "events" registers before "my events"

    org = turn.content.organisation
    chosen = listing.site or ALL_SITES
    body: list[cards.Element | None] = []
    month = None
    for option in listing.options:
        this_month = month_of(option.event, turn.content)
        if this_month != month:
            body.append(cards.heading(this_month))
            month = this_month
        body.append(_row(option, turn, chosen))
    return cards.card(
        cards.notice(notice) if notice else None,
        cards.title("Courses and events"),
        cards.text("QSIR courses, webinars and the improvement celebration day.", subtle=True),
        cards.choice_set("site", "Site", (*org.sites, ALL), chosen),
        cards.action_set(cards.execute("Show events", browse)),
        cards.text("Nothing open at this site in the months ahead. Try all sites.") if not listing.options else None,
        *body,
        actions=[cards.execute("My events", mine.mine)],
    )


async def events_card(turn: Turn, site: str | None, notice: str | None = None) -> dict:
    listing = await service.browse(turn.uow, user=turn.user, site=site, content=turn.content, now=turn.now)
    return browse_card(turn, listing, notice)


@router.action("browse")
@router.command(
    "events",
    title="Events",
    description="QSIR courses, webinars and the celebration day: see what is open and register",
    aliases=("courses", "course", "training", "qsir", "celebration day", "webinars"),
    in_manifest=False,
)
async def browse(turn: Turn) -> Response:
    return Response.show(await events_card(turn, text(turn.inbound.data, "site")))


# --- the registration form -------------------------------------------------------------------------------------


def form_card(turn: Turn, form: RegistrationForm, notice: str | None = None) -> dict:
    event = form.event
    inputs: list[cards.Element] = []
    for question in form.questions:
        if question.kind == "confirm":
            inputs.append(cards.toggle(question.id, question.label, False))
        else:
            inputs.append(cards.text_input(question.id, question.label, 500, multiline=True))
    return cards.card(
        cards.notice(notice, good=False) if notice else None,
        cards.title(("Join the waitlist: " if form.waitlist else "Register: ") + event.title),
        event_facts(event, turn.content),
        cards.text(
            "If a place comes up you will get it automatically and I will tell you."
            if form.waitlist
            else f"{places(event)[0]}.",
            subtle=True,
        ),
        *inputs,
        actions=[
            cards.execute(
                "Join waitlist" if form.waitlist else "Register",
                register,
                {"event_id": event.id, "waitlist": form.waitlist},
                style="positive",
            ),
            cards.execute("Back", browse, {"site": event.site or ALL_SITES}, inputs=False),
        ],
    )


async def _form(turn: Turn, event_id: int) -> RegistrationForm:
    return await service.start_registration(
        turn.uow, user=turn.user, event_id=event_id, content=turn.content, now=turn.now
    )


@router.action("choose")
async def choose(turn: Turn) -> Response:
    return Response(card=form_card(turn, await _form(turn, card_int(turn.inbound.data, "event_id", stale=STALE))))


# --- registering and its confirmation --------------------------------------------------------------------------


def confirmation_card(turn: Turn, view: RegistrationView, notice: str) -> dict:
    from dialogs.events import mine

    event, registration, content = view.event, view.registration, turn.content
    rows = []
    for d in event.dates:
        buttons = []
        if view.confirmed and turn.links is not None:
            url = turn.links.url(CALENDAR, {"r": registration.id, "d": d.id}, expires_at=d.ends_at)
            buttons.append({"type": "Action.OpenUrl", "title": "Add to calendar", "url": url})
        label = f"Day {d.position}: " if len(event.dates) > 1 else ""
        rows.append(cards.list_row([cards.text(f"{label}{when(d, content)}")], buttons or None))
    actions = [*(join_button(event) if view.confirmed else []), cards.execute("My events", mine.mine)]
    if view.can_cancel:
        label = "Cancel my place" if view.confirmed else "Leave waitlist"
        actions.append(
            cards.execute(label, mine.cancel, {"registration_id": registration.id}, style="destructive", inputs=False)
        )
    answers = [(q.label, registration.answers[q.id]) for q in content.events.questions if q.id in registration.answers]
    card = cards.card(
        cards.notice(notice),
        cards.title(event.title),
        cards.facts([("Where", where(event)), ("Site", site(event, content)), *answers]),
        *rows,
        cards.text("I will remind you a week before and the day before.", subtle=True, size="Small")
        if view.confirmed
        else None,
        actions=actions,
    )
    card["refresh"] = {
        "action": {
            "type": "Action.Execute",
            "verb": registration_state.verb,
            "data": {"registration_id": registration.id},
        },
        "userIds": [turn.user.teams_user_id],
    }
    return card


def state(view: RegistrationView) -> str:
    if view.confirmed:
        return "You have a place. See you there!"
    if view.registration.status.value == "waitlisted":
        return f"You are on the waitlist, number {view.waitlist_position}."
    return "This place was cancelled."


@router.action("register")
async def register(turn: Turn) -> Response:
    data = turn.inbound.data
    event_id = card_int(data, "event_id", stale=STALE)
    request = RegistrationRequest(event_id, answers=dict(data), join_waitlist=bool(data.get("waitlist")))
    try:
        registered = await service.register(
            turn.uow,
            user=turn.user,
            request=request,
            content=turn.content,
            messages=turn.messages["events"],
            now=turn.now,
        )
    except EventFull as full:
        form = await _form(turn, event_id)
        raise FormError(
            form_card(turn, form, f"{full.message} You can join the waitlist instead."), full.message
        ) from None
    except InvalidAnswer as problem:
        raise FormError(form_card(turn, await _form(turn, event_id)), problem.message, field=problem.field) from None
    view = await service.registration_view(turn.uow, user=turn.user, registration_id=registered.id, now=turn.now)
    return Response(card=confirmation_card(turn, view, state(view)))


@router.action("registration")
async def registration_state(turn: Turn) -> Response:
    """One registration's card as it is now (also the refresh of the confirmation card)."""
    registration_id = card_int(turn.inbound.data, "registration_id", stale=STALE)
    view = await service.registration_view(turn.uow, user=turn.user, registration_id=registration_id, now=turn.now)
    if not view.registration.active or view.event.cancelled:
        return Response(
            card=cards.card(
                cards.notice(f"Cancelled: {view.event.title}, {event_when(view.event, turn.content)}.", good=False),
                actions=[cards.execute("Courses and events", browse)],
            )
        )
    return Response(card=confirmation_card(turn, view, state(view)))
