"""Booking a clinic: the list to choose from, the booking form, booking (a seat or a waitlist place), the person's
bookings, cancelling (the freed seat goes to the first person waiting) and the reminders."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.clinics.commands import BookingRequest, InvalidAnswer
from core.clinics.model import (
    Booking,
    BookingStatus,
    BookingView,
    Browse,
    Cancellation,
    ClinicSession,
    Intake,
    SessionOption,
)
from core.clinics.ports import ClinicMessages
from core.clinics.services import (
    MAX_QUESTION,
    REMINDERS,
    UPDATES,
    bookable_sessions,
    check_bookable,
    clean_answer,
    get_session,
    waiting_list,
    waitlist_position,
)
from core.kernel import places
from core.kernel.content import Content
from core.kernel.errors import AlreadyBooked, BookingClosed, ClinicFull, NotAllowed, NotFound, TooManyBookings
from core.kernel.model import Role, User, WorkingHours
from core.kernel.nudges import notify
from core.kernel.ports import UnitOfWork
from core.projects.model import Project
from core.projects.services import open_projects_led_by

REMINDER_HOUR = time(9)
STARTED = "This session has already started, so the booking can no longer be cancelled here."


# --- choosing ------------------------------------------------------------------------------------------------


async def browse(uow: UnitOfWork, *, user: User, site: str | None, content: Content, now: datetime) -> Browse:
    """The sessions to choose from at `site`; an unknown site falls back to the person's own, then the first.
    Each says whether the person already holds a place on it, and the list whether they are at the limit, so the
    card says what is true before anything is asked."""
    org = content.organisation
    site = site if org.is_valid("sites", site) else (user.site or org.sites[0].id)
    admin = user.has_role(Role.ADMIN)
    sessions = await bookable_sessions(uow, site=site, content=content, now=now)
    mine = {view.session.id: view for view in await my_bookings(uow, user=user, now=now)}
    options = [
        SessionOption(s, full=s.seats_left == 0, can_cancel_session=admin, mine=mine.get(s.id)) for s in sessions
    ]
    limit = content.clinics.rules.max_future_bookings
    return Browse(site, options, at_limit=await _at_limit(uow, user, content, now), max_bookings=limit)


async def _at_limit(uow: UnitOfWork, user: User, content: Content, now: datetime) -> bool:
    return await uow.clinics.count_future_confirmed(user.id, now=now) >= content.clinics.rules.max_future_bookings


def limit_message(content: Content) -> str:
    """Why another booking is refused, said the same on the list, on pressing Book and on booking."""
    return (
        f"You already have {content.clinics.rules.max_future_bookings} upcoming clinic bookings, the most you can "
        "hold at once. Cancel one in **my bookings** to book another."
    )


async def _check_can_book(uow: UnitOfWork, user: User, session: ClinicSession, content: Content, now: datetime):
    """The rules a new booking meets whatever its answers: not a second place on one session, not over the limit."""
    existing = await uow.clinics.active_booking(session.id, user.id)
    if existing is not None:
        what = "a place" if existing.status == BookingStatus.CONFIRMED else "a waitlist place"
        raise AlreadyBooked(f"You already have {what} on this session.")
    if await _at_limit(uow, user, content, now):
        raise TooManyBookings(limit_message(content))


async def start_booking(
    uow: UnitOfWork, *, user: User, session_id: int, waitlist: bool, content: Content, now: datetime
) -> Intake:
    """The booking form for a session that can still be booked; a full one offers its waitlist. Refused before
    any question is asked when the person already holds a place on it or is at the limit of upcoming bookings."""
    session = await get_session(uow, session_id)
    check_bookable(session, content, now)
    await _check_can_book(uow, user, session, content, now)
    projects = [(p.id, p.title or "Untitled project") for p in await open_projects_led_by(uow, user.id)]
    return Intake(session, waitlist=waitlist or session.seats_left == 0, projects=projects)


# --- booking ---------------------------------------------------------------------------------------------------


async def book_session(
    uow: UnitOfWork, *, user: User, request: BookingRequest, content: Content, messages: ClinicMessages, now: datetime
) -> Booking:
    rules = content.clinics.rules
    if not any(choice.id == request.help_with for choice in rules.help_with):
        raise InvalidAnswer("help_with", "Please choose what you would like help with.")
    question = clean_answer("question", request.question, MAX_QUESTION, "your question")
    if request.project_id is not None and await _own_project(uow, user.id, request.project_id) is None:
        raise InvalidAnswer("project_id", "Please choose one of your own projects, or none.")
    session = await get_session(uow, request.session_id)
    check_bookable(session, content, now)
    await uow.users.lock(user.id)  # two bookings at once cannot both slip under the limit
    await _check_can_book(uow, user, session, content, now)
    full = ClinicFull("Sorry, that session has just filled up.")
    status = BookingStatus(
        await places.take_place(uow.clinics, session.id, join_waitlist=request.join_waitlist, full=full)
    )
    booking = await uow.clinics.add_booking(
        session_id=session.id,
        user_id=user.id,
        status=status,
        help_with=request.help_with,
        project_id=request.project_id,
        question=question,
        now=now,
    )
    if status == BookingStatus.CONFIRMED:
        await _confirmed(uow, session, booking, user, content, messages, now)
    return booking


async def _own_project(uow: UnitOfWork, user_id: int, project_id: int) -> Project | None:
    """One of the person's registered projects, asked of the projects capability (never its tables)."""
    return next((p for p in await open_projects_led_by(uow, user_id) if p.id == project_id), None)


async def _confirmed(
    uow: UnitOfWork,
    session: ClinicSession,
    booking: Booking,
    user: User,
    content: Content,
    messages: ClinicMessages,
    now: datetime,
) -> None:
    """A place is confirmed: schedule the person's reminders and tell the coaches who is coming and why."""
    await schedule_reminders(uow, session=session, booking=booking, content=content, messages=messages, now=now)
    project = await _own_project(uow, booking.user_id, booking.project_id) if booking.project_id else None
    for coach in session.coaches:
        await notify(
            uow,
            content,
            user_id=coach.user_id,
            category=UPDATES,
            message=messages.coach_booking_notice(session, booking, user, project),
            key=f"clinic:{booking.id}:coach:{coach.user_id}",
            now=now,
        )


def reminder_day_before(starts_at: datetime, hours: WorkingHours | None, tz: ZoneInfo) -> datetime:
    """09:00 local on the day before, or the start of the person's working hours that day if they set them."""
    day: date = starts_at.astimezone(tz).date() - timedelta(days=1)
    at = hours.start if hours is not None and day.weekday() in hours.days else REMINDER_HOUR
    return datetime.combine(day, at, tzinfo=tz).astimezone(starts_at.tzinfo)


async def schedule_reminders(
    uow: UnitOfWork,
    *,
    session: ClinicSession,
    booking: Booking,
    content: Content,
    messages: ClinicMessages,
    now: datetime,
) -> list[datetime]:
    """The day-before and hour-before reminders, through the outbox. Times already past are skipped."""
    prefs = await uow.preferences.get(booking.user_id)
    times = {
        "day": reminder_day_before(session.starts_at, prefs.hours, content.organisation.timezone),
        "hour": session.starts_at - timedelta(hours=1),
    }
    queued = []
    for which, at in times.items():
        if at > now and await notify(
            uow,
            content,
            user_id=booking.user_id,
            category=REMINDERS,
            message=messages.reminder(session, booking, which),
            key=f"clinic:{booking.id}:{which}",
            now=now,
            not_before=at,
        ):
            queued.append(at)
    return queued


# --- the person's bookings ----------------------------------------------------------------------------------


def _may_change(user: User, booking: Booking) -> bool:
    return booking.user_id == user.id or user.has_role(Role.ADMIN)


async def _view(uow: UnitOfWork, user: User, booking: Booking, session: ClinicSession, now: datetime) -> BookingView:
    active = booking.status != BookingStatus.CANCELLED and not session.cancelled
    return BookingView(
        booking,
        session,
        waitlist_position=await waitlist_position(uow, booking),
        can_cancel=active and _may_change(user, booking) and session.starts_at > now,
    )


async def booking_to_cancel(uow: UnitOfWork, *, user: User, booking_id: int, now: datetime) -> BookingView:
    """The booking a Cancel button asks about, before anything changes: the person's own (or any, for an admin)."""
    booking = await uow.clinics.get_booking(booking_id)
    if booking is None:
        raise NotFound("That booking no longer exists.")
    if not _may_change(user, booking):
        raise NotAllowed("That booking is not yours to cancel.")
    session = await get_session(uow, booking.session_id)
    view = await _view(uow, user, booking, session, now)
    if not view.cancelled and session.starts_at <= now:
        raise BookingClosed(STARTED)
    return view


async def booking_view(uow: UnitOfWork, *, user: User, booking_id: int, now: datetime) -> BookingView:
    """One of the person's own bookings as it is now (the confirmation card, its refresh, the feedback card)."""
    booking = await uow.clinics.get_booking(booking_id)
    if booking is None or booking.user_id != user.id:
        raise NotFound("This booking is no longer available.")
    return await _view(uow, user, booking, await get_session(uow, booking.session_id), now)


async def my_bookings(uow: UnitOfWork, *, user: User, now: datetime) -> list[BookingView]:
    """Upcoming bookings and waitlist places, soonest first."""
    return [await _view(uow, user, b, s, now) for b, s in await uow.clinics.user_bookings(user.id, after=now)]


async def calendar_booking(uow: UnitOfWork, *, booking_id: int) -> BookingView | None:
    """The booking behind a signed calendar link (the link is the reader's right to it); None if it is gone."""
    booking = await uow.clinics.get_booking(booking_id)
    session = await uow.clinics.get_session(booking.session_id) if booking else None
    if booking is None or session is None:
        return None
    return BookingView(booking, session, waitlist_position=await waitlist_position(uow, booking), can_cancel=False)


# --- cancelling ------------------------------------------------------------------------------------------------


async def cancel_booking(
    uow: UnitOfWork, *, user: User, booking_id: int, content: Content, messages: ClinicMessages, now: datetime
) -> Cancellation:
    booking = await uow.clinics.get_booking(booking_id)
    if booking is None:
        raise NotFound("That booking no longer exists.")
    if not _may_change(user, booking):
        raise NotAllowed("That booking is not yours to cancel.")
    session = await get_session(uow, booking.session_id, lock=True)
    if booking.status == BookingStatus.CANCELLED:
        return Cancellation(booking, session, already=True)
    if session.starts_at <= now:
        raise BookingClosed(STARTED)
    await uow.clinics.set_booking_status(booking.id, BookingStatus.CANCELLED, now=now)
    await uow.outbox.cancel(f"clinic:{booking.id}:")
    promoted = None
    if booking.status == BookingStatus.CONFIRMED:
        promoted = await places.give_freed_seat(
            uow.clinics,
            session.id,
            waiting=lambda: waiting_list(uow, session.id),
            promote=lambda first: _promote(uow, session, first, content, messages, now),
        )
    cancelled = await uow.clinics.get_booking(booking.id)
    assert cancelled is not None
    return Cancellation(cancelled, session, promoted=promoted)


async def _promote(
    uow: UnitOfWork, session: ClinicSession, first: Booking, content: Content, messages: ClinicMessages, now: datetime
) -> Booking:
    """The freed seat goes to the first person on the waitlist (position 1), who is told at once."""
    await uow.clinics.set_booking_status(first.id, BookingStatus.CONFIRMED, now=now)
    promoted = await uow.clinics.get_booking(first.id)
    assert promoted is not None
    await notify(
        uow,
        content,
        user_id=first.user_id,
        category=UPDATES,
        message=messages.promoted(session, promoted),
        key=f"clinic:{first.id}:promoted",
        now=now,
    )
    person = await uow.users.get(first.user_id)
    await _confirmed(uow, session, promoted, person, content, messages, now)
    return promoted
