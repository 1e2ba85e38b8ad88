"""What every event task shares: finding an event, who may manage events, whether registration is open, who is
eligible, the waitlist's order, and the message categories (messages are queued with core.kernel.nudges.notify,
the nudge gate)."""

from __future__ import annotations

from datetime import datetime

from core.events.commands import InvalidAnswer, RegistrationClosed
from core.events.content import Template
from core.events.hooks import HOOKS, Happened
from core.events.model import Event, Registration, RegistrationStatus
from core.kernel import places
from core.kernel.content import Content
from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.kernel.model import Role, User
from core.kernel.ports import UnitOfWork
from core.kernel.text import clean_text

REMINDERS = "event_reminders"  # a person's own places: reminders a week and a day before, and on the day online
UPDATES = "event_updates"  # a place came up, a certificate, a judge's invitation (service messages)
NEWS = "events"  # results of the celebration day, the feedback card (within the daily budget)
MAX_ANSWER = 500
MAX_COMMENT = 1000
ACTIVE = (RegistrationStatus.CONFIRMED.value, RegistrationStatus.WAITLISTED.value)
CONFIRMED = (RegistrationStatus.CONFIRMED.value,)


def may_manage(user: User) -> bool:
    """The QSIR faculty (facilitators) and admins create events, edit them and keep their registers."""
    return user.has_role(Role.FACILITATOR)


def require_manager(user: User) -> None:
    if not may_manage(user):
        raise NotAllowed("Only the QSIR faculty or a QI admin can do that.")


def require_admin(user: User) -> None:
    if not user.has_role(Role.ADMIN):
        raise NotAllowed("Only a QI admin can do that.")


async def get_event(uow: UnitOfWork, event_id: int, *, lock: bool = False) -> Event:
    event = await uow.events.get_event(event_id, lock=lock)
    if event is None:
        raise NotFound("That event no longer exists.")
    return event


def template_of(event: Event, content: Content) -> Template:
    template = content.events.template(event.template)
    if template is None:  # an event made from a template since removed from content/events.yaml
        return Template(event.template, event.kind.value, event.title, "", len(event.dates), event.capacity)
    return template


def closed_reason(event: Event, content: Content, now: datetime) -> str | None:
    """Why nobody can register now, or None while registration is open."""
    if event.cancelled:
        return "This event was cancelled."
    if now >= event.starts_at:
        return "This event has already started."
    if now >= event.registration_closes_at:
        local = event.registration_closes_at.astimezone(content.organisation.timezone)
        return f"Registration closed on {local:%a} {local.day} {local:%b}."
    return None


def check_open(event: Event, content: Content, now: datetime) -> None:
    reason = closed_reason(event, content, now)
    if reason:
        raise RegistrationClosed(reason)


async def has_done(uow: UnitOfWork, user: User, course: str, content: Content) -> bool:
    """A course is done when the person's profile says a level that counts as it, or they completed one."""
    template = content.events.template(course)
    if template is not None and user.experience in template.done_if_experience:
        return True
    return any(record.course == course for record in await uow.events.training_of(user.id))


async def missing_courses(uow: UnitOfWork, user: User, event: Event, content: Content) -> list[str]:
    """The courses this event requires that the person has not done (titles), in content order."""
    missing = []
    for course in template_of(event, content).requires:
        if not await has_done(uow, user, course, content):
            required = content.events.template(course)
            missing.append(required.title if required else course)
    return missing


async def waiting_list(uow: UnitOfWork, event_id: int) -> list[Registration]:
    """The event's waitlist in its one order: first come, first to get a freed place."""
    return await uow.events.event_registrations(event_id, statuses=(RegistrationStatus.WAITLISTED.value,))


async def waitlist_position(uow: UnitOfWork, registration: Registration) -> int | None:
    """1 when the next freed place goes to this registration; None unless it is waitlisted (core.kernel.places)."""
    return await places.waitlist_position(registration, lambda: waiting_list(uow, registration.event_id))


def registration_key(registration_id: int) -> str:
    """The prefix of every outbox row about one registration (cancelling the place cancels them all)."""
    return f"events:reg:{registration_id}:"


async def fire(uow: UnitOfWork, name: str, event: Event, registration: Registration, now: datetime) -> None:
    await HOOKS.fire(
        uow,
        Happened(
            name=name,
            event_id=event.id,
            template=event.template,
            user_id=registration.user_id,
            registration_id=registration.id,
            at=now,
        ),
    )


def clean_answer(field: str, value: object, limit: int, what: str, *, required: bool = False) -> str | None:
    """Free text from a form (core.kernel.text.clean_text), refused as an answer to `field`."""
    try:
        return clean_text(value, limit, what, required=required)
    except InvalidInput as problem:
        raise InvalidAnswer(field, problem.message) from None
