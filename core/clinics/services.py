"""QI clinics: the rules of booking, waitlists, reminders, attendance and feedback.

Capacity is enforced by the storage layer's atomic `take_seat` (a conditional UPDATE under a CHECK constraint),
so two people booking the last seat at the same moment cannot both get it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.clinics.content import ClinicSeries
from core.clinics.model import Attendance, Booking, BookingStatus, ClinicSession
from core.clinics.ports import ClinicMessages
from core.kernel.content import Content
from core.kernel.errors import (
    AlreadyBooked,
    BookingClosed,
    ClinicFull,
    InvalidInput,
    NotAllowed,
    NotFound,
    TooManyBookings,
)
from core.kernel.model import Role, User, WorkingHours
from core.kernel.nudges import enqueue_nudge
from core.kernel.ports import UnitOfWork

MAX_QUESTION = 500
MAX_IMPROVEMENT = 500
REMINDER_HOUR = time(9)
REMINDERS = "clinic_reminders"
UPDATES = "clinic_updates"


# --- finding sessions -------------------------------------------------------------------------------------------


async def bookable_sessions(
    uow: UnitOfWork, *, site: str | None, content: Content, now: datetime
) -> list[ClinicSession]:
    """Sessions at `site` that can still be booked, over the weeks the booking card shows."""
    rules = content.clinics.rules
    start = now + rules.closes_before
    return await uow.clinics.list_sessions(site=site, start=start, end=now + timedelta(weeks=rules.weeks_shown))


async def get_session(uow: UnitOfWork, session_id: int) -> ClinicSession:
    session = await uow.clinics.get_session(session_id)
    if session is None:
        raise NotFound("That clinic session no longer exists.")
    return session


# --- booking -----------------------------------------------------------------------------------------------------


def _clean_text(value: str | None, limit: int, what: str) -> str | None:
    text = (value or "").strip()
    if len(text) > limit:
        raise InvalidInput(f"Please keep {what} to {limit} characters (it is {len(text)}).")
    return text or None


def check_bookable(session: ClinicSession, content: Content, now: datetime) -> None:
    if session.cancelled:
        raise BookingClosed("This session was cancelled.")
    if now >= session.starts_at - content.clinics.rules.closes_before:
        local = session.starts_at.astimezone(content.nudges.timezone)
        raise BookingClosed(f"Booking for this session has closed: it starts at {local:%H:%M on %a %d %b}.")


async def book_session(
    uow: UnitOfWork,
    *,
    user: User,
    session_id: int,
    help_with: str | None,
    question: str | None,
    project_id: int | None = None,
    join_waitlist: bool = False,
    content: Content,
    messages: ClinicMessages,
    now: datetime,
) -> Booking:
    rules = content.clinics.rules
    if not any(choice.id == help_with for choice in rules.help_with):
        raise InvalidInput("Please choose what you would like help with.")
    question = _clean_text(question, MAX_QUESTION, "your question")
    if project_id is not None:
        project = await uow.projects.get(project_id)
        if project is None or project.lead_id != user.id:
            raise InvalidInput("Please choose one of your own projects, or none.")
    session = await get_session(uow, session_id)
    check_bookable(session, content, now)
    existing = await uow.clinics.active_booking(session_id, user.id)
    if existing is not None:
        where = "a place" if existing.status == BookingStatus.CONFIRMED else "a waitlist place"
        raise AlreadyBooked(f"You already have {where} on this session.")
    await uow.users.lock(user.id)
    if await uow.clinics.count_future_confirmed(user.id, now=now) >= rules.max_future_bookings:
        raise TooManyBookings(
            f"You already have {rules.max_future_bookings} upcoming clinic bookings. "
            "Cancel one in **my bookings** to book another."
        )
    if await uow.clinics.take_seat(session_id):
        status = BookingStatus.CONFIRMED
    elif join_waitlist:
        status = BookingStatus.WAITLISTED
    else:
        raise ClinicFull("Sorry, that session has just filled up.")
    booking = await uow.clinics.add_booking(
        session_id=session_id,
        user_id=user.id,
        status=status,
        help_with=help_with,
        project_id=project_id,
        question=question,
        now=now,
    )
    if status == BookingStatus.CONFIRMED:
        await _confirmed(uow, session, booking, user, content, messages, now)
    return booking


async def _confirmed(uow, session, booking, user, content, messages, now) -> None:
    """A place is confirmed: schedule the person's reminders and tell the coaches who is coming and why."""
    await schedule_reminders(uow, session=session, booking=booking, content=content, messages=messages, now=now)
    project = await uow.projects.get(booking.project_id) if booking.project_id else None
    for coach in session.coaches:
        await enqueue_nudge(
            uow,
            rules=content.nudges,
            user_id=coach.user_id,
            category=UPDATES,
            message=messages.coach_booking_notice(session, booking, user, project),
            dedupe_key=f"clinic:{booking.id}:coach:{coach.user_id}",
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
        "day": reminder_day_before(session.starts_at, prefs.hours, content.nudges.timezone),
        "hour": session.starts_at - timedelta(hours=1),
    }
    queued = []
    for which, at in times.items():
        if at <= now:
            continue
        decision = await enqueue_nudge(
            uow,
            rules=content.nudges,
            user_id=booking.user_id,
            category=REMINDERS,
            message=messages.reminder(session, booking, which),
            dedupe_key=f"clinic:{booking.id}:{which}",
            now=now,
            not_before=at,
        )
        if decision.enqueued:
            queued.append(at)
    return queued


# --- cancelling ----------------------------------------------------------------------------------------------------


@dataclass
class Cancellation:
    booking: Booking
    session: ClinicSession
    already: bool = False
    promoted: Booking | None = None


async def cancel_booking(
    uow: UnitOfWork, *, user: User, booking_id: int, content: Content, messages: ClinicMessages, now: datetime
) -> Cancellation:
    booking = await uow.clinics.get_booking(booking_id)
    if booking is None:
        raise NotFound("That booking no longer exists.")
    if booking.user_id != user.id and not user.has_role(Role.ADMIN):
        raise NotAllowed("That booking is not yours to cancel.")
    session = await uow.clinics.get_session(booking.session_id, lock=True)
    assert session is not None
    if booking.status == BookingStatus.CANCELLED:
        return Cancellation(booking, session, already=True)
    if session.starts_at <= now:
        raise BookingClosed("This session has already started, so the booking can no longer be cancelled here.")
    await uow.clinics.set_booking_status(booking.id, BookingStatus.CANCELLED, now=now)
    await uow.outbox.cancel(f"clinic:{booking.id}:")
    promoted = None
    if booking.status == BookingStatus.CONFIRMED:
        promoted = await _promote_first_waiting(uow, session, content, messages, now)
        if promoted is None:
            await uow.clinics.release_seat(session.id)
    cancelled = await uow.clinics.get_booking(booking.id)
    assert cancelled is not None
    return Cancellation(cancelled, session, promoted=promoted)


async def _promote_first_waiting(uow, session, content, messages, now) -> Booking | None:
    """The freed seat goes to the first person on the waitlist, who is told at once."""
    waiting = await uow.clinics.session_bookings(session.id, statuses=(BookingStatus.WAITLISTED.value,))
    if not waiting:
        return None
    first = waiting[0]
    await uow.clinics.set_booking_status(first.id, BookingStatus.CONFIRMED, now=now)
    promoted = await uow.clinics.get_booking(first.id)
    await enqueue_nudge(
        uow,
        rules=content.nudges,
        user_id=first.user_id,
        category=UPDATES,
        message=messages.promoted(session, promoted),
        dedupe_key=f"clinic:{first.id}:promoted",
        now=now,
    )
    person = await uow.users.get(first.user_id)
    await _confirmed(uow, session, promoted, person, content, messages, now)
    return promoted


async def cancel_session(
    uow: UnitOfWork,
    *,
    user: User,
    session_id: int,
    reason: str | None,
    content: Content,
    messages: ClinicMessages,
    now: datetime,
) -> int:
    """An admin cancels one session; everyone booked or waiting is told at once. Returns how many were told."""
    if not user.has_role(Role.ADMIN):
        raise NotAllowed("Only a QI admin can cancel a clinic session.")
    reason = _clean_text(reason, 300, "the reason") or "The session had to be cancelled."
    session = await uow.clinics.get_session(session_id, lock=True)
    if session is None:
        raise NotFound("That clinic session no longer exists.")
    if session.cancelled:
        return 0
    if session.ends_at <= now:
        raise BookingClosed("This session is already over.")
    bookings = await uow.clinics.session_bookings(session.id)
    await uow.clinics.cancel_session(session.id, reason=reason, now=now)
    for booking in bookings:
        await uow.clinics.set_booking_status(booking.id, BookingStatus.CANCELLED, now=now)
        await uow.outbox.cancel(f"clinic:{booking.id}:")
        await enqueue_nudge(
            uow,
            rules=content.nudges,
            user_id=booking.user_id,
            category=UPDATES,
            message=messages.session_cancelled(session, reason),
            dedupe_key=f"clinic:session:{session.id}:cancelled:{booking.user_id}",
            now=now,
        )
    return len(bookings)


# --- what a person and a coach see -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MyBooking:
    booking: Booking
    session: ClinicSession
    waitlist_position: int | None = None


async def my_bookings(uow: UnitOfWork, *, user: User, now: datetime) -> list[MyBooking]:
    result = []
    for booking, session in await uow.clinics.user_bookings(user.id, after=now):
        position = None
        if booking.status == BookingStatus.WAITLISTED:
            waiting = await uow.clinics.session_bookings(session.id, statuses=(BookingStatus.WAITLISTED.value,))
            position = [b.id for b in waiting].index(booking.id) + 1
        result.append(MyBooking(booking, session, position))
    return result


@dataclass(frozen=True)
class CoachSession:
    session: ClinicSession
    bookings: list[Booking] = field(default_factory=list)


async def coach_schedule(uow: UnitOfWork, *, user: User, content: Content, now: datetime) -> list[CoachSession]:
    if not user.has_role(Role.COACH):
        raise NotAllowed("The coach view is for QI coaches.")
    sessions = await uow.clinics.coach_sessions(
        user.id, start=now, end=now + timedelta(weeks=content.clinics.rules.weeks_shown)
    )
    return [CoachSession(s, await uow.clinics.session_bookings(s.id)) for s in sessions]


# --- after the session: attendance and feedback ------------------------------------------------------------------


async def request_attendance(uow: UnitOfWork, *, content: Content, messages: ClinicMessages, now: datetime) -> int:
    """Tick: when a session ends, each of its coaches gets an attendance card (once: dedupe key)."""
    queued = 0
    for session in await uow.clinics.sessions_ended(start=now - timedelta(days=2), end=now):
        confirmed = await uow.clinics.session_bookings(session.id, statuses=(BookingStatus.CONFIRMED.value,))
        if not confirmed or all(b.attendance for b in confirmed):
            continue
        for coach in session.coaches:
            queued += await _notify(
                uow,
                content,
                coach.user_id,
                UPDATES,
                messages.attendance_request(session, confirmed),
                f"clinic:session:{session.id}:attendance:{coach.user_id}",
                now,
            )
    return queued


async def _notify(uow, content: Content, user_id: int, category: str, message, key: str, now: datetime) -> int:
    """Queue one clinic message now (through the nudge gate); 1 if queued."""
    decision = await enqueue_nudge(
        uow, rules=content.nudges, user_id=user_id, category=category, message=message, dedupe_key=key, now=now
    )
    return int(decision.enqueued)


async def record_attendance(
    uow: UnitOfWork, *, user: User, session_id: int, marks: dict[int, str], now: datetime
) -> list[Booking]:
    session = await get_session(uow, session_id)
    if not user.has_role(Role.ADMIN) and user.id not in {c.user_id for c in session.coaches}:
        raise NotAllowed("Only the session's coach can record attendance.")
    if session.starts_at > now:
        raise InvalidInput("Attendance can be recorded once the session has started.")
    confirmed = {b.id: b for b in await uow.clinics.session_bookings(session.id, statuses=("confirmed",))}
    unknown = set(marks) - set(confirmed)
    if unknown:
        raise InvalidInput("Some of those people are no longer booked on this session; please refresh the card.")
    for booking_id, value in marks.items():
        try:
            attendance = Attendance(value)
        except ValueError:
            raise InvalidInput("Please choose attended or did not attend for each person.") from None
        await uow.clinics.set_attendance(booking_id, attendance, now=now)
    return await uow.clinics.session_bookings(session.id, statuses=("confirmed",))


async def request_feedback(uow: UnitOfWork, *, content: Content, messages: ClinicMessages, now: datetime) -> int:
    """Tick: an hour after an attended session, the attendee gets a two-question feedback card (once)."""
    queued = 0
    for session in await uow.clinics.sessions_ended(start=now - timedelta(days=2), end=now - timedelta(hours=1)):
        for booking in await uow.clinics.session_bookings(session.id, statuses=("confirmed",)):
            if booking.attendance == Attendance.ATTENDED:
                queued += await _notify(
                    uow,
                    content,
                    booking.user_id,
                    REMINDERS,
                    messages.feedback_request(session, booking),
                    f"clinic:{booking.id}:feedback",
                    now,
                )
    return queued


async def record_feedback(
    uow: UnitOfWork,
    *,
    user: User,
    booking_id: int,
    usefulness: str | int | None,
    improvement: str | None,
    now: datetime,
) -> bool:
    """True if stored; False if this booking's feedback was already given (the old card changes nothing)."""
    booking = await uow.clinics.get_booking(booking_id)
    if booking is None or booking.user_id != user.id:
        raise NotAllowed("That feedback card is not yours.")
    if booking.attendance != Attendance.ATTENDED:
        raise InvalidInput("Feedback is for sessions you attended.")
    try:
        score = int(str(usefulness))
    except ValueError:
        score = 0
    if not 1 <= score <= 5:
        raise InvalidInput("Please rate how useful the session was from 1 to 5.")
    improvement = _clean_text(improvement, MAX_IMPROVEMENT, "your suggestion")
    return await uow.clinics.add_feedback(booking.id, usefulness=score, improvement=improvement, now=now)


# --- series from content/clinics.yaml ----------------------------------------------------------------------------


@dataclass
class SyncReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0  # booked sessions, never changed by a sync
    problems: list[str] = field(default_factory=list)


def series_starts(series: ClinicSeries, *, tz: ZoneInfo, now: datetime) -> list[datetime]:
    """The local start times of a series' sessions over its weeks ahead, from today, as UTC instants."""
    today = now.astimezone(tz).date()
    first = today + timedelta(days=(series.weekday - today.weekday()) % 7)
    starts = []
    for week in range(series.weeks_ahead + 1):
        local = datetime.combine(first + timedelta(weeks=week), series.start, tzinfo=tz)
        if local > now and (local.date() - today).days < series.weeks_ahead * 7:
            starts.append(local.astimezone(now.tzinfo))
    return starts


async def sync_clinics(uow: UnitOfWork, *, content: Content, now: datetime) -> SyncReport:
    report = SyncReport()
    tz = content.nudges.timezone
    for series in content.clinics.series:
        coach = await uow.users.find(series.coach)
        if coach is None:
            report.problems.append(
                f"{series.key}: coach {series.coach!r} has not talked to the bot yet, so no sessions were made"
            )
            continue
        for starts_at in series_starts(series, tz=tz, now=now):
            outcome = await uow.clinics.save_series_session(
                series,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=series.minutes),
                coach_id=coach.id,
                now=now,
            )
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report
