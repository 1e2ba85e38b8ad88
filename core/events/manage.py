"""Admins and the QSIR faculty create events from the templates in content/events.yaml and edit them; their list
of events with places taken and waitlists."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from core.events.commands import EventChanges, EventDetails, InvalidAnswer
from core.events.content import Template
from core.events.model import Event, EventKind, ManagedEvent, RegistrationStatus
from core.events.ports import EventMessages
from core.events.registration import fill_from_waitlist
from core.events.services import clean_answer, get_event, may_manage, require_manager
from core.kernel.content import Content
from core.kernel.errors import InvalidInput
from core.kernel.model import Role, User
from core.kernel.ports import UnitOfWork

MAX_TITLE = 120
MAX_VENUE = 200
MAX_URL = 500
MAX_CAPACITY = 1000
LOOK_BACK = timedelta(days=14)  # the faculty still see an event this long after it ended (late registers)
MANAGED_AHEAD = timedelta(days=3 * 366)


def _template(content: Content, template_id: str | None) -> Template:
    template = content.events.template(template_id)
    if template is None:
        raise InvalidInput("Please choose what kind of event to create.")
    return template


def _end_of_day(day: date, content: Content) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=content.organisation.timezone)


def _place(site, venue, online_url, content: Content) -> tuple[str | None, str | None, str | None]:
    if site is not None and not content.organisation.is_valid("sites", site):
        raise InvalidAnswer("site", "Please choose a site, or trust-wide.")
    venue = clean_answer("venue", venue, MAX_VENUE, "the venue")
    online_url = clean_answer("online_url", online_url, MAX_URL, "the online link")
    if online_url and not online_url.startswith("https://"):
        raise InvalidAnswer("online_url", "Please give the online link as an https:// address.")
    if not venue and not online_url:
        raise InvalidAnswer("venue", "Please give a venue, an online link, or both.")
    return site, venue, online_url


def _capacity(value: int | None, *, default: int) -> int:
    capacity = default if value is None else value
    if not 1 <= capacity <= MAX_CAPACITY:
        raise InvalidAnswer("capacity", f"Please give a capacity from 1 to {MAX_CAPACITY}.")
    return capacity


def _dates(details: EventDetails, template: Template, content: Content, now: datetime):
    if details.starts is None or details.ends is None or details.ends <= details.starts:
        raise InvalidAnswer("ends", "Please give a start and an end time, the end after the start.")
    if len(details.dates) != template.dates:
        raise InvalidInput("That form is out of date; please start again with **manage events**.")
    tz = content.organisation.timezone
    dates = []
    for n, day in enumerate(details.dates, start=1):
        field = f"date_{n}"
        if day is None:
            raise InvalidAnswer(field, f"Please give date {n}." if template.dates > 1 else "Please give the date.")
        starts = datetime.combine(day, details.starts, tzinfo=tz)
        if starts <= now:
            raise InvalidAnswer(field, "That date is in the past; please choose a date to come.")
        if dates and starts <= dates[-1][0]:
            raise InvalidAnswer(field, f"Date {n} must come after date {n - 1}.")
        dates.append((starts, datetime.combine(day, details.ends, tzinfo=tz)))
    return dates


async def create_event(uow: UnitOfWork, *, user: User, details: EventDetails, content: Content, now: datetime) -> Event:
    require_manager(user)
    template = _template(content, details.template)
    title = clean_answer("title", details.title, MAX_TITLE, "the title") or template.title
    site, venue, online_url = _place(details.site, details.venue, details.online_url, content)
    capacity = _capacity(details.capacity, default=template.capacity)
    dates = _dates(details, template, content, now)
    first = dates[0][0]
    closes_at = first - content.events.rules.closes_before
    if details.closes_on is not None:
        closes_at = min(_end_of_day(details.closes_on, content), first)
    if closes_at <= now:
        raise InvalidAnswer("closes_on", "Registration would already be closed; please choose a later day.")
    abstracts_close_at = voting_closes_at = None
    if template.kind == EventKind.CELEBRATION.value:
        if details.abstracts_close_on is None:
            raise InvalidAnswer("abstracts_close_on", "Please give the last day for abstracts.")
        abstracts_close_at = min(_end_of_day(details.abstracts_close_on, content), first)
        if abstracts_close_at <= now:
            raise InvalidAnswer("abstracts_close_on", "That day has passed; please choose a later one.")
        voting_closes_at = dates[-1][1]
    event_id = await uow.events.add_event(
        template=template.id,
        kind=template.kind,
        title=title,
        site=site,
        venue=venue,
        online_url=online_url,
        capacity=capacity,
        registration_closes_at=closes_at,
        abstracts_close_at=abstracts_close_at,
        voting_closes_at=voting_closes_at,
        created_by=user.id,
        dates=dates,
        now=now,
    )
    return await get_event(uow, event_id)


async def event_to_edit(uow: UnitOfWork, *, user: User, event_id: int, now: datetime) -> Event:
    require_manager(user)
    event = await get_event(uow, event_id)
    if event.cancelled or event.ends_at <= now:
        raise InvalidInput("This event is over or cancelled, so it can no longer be changed.")
    return event


async def edit_event(
    uow: UnitOfWork, *, user: User, changes: EventChanges, content: Content, messages: EventMessages, now: datetime
) -> tuple[Event, int]:
    """The edited event and how many people waiting got a place (when the capacity grew)."""
    event = await event_to_edit(uow, user=user, event_id=changes.event_id, now=now)
    title = clean_answer("title", changes.title, MAX_TITLE, "the title", required=True)
    _, venue, online_url = _place(None, changes.venue, changes.online_url, content)
    capacity = _capacity(changes.capacity, default=event.capacity)
    closes_at = event.registration_closes_at
    if changes.closes_on is not None:
        closes_at = min(_end_of_day(changes.closes_on, content), event.starts_at)
    event = await get_event(uow, event.id, lock=True)
    updated = await uow.events.update_event(
        event.id,
        title=title,
        venue=venue,
        online_url=online_url,
        capacity=capacity,
        registration_closes_at=closes_at,
        now=now,
    )
    if not updated:
        raise InvalidAnswer(
            "capacity", f"{event.seats_taken} people already have a place, so the capacity cannot be lower."
        )
    event = await get_event(uow, event.id)
    promoted = await fill_from_waitlist(uow, event, content, messages, now)
    return await get_event(uow, event.id), promoted


async def managed_events(uow: UnitOfWork, *, user: User, content: Content, now: datetime) -> list[ManagedEvent]:
    """Every event from two weeks ago on (however far ahead it was made), with places taken and waitlists."""
    require_manager(user)
    admin = user.has_role(Role.ADMIN)
    end = now + MANAGED_AHEAD
    managed = []
    for event in await uow.events.list_events(start=now - LOOK_BACK, end=end):
        registrations = await uow.events.event_registrations(event.id)
        confirmed = sum(1 for r in registrations if r.status == RegistrationStatus.CONFIRMED)
        managed.append(
            ManagedEvent(
                event,
                confirmed=confirmed,
                waiting=len(registrations) - confirmed,
                can_edit=may_manage(user) and not event.cancelled and event.ends_at > now,
                can_judge_admin=admin and event.kind == EventKind.CELEBRATION,
                can_export=admin,
            )
        )
    return managed
