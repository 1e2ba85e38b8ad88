"""After a session: the coach's attendance card (it feeds "staff supported") and the attendee's feedback card."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from core.clinics.commands import FeedbackAnswers, InvalidAnswer
from core.clinics.model import Attendance, AttendanceRecord, BookingStatus
from core.clinics.ports import ClinicMessages
from core.clinics.services import MAX_IMPROVEMENT, REMINDERS, UPDATES, clean_answer, get_session
from core.kernel.content import Content
from core.kernel.errors import InvalidInput, NotAllowed
from core.kernel.model import Role, User
from core.kernel.nudges import notify
from core.kernel.ports import UnitOfWork

CONFIRMED = (BookingStatus.CONFIRMED.value,)
LOOK_BACK = timedelta(days=2)  # how long after a session the ticks still send its cards


async def request_attendance(uow: UnitOfWork, *, content: Content, messages: ClinicMessages, now: datetime) -> int:
    """Tick: when a session ends, each of its coaches gets an attendance card (once: dedupe key)."""
    queued = 0
    for session in await uow.clinics.sessions_ended(start=now - LOOK_BACK, end=now):
        confirmed = await uow.clinics.session_bookings(session.id, statuses=CONFIRMED)
        if not confirmed or all(b.attendance for b in confirmed):
            continue
        for coach in session.coaches:
            queued += await notify(
                uow,
                content,
                user_id=coach.user_id,
                category=UPDATES,
                message=messages.attendance_request(session, confirmed),
                key=f"clinic:session:{session.id}:attendance:{coach.user_id}",
                now=now,
            )
    return queued


async def record_attendance(
    uow: UnitOfWork, *, user: User, session_id: int, marks: Mapping[int, Attendance], now: datetime
) -> AttendanceRecord:
    """The coach (or an admin) marks each confirmed booking attended or not."""
    session = await get_session(uow, session_id)
    if not user.has_role(Role.ADMIN) and user.id not in {c.user_id for c in session.coaches}:
        raise NotAllowed("Only the session's coach can record attendance.")
    if session.starts_at > now:
        raise InvalidInput("Attendance can be recorded once the session has started.")
    confirmed = {b.id for b in await uow.clinics.session_bookings(session.id, statuses=CONFIRMED)}
    if set(marks) - confirmed:
        raise InvalidInput("Some of those people are no longer booked on this session; please refresh the card.")
    for booking_id, attendance in marks.items():
        await uow.clinics.set_attendance(booking_id, Attendance(attendance), now=now)
    bookings = await uow.clinics.session_bookings(session.id, statuses=CONFIRMED)
    came = sum(1 for b in bookings if b.attendance == Attendance.ATTENDED)
    missed = sum(1 for b in bookings if b.attendance == Attendance.NO_SHOW)
    return AttendanceRecord(session, bookings, attended=came, missed=missed)


async def request_feedback(uow: UnitOfWork, *, content: Content, messages: ClinicMessages, now: datetime) -> int:
    """Tick: an hour after an attended session, the attendee gets a two-question feedback card (once)."""
    queued = 0
    for session in await uow.clinics.sessions_ended(start=now - LOOK_BACK, end=now - timedelta(hours=1)):
        for booking in await uow.clinics.session_bookings(session.id, statuses=CONFIRMED):
            if booking.attendance == Attendance.ATTENDED:
                queued += await notify(
                    uow,
                    content,
                    user_id=booking.user_id,
                    category=REMINDERS,
                    message=messages.feedback_request(session, booking),
                    key=f"clinic:{booking.id}:feedback",
                    now=now,
                )
    return queued


async def record_feedback(uow: UnitOfWork, *, user: User, answers: FeedbackAnswers, now: datetime) -> bool:
    """True if stored; False if this booking's feedback was already given (the old card changes nothing)."""
    booking = await uow.clinics.get_booking(answers.booking_id)
    if booking is None or booking.user_id != user.id:
        raise NotAllowed("That feedback card is not yours.")
    if booking.attendance != Attendance.ATTENDED:
        raise InvalidInput("Feedback is for sessions you attended.")
    if answers.usefulness is None or not 1 <= answers.usefulness <= 5:
        raise InvalidAnswer("usefulness", "Please rate how useful the session was from 1 to 5.")
    improvement = clean_answer("improvement", answers.improvement, MAX_IMPROVEMENT, "your suggestion")
    return await uow.clinics.add_feedback(booking.id, usefulness=answers.usefulness, improvement=improvement, now=now)
