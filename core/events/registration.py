"""Signing up: what is open (by site and month), the registration form with the event's questions, registering
(a place or a waitlist place, capacity enforced under concurrency), the person's events, cancelling (the freed
place goes to the first person waiting, who is told) and the reminders for each date."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.events import hooks
from core.events.commands import AlreadyRegistered, EventFull, InvalidAnswer, NotEligible, RegistrationRequest
from core.events.model import (
    Cancellation,
    Event,
    EventDate,
    EventOption,
    Listing,
    Registration,
    RegistrationForm,
    RegistrationStatus,
    RegistrationView,
)
from core.events.ports import EventMessages
from core.events.services import (
    MAX_ANSWER,
    REMINDERS,
    UPDATES,
    check_open,
    clean_answer,
    closed_reason,
    fire,
    get_event,
    missing_courses,
    registration_key,
    template_of,
    waiting_list,
    waitlist_position,
)
from core.kernel import places
from core.kernel.content import Content
from core.kernel.errors import NotAllowed, NotFound
from core.kernel.model import Role, User, WorkingHours
from core.kernel.nudges import notify
from core.kernel.ports import UnitOfWork

REMINDER_HOUR = time(9)
ALL_SITES = "all"

# --- what is open ------------------------------------------------------------------------------------------------


async def browse(uow: UnitOfWork, *, user: User, site: str | None, content: Content, now: datetime) -> Listing:
    """Events at `site` (and trust-wide or online ones) over the months ahead. `site`: a site id, "all", or None
    for the person's own site."""
    org = content.organisation
    if site != ALL_SITES and not org.is_valid("sites", site):
        site = user.site if org.is_valid("sites", user.site) else ALL_SITES
    chosen = None if site == ALL_SITES else site
    end = now + timedelta(days=31 * content.events.rules.months_shown)
    options = []
    for event in await uow.events.list_events(start=now, end=end):
        if chosen is not None and event.site not in (None, chosen):
            continue
        options.append(await _option(uow, user, event, content, now))
    return Listing(chosen, options)


async def _option(uow: UnitOfWork, user: User, event: Event, content: Content, now: datetime) -> EventOption:
    registration = await uow.events.active_registration(event.id, user.id)
    missing = await missing_courses(uow, user, event, content)
    why_not = closed_reason(event, content, now)
    if why_not is None and missing:
        why_not = f"Needs {' and '.join(missing)} first."
    return EventOption(event, event.seats_left == 0, registration, eligible=not missing, why_not=why_not)


async def event_option(uow: UnitOfWork, *, user: User, event_id: int, content: Content, now: datetime) -> EventOption:
    return await _option(uow, user, await get_event(uow, event_id), content, now)


async def start_registration(
    uow: UnitOfWork, *, user: User, event_id: int, content: Content, now: datetime
) -> RegistrationForm:
    """The registration form, for an event that is open and that the person may register for."""
    event = await get_event(uow, event_id)
    await _check_may_register(uow, user, event, content, now)
    template = template_of(event, content)
    return RegistrationForm(event, waitlist=event.seats_left == 0, questions=content.events.questions_for(template))


async def _check_may_register(uow: UnitOfWork, user: User, event: Event, content: Content, now: datetime) -> None:
    check_open(event, content, now)
    missing = await missing_courses(uow, user, event, content)
    if missing:
        raise NotEligible(
            f"{event.title} is for people who have done {' and '.join(missing)}. If you have, update your QI "
            "experience in **profile**."
        )
    existing = await uow.events.active_registration(event.id, user.id)
    if existing is not None:
        what = "a place" if existing.status == RegistrationStatus.CONFIRMED else "a waitlist place"
        raise AlreadyRegistered(f"You already have {what} on {event.title}.")


def clean_answers(event: Event, content: Content, given: dict[str, object]) -> dict[str, str]:
    """The answers to the event's own questions: optional free text, and confirmations that must be ticked."""
    answers: dict[str, str] = {}
    for question in content.events.questions_for(template_of(event, content)):
        value = given.get(question.id)
        if question.kind == "confirm":
            if str(value).strip().lower() not in ("true", "yes", "1"):
                raise InvalidAnswer(question.id, f"Please tick this to register: {question.label}.")
            answers[question.id] = "yes"
        else:
            text = clean_answer(question.id, value, MAX_ANSWER, "your answer")
            if text:
                answers[question.id] = text
    return answers


async def register(
    uow: UnitOfWork,
    *,
    user: User,
    request: RegistrationRequest,
    content: Content,
    messages: EventMessages,
    now: datetime,
) -> Registration:
    event = await get_event(uow, request.event_id)
    await _check_may_register(uow, user, event, content, now)
    answers = clean_answers(event, content, request.answers)
    full = EventFull(f"Sorry, {event.title} has just filled up.")
    status = RegistrationStatus(
        await places.take_place(uow.events, event.id, join_waitlist=request.join_waitlist, full=full)
    )
    registration = await uow.events.add_registration(
        event_id=event.id, user_id=user.id, status=status, answers=answers, now=now
    )
    if status == RegistrationStatus.CONFIRMED:
        await _confirmed(uow, event, registration, content, messages, now)
    return registration


async def _confirmed(
    uow: UnitOfWork, event: Event, registration: Registration, content: Content, messages: EventMessages, now: datetime
) -> None:
    await schedule_reminders(uow, event=event, registration=registration, content=content, messages=messages, now=now)
    await fire(uow, hooks.REGISTERED, event, registration, now)


# --- reminders -------------------------------------------------------------------------------------------------


def local_morning(day: date, hours: WorkingHours | None, tz: ZoneInfo) -> datetime:
    """09:00 local on `day`, or the start of the person's working hours that day if they set them (UTC-aware)."""
    at = hours.start if hours is not None and day.weekday() in hours.days else REMINDER_HOUR
    return datetime.combine(day, at, tzinfo=tz)


def reminder_times(event: Event, when: EventDate, hours: WorkingHours | None, tz: ZoneInfo) -> dict[str, datetime]:
    """A week before the first date, the morning before every date, and an hour before an online date."""
    day = when.starts_at.astimezone(tz).date()
    times = {"day": local_morning(day - timedelta(days=1), hours, tz)}
    if when.position == 1:
        times["week"] = local_morning(day - timedelta(days=7), hours, tz)
    if event.online_url:
        times["online"] = when.starts_at - timedelta(hours=1)
    return times


async def schedule_reminders(
    uow: UnitOfWork,
    *,
    event: Event,
    registration: Registration,
    content: Content,
    messages: EventMessages,
    now: datetime,
) -> list[datetime]:
    """Through the outbox and the nudge gate, once each (dedupe keys); times already past are skipped."""
    prefs = await uow.preferences.get(registration.user_id)
    queued = []
    for when in event.dates:
        for which, at in reminder_times(event, when, prefs.hours, content.organisation.timezone).items():
            if at > now and await notify(
                uow,
                content,
                user_id=registration.user_id,
                category=REMINDERS,
                message=messages.reminder(event, when, registration, which),
                key=f"{registration_key(registration.id)}{when.id}:{which}",
                now=now,
                not_before=at,
            ):
                queued.append(at)
    return sorted(queued)


# --- the person's events -------------------------------------------------------------------------------------


def _may_change(user: User, registration: Registration) -> bool:
    return registration.user_id == user.id or user.has_role(Role.ADMIN)


async def _view(uow: UnitOfWork, user: User, registration: Registration, event: Event, now: datetime):
    return RegistrationView(
        registration,
        event,
        waitlist_position=await waitlist_position(uow, registration),
        can_cancel=registration.active
        and not event.cancelled
        and _may_change(user, registration)
        and event.starts_at > now,
    )


async def registration_view(uow: UnitOfWork, *, user: User, registration_id: int, now: datetime) -> RegistrationView:
    registration = await uow.events.get_registration(registration_id)
    if registration is None or registration.user_id != user.id:
        raise NotFound("This registration is no longer available.")
    return await _view(uow, user, registration, await get_event(uow, registration.event_id), now)


async def my_events(uow: UnitOfWork, *, user: User, now: datetime) -> list[RegistrationView]:
    """Places and waitlist places on events not yet over, soonest first."""
    return [await _view(uow, user, r, e, now) for r, e in await uow.events.user_registrations(user.id, after=now)]


async def calendar_date(
    uow: UnitOfWork, *, registration_id: int, date_id: int
) -> tuple[Registration, Event, EventDate] | None:
    """The date behind a signed calendar link (the link is the reader's right to it); None if it is gone."""
    registration = await uow.events.get_registration(registration_id)
    event = await uow.events.get_event(registration.event_id) if registration else None
    when = event.date(date_id) if event else None
    if registration is None or event is None or when is None:
        return None
    return registration, event, when


# --- cancelling ------------------------------------------------------------------------------------------------


async def cancel_registration(
    uow: UnitOfWork, *, user: User, registration_id: int, content: Content, messages: EventMessages, now: datetime
) -> Cancellation:
    registration = await uow.events.get_registration(registration_id)
    if registration is None:
        raise NotFound("That registration no longer exists.")
    if not _may_change(user, registration):
        raise NotAllowed("That registration is not yours to cancel.")
    event = await get_event(uow, registration.event_id, lock=True)
    if registration.status == RegistrationStatus.CANCELLED:
        return Cancellation(registration, event, already=True)
    if event.starts_at <= now:
        raise NotAllowed("This event has already started, so the place can no longer be cancelled here.")
    await uow.events.set_registration_status(registration.id, RegistrationStatus.CANCELLED, now=now)
    await uow.outbox.cancel(registration_key(registration.id))
    promoted = None
    if registration.status == RegistrationStatus.CONFIRMED:
        promoted = await places.give_freed_seat(
            uow.events,
            event.id,
            waiting=lambda: waiting_list(uow, event.id),
            promote=lambda first: _promote(uow, event, first, content, messages, now),
        )
    cancelled = await uow.events.get_registration(registration.id)
    assert cancelled is not None
    return Cancellation(cancelled, await get_event(uow, event.id), promoted=promoted)


async def _promote(
    uow: UnitOfWork, event: Event, first: Registration, content: Content, messages: EventMessages, now: datetime
) -> Registration:
    """A freed place goes to the first person on the waitlist, who is told at once. The caller holds the place
    (a cancelled one, or one it has just taken)."""
    await uow.events.set_registration_status(first.id, RegistrationStatus.CONFIRMED, now=now)
    promoted = await uow.events.get_registration(first.id)
    assert promoted is not None
    await notify(
        uow,
        content,
        user_id=first.user_id,
        category=UPDATES,
        message=messages.promoted(event, promoted),
        key=f"{registration_key(first.id)}promoted",
        now=now,
    )
    await _confirmed(uow, event, promoted, content, messages, now)
    return promoted


async def fill_from_waitlist(
    uow: UnitOfWork, event: Event, content: Content, messages: EventMessages, now: datetime
) -> int:
    """After the capacity grows: as many people waiting as there are new places get one."""
    return await places.fill_new_seats(
        uow.events,
        event.id,
        waiting=lambda: waiting_list(uow, event.id),
        promote=lambda first: _promote(uow, event, first, content, messages, now),
    )
