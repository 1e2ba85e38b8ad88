"""What every clinic task shares: finding a session, whether it can still be booked, the waitlist's order, the
message categories (messages are queued with core.kernel.nudges.notify). The tasks live next to this: booking.py
(book, cancel, the waitlist's promotion, reminders), sessions.py (the series sync, the coach's schedule, an admin
cancelling a session), followup.py (attendance and feedback) and reports.py (staff supported).

Capacity is enforced by the storage layer's atomic `take_seat` (a conditional UPDATE under a CHECK constraint),
so two people booking the last seat at the same moment cannot both get it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from core.clinics.commands import InvalidAnswer
from core.clinics.model import Booking, BookingStatus, ClinicSession
from core.kernel import places
from core.kernel.content import Content
from core.kernel.dates import written
from core.kernel.errors import BookingClosed, InvalidInput, NotFound
from core.kernel.ports import UnitOfWork
from core.kernel.text import clean_text

MAX_QUESTION = 500
MAX_IMPROVEMENT = 500
MAX_REASON = 300
REMINDERS = "clinic_reminders"  # the person's own bookings: reminders and the feedback card
UPDATES = "clinic_updates"  # changes: a place came up, a session was cancelled, a coach's notices


async def get_session(uow: UnitOfWork, session_id: int, *, lock: bool = False) -> ClinicSession:
    session = await uow.clinics.get_session(session_id, lock=lock)
    if session is None:
        raise NotFound("That clinic session no longer exists.")
    return session


async def bookable_sessions(
    uow: UnitOfWork, *, site: str | None, content: Content, now: datetime
) -> list[ClinicSession]:
    """Sessions at `site` (None: every site) that can still be booked, over the weeks the booking card shows."""
    rules = content.clinics.rules
    start = now + rules.closes_before
    return await uow.clinics.list_sessions(site=site, start=start, end=now + timedelta(weeks=rules.weeks_shown))


def check_bookable(session: ClinicSession, content: Content, now: datetime) -> None:
    if session.cancelled:
        raise BookingClosed("This session was cancelled.")
    if now >= session.starts_at - content.clinics.rules.closes_before:
        local = session.starts_at.astimezone(content.organisation.timezone)
        starts = written(local, "%H:%M on %a %-d %b")
        raise BookingClosed(f"Booking for this session has closed: it starts at {starts}.")


async def waiting_list(uow: UnitOfWork, session_id: int) -> list[Booking]:
    """The session's waitlist in its one order: first come, first to get a freed seat."""
    return await uow.clinics.session_bookings(session_id, statuses=(BookingStatus.WAITLISTED.value,))


async def waitlist_position(uow: UnitOfWork, booking: Booking) -> int | None:
    """1 when the next freed seat goes to this booking; None unless it is waitlisted (core.kernel.places)."""
    return await places.waitlist_position(booking, lambda: waiting_list(uow, booking.session_id))


def clean_answer(field: str, value: object, limit: int, what: str) -> str | None:
    """Free text from a form (core.kernel.text.clean_text), refused as an answer to `field`."""
    try:
        return clean_text(value, limit, what)
    except InvalidInput as problem:
        raise InvalidAnswer(field, problem.message) from None


async def sessions_run_by(uow: UnitOfWork, user_id: int, *, now: datetime, days: int = 365) -> list[ClinicSession]:
    """Clinic sessions the person coached over the past `days` (not cancelled, already started): what a coach's
    evidence may link to. Other capabilities use this, never the clinic tables."""
    sessions = await uow.clinics.coach_sessions(user_id, start=now - timedelta(days=days), end=now)
    return [s for s in sessions if s.starts_at <= now]
