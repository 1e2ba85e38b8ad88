"""The sessions themselves: made from the series in content/clinics.yaml, a coach's schedule, and an admin
cancelling one (everyone booked or waiting is told at once)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core.clinics.content import ClinicSeries
from core.clinics.model import BookingStatus, CoachSession, SessionCancelled, SessionToCancel
from core.clinics.ports import ClinicMessages
from core.clinics.services import MAX_REASON, UPDATES, clean_answer, get_session
from core.kernel.content import Content
from core.kernel.errors import BookingClosed, NotAllowed
from core.kernel.model import Role, User
from core.kernel.nudges import notify
from core.kernel.ports import UnitOfWork

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
    tz = content.organisation.timezone
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


# --- a coach's schedule --------------------------------------------------------------------------------------


async def coach_schedule(uow: UnitOfWork, *, user: User, content: Content, now: datetime) -> list[CoachSession]:
    """The coach's sessions over the weeks ahead: who is booked and why, and how many are waiting."""
    if not user.has_role(Role.COACH):
        raise NotAllowed("The coach view is for QI coaches.")
    sessions = await uow.clinics.coach_sessions(
        user.id, start=now, end=now + timedelta(weeks=content.clinics.rules.weeks_shown)
    )
    schedule = []
    for session in sessions:
        bookings = await uow.clinics.session_bookings(session.id)
        confirmed = [b for b in bookings if b.status == BookingStatus.CONFIRMED]
        schedule.append(CoachSession(session, confirmed, waiting=len(bookings) - len(confirmed)))
    return schedule


# --- an admin cancels a session -------------------------------------------------------------------------------


def _require_admin(user: User) -> None:
    if not user.has_role(Role.ADMIN):
        raise NotAllowed("Only a QI admin can cancel a clinic session.")


async def session_to_cancel(uow: UnitOfWork, *, user: User, session_id: int) -> SessionToCancel:
    """What an admin is about to cancel: the session and how many people will be told."""
    _require_admin(user)
    session = await get_session(uow, session_id)
    return SessionToCancel(session, people=len(await uow.clinics.session_bookings(session.id)))


async def cancel_session(
    uow: UnitOfWork,
    *,
    user: User,
    session_id: int,
    reason: str | None,
    content: Content,
    messages: ClinicMessages,
    now: datetime,
) -> SessionCancelled:
    """Everyone booked or waiting is told at once, with the reason. A second cancel tells nobody."""
    _require_admin(user)
    reason = clean_answer("reason", reason, MAX_REASON, "the reason") or "The session had to be cancelled."
    session = await get_session(uow, session_id, lock=True)
    if session.cancelled:
        return SessionCancelled(session, told=0)
    if session.ends_at <= now:
        raise BookingClosed("This session is already over.")
    bookings = await uow.clinics.session_bookings(session.id)
    await uow.clinics.cancel_session(session.id, reason=reason, now=now)
    for booking in bookings:
        await uow.clinics.set_booking_status(booking.id, BookingStatus.CANCELLED, now=now)
        await uow.outbox.cancel(f"clinic:{booking.id}:")
        await notify(
            uow,
            content,
            user_id=booking.user_id,
            category=UPDATES,
            message=messages.session_cancelled(session, reason),
            key=f"clinic:session:{session.id}:cancelled:{booking.user_id}",
            now=now,
        )
    return SessionCancelled(await get_session(uow, session.id), told=len(bookings))
