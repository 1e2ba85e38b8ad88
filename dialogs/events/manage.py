"""`manage events`, for the QSIR faculty and admins: the events with places taken and waitlists, creating one
from a template in content/events.yaml (its dates, venue or online link, capacity, when registration closes) and
editing it. Each event links to its registers and, for admins, judging and the attendee exports."""

from __future__ import annotations

from datetime import timedelta

from core.events import manage as service
from core.events.commands import EventChanges, EventDetails, InvalidAnswer
from core.events.content import Template
from core.events.model import Event, ManagedEvent
from core.kernel.content import Choice
from core.kernel.model import Role
from dialogs.events import judging, register, reports
from dialogs.events.pages import export_url
from dialogs.events.router import router
from dialogs.events.wording import STALE, TRUST_WIDE, clock, day, event_when, site, text, when
from dialogs.kit import cards
from dialogs.kit.forms import FormError, card_int, card_number
from dialogs.kit.types import Response, Turn

EXPORT_MINUTES = 60
TRUST = Choice(TRUST_WIDE, "Trust-wide / online")

# --- the list ------------------------------------------------------------------------------------------------


def _row(item: ManagedEvent, turn: Turn) -> cards.Element:
    event = item.event
    manage = []
    if item.can_edit:
        manage.append(cards.execute("Edit", edit, {"event_id": event.id}, inputs=False))
    if item.can_judge_admin:
        manage.append(cards.execute("Judges", judging.judges, {"event_id": event.id}, inputs=False))
        manage.append(cards.execute("Results", judging.results, {"event_id": event.id}, inputs=False))
    if item.can_export and turn.links is not None:
        expires = turn.now + timedelta(minutes=EXPORT_MINUTES)
        for kind in ("csv", "xlsx"):
            url = export_url(turn.links, kind, user_id=turn.user.id, event_id=event.id, expires_at=expires)
            manage.append({"type": "Action.OpenUrl", "title": f"Attendees {kind.upper()}", "url": url})
    registers = [
        cards.execute(
            "Register" if len(event.dates) == 1 else f"Day {d.position}",
            register.sheet,
            {"event_id": event.id, "date_id": d.id},
            inputs=False,
        )
        for d in event.dates
    ]
    return cards.list_row(
        [
            cards.text(f"**{event.title}**"),
            cards.text(f"{event_when(event, turn.content)} · {site(event, turn.content)}", subtle=True, size="Small"),
            cards.text(f"{item.confirmed} of {event.capacity} booked · {item.waiting} waiting", size="Small"),
            cards.action_set(*manage) if manage else None,
        ],
        registers,
    )


async def manage_card(turn: Turn, notice: str | None = None) -> dict:
    items = await service.managed_events(turn.uow, user=turn.user, content=turn.content, now=turn.now)
    new = [
        cards.execute(f"New {t.title}", new_event, {"template": t.id}, inputs=False)
        for t in turn.content.events.templates
    ]
    return cards.card(
        cards.notice(notice) if notice else None,
        cards.title("Manage events"),
        cards.text("Places taken and waitlists, registers, and new events.", subtle=True),
        *(_row(item, turn) for item in items),
        cards.text("No events in the weeks around now.") if not items else None,
        cards.heading("Create an event"),
        cards.action_set(*new),
        actions=[cards.execute("Events report", reports.report, inputs=False)]
        if turn.user.has_role(Role.ADMIN)
        else None,
    )


@router.action("manage", role=Role.FACILITATOR)
@router.command(
    "manage events",
    title="Manage events",
    description="For the QSIR faculty: create events, keep registers, see places and waitlists",
    aliases=("faculty", "event admin"),
    role=Role.FACILITATOR,
)
async def manage(turn: Turn) -> Response:
    return Response.show(await manage_card(turn))


# --- creating an event -------------------------------------------------------------------------------------------


def new_card(turn: Turn, template: Template) -> dict:
    org = turn.content.organisation
    dates = [
        cards.date_input(f"date_{n}", f"Date {n}" if template.dates > 1 else "Date")
        for n in range(1, template.dates + 1)
    ]
    celebration = template.kind == "celebration"
    return cards.card(
        cards.title(f"New {template.title}"),
        cards.text(template.description, subtle=True),
        cards.text_input("title", "Title", service.MAX_TITLE, template.title),
        cards.choice_set("site", "Site", (*org.sites, TRUST), TRUST_WIDE),
        cards.text_input("venue", "Venue", service.MAX_VENUE),
        cards.text_input("online_url", "Online link (https://, optional)", service.MAX_URL),
        cards.number("capacity", "Places", template.capacity, 1, service.MAX_CAPACITY),
        *dates,
        cards.time_input("starts", "Starts", "09:30"),
        cards.time_input("ends", "Ends", "16:30"),
        cards.date_input("closes_on", "Registration closes at the end of (optional)"),
        cards.date_input("abstracts_close_on", "Last day for abstracts") if celebration else None,
        actions=[
            cards.execute("Create event", create, {"template": template.id}, style="positive"),
            cards.execute("Back", manage, inputs=False),
        ],
    )


def _template(turn: Turn) -> Template:
    template = turn.content.events.template(text(turn.inbound.data, "template"))
    if template is None:
        raise InvalidAnswer("template", STALE)
    return template


@router.action("new", role=Role.FACILITATOR)
async def new_event(turn: Turn) -> Response:
    return Response(card=new_card(turn, _template(turn)))


@router.action("create", role=Role.FACILITATOR)
async def create(turn: Turn) -> Response:
    data, template = turn.inbound.data, _template(turn)
    chosen_site = text(data, "site")
    details = EventDetails(
        template=template.id,
        title=text(data, "title"),
        site=None if chosen_site in (None, "", TRUST_WIDE) else chosen_site,
        venue=text(data, "venue"),
        online_url=text(data, "online_url"),
        capacity=card_number(data, "capacity", whole=True, invalid=-1),
        dates=tuple(day(data, f"date_{n}") for n in range(1, template.dates + 1)),
        starts=clock(data, "starts"),
        ends=clock(data, "ends"),
        closes_on=day(data, "closes_on"),
        abstracts_close_on=day(data, "abstracts_close_on"),
    )
    try:
        event = await service.create_event(
            turn.uow, user=turn.user, details=details, content=turn.content, now=turn.now
        )
    except InvalidAnswer as problem:
        raise FormError(new_card(turn, template), problem.message, field=problem.field) from None
    return Response(card=await manage_card(turn, f"Created: {event.title}, {event_when(event, turn.content)}."))


# --- editing an event ----------------------------------------------------------------------------------------


def edit_card(turn: Turn, event: Event) -> dict:
    closes = (event.registration_closes_at - timedelta(seconds=1)).astimezone(turn.content.organisation.timezone)
    return cards.card(
        cards.title(f"Edit: {event.title}"),
        cards.facts([(f"Day {d.position}", when(d, turn.content)) for d in event.dates]),
        cards.text(
            "Dates cannot change once people have registered: make a new event instead.", subtle=True, size="Small"
        ),
        cards.text_input("title", "Title", service.MAX_TITLE, event.title, required=True),
        cards.text_input("venue", "Venue", service.MAX_VENUE, event.venue),
        cards.text_input("online_url", "Online link (https://, optional)", service.MAX_URL, event.online_url),
        cards.number("capacity", "Places", event.capacity, 1, service.MAX_CAPACITY),
        cards.date_input(
            "closes_on",
            "Registration closes at the end of",
            f"{closes:%Y-%m-%d}",
        ),
        actions=[
            cards.execute("Save", save, {"event_id": event.id}, style="positive"),
            cards.execute("Back", manage, inputs=False),
        ],
    )


@router.action("edit", role=Role.FACILITATOR)
async def edit(turn: Turn) -> Response:
    event_id = card_int(turn.inbound.data, "event_id", stale=STALE)
    return Response(
        card=edit_card(turn, await service.event_to_edit(turn.uow, user=turn.user, event_id=event_id, now=turn.now))
    )


@router.action("save", role=Role.FACILITATOR)
async def save(turn: Turn) -> Response:
    data = turn.inbound.data
    changes = EventChanges(
        event_id=card_int(data, "event_id", stale=STALE),
        title=text(data, "title"),
        venue=text(data, "venue"),
        online_url=text(data, "online_url"),
        capacity=card_number(data, "capacity", whole=True, invalid=-1),
        closes_on=day(data, "closes_on"),
    )
    try:
        event, promoted = await service.edit_event(
            turn.uow,
            user=turn.user,
            changes=changes,
            content=turn.content,
            messages=turn.messages["events"],
            now=turn.now,
        )
    except InvalidAnswer as problem:
        current = await service.event_to_edit(turn.uow, user=turn.user, event_id=changes.event_id, now=turn.now)
        raise FormError(edit_card(turn, current), problem.message, field=problem.field) from None
    told = f" {promoted} people waiting got a place and were told." if promoted else ""
    return Response(card=await manage_card(turn, f"Saved: {event.title}.{told}"))
