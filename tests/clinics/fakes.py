"""In-memory clinics repository and a recorder of the clinic messages the services queue."""

from __future__ import annotations

from dataclasses import replace

from core.clinics.model import Attendance, Booking, BookingStatus, ClinicSession, Coach, SessionStatus
from core.kernel.errors import AlreadyBooked
from core.kernel.model import (
    OutboundMessage,
)
from tests.fakes import _Repo


class FakeClinics(_Repo):
    """In-memory clinics: sessions are ClinicSession values, bookings Booking values."""

    def _sessions(self):
        return self.db.__dict__.setdefault("sessions", {})

    def _bookings(self):
        return self.db.__dict__.setdefault("bookings", {})

    def _feedback(self):
        return self.db.__dict__.setdefault("feedback", {})

    def add(self, session: ClinicSession) -> ClinicSession:
        self._sessions()[session.id] = session
        return session

    async def get_session(self, session_id, *, lock=False):
        return self._sessions().get(session_id)

    async def list_sessions(self, *, site, start, end):
        return sorted(
            (
                s
                for s in self._sessions().values()
                if s.status == SessionStatus.SCHEDULED and start <= s.starts_at < end and site in (None, s.site)
            ),
            key=lambda s: s.starts_at,
        )

    async def coach_sessions(self, user_id, *, start, end):
        return sorted(
            (
                s
                for s in self._sessions().values()
                if s.status == SessionStatus.SCHEDULED
                and user_id in {c.user_id for c in s.coaches}
                and s.ends_at >= start
                and s.starts_at < end
            ),
            key=lambda s: s.starts_at,
        )

    async def sessions_ended(self, *, start, end):
        return [
            s for s in self._sessions().values() if s.status == SessionStatus.SCHEDULED and start <= s.ends_at <= end
        ]

    async def save_series_session(self, series, *, starts_at, ends_at, coach_id, now):
        for s in self._sessions().values():
            if s.series_key == series.key and s.starts_at == starts_at:
                return "kept" if s.seats_taken else "unchanged"
        session_id = next(self.db.ids)
        self._sessions()[session_id] = ClinicSession(
            id=session_id,
            site=series.site,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=series.capacity,
            seats_taken=0,
            venue=series.venue,
            online_url=series.online_url,
            focus=series.focus,
            status=SessionStatus.SCHEDULED,
            coaches=(Coach(coach_id, "Coach"),),
            series_key=series.key,
        )
        return "created"

    async def cancel_session(self, session_id, *, reason, now):
        s = self._sessions()[session_id]
        self._sessions()[session_id] = replace(s, status=SessionStatus.CANCELLED, seats_taken=0)

    async def take_seat(self, session_id):
        s = self._sessions()[session_id]
        if s.status != SessionStatus.SCHEDULED or s.seats_taken >= s.capacity:
            return False
        self._sessions()[session_id] = replace(s, seats_taken=s.seats_taken + 1)
        return True

    async def release_seat(self, session_id):
        s = self._sessions()[session_id]
        self._sessions()[session_id] = replace(s, seats_taken=max(0, s.seats_taken - 1))

    async def add_booking(self, *, session_id, user_id, status, help_with, project_id, question, now):
        if await self.active_booking(session_id, user_id):
            raise AlreadyBooked("You already have a place on this session.")
        booking = Booking(
            id=next(self.db.ids),
            session_id=session_id,
            user_id=user_id,
            status=status,
            help_with=help_with,
            project_id=project_id,
            question=question,
            created_at=now,
            user_name=self.db.users[user_id].name if user_id in self.db.users else None,
        )
        self._bookings()[booking.id] = booking
        return booking

    async def get_booking(self, booking_id):
        return self._bookings().get(booking_id)

    async def active_booking(self, session_id, user_id):
        return next(
            (
                b
                for b in self._bookings().values()
                if b.session_id == session_id and b.user_id == user_id and b.status != BookingStatus.CANCELLED
            ),
            None,
        )

    async def user_bookings(self, user_id, *, after):
        pairs = [
            (b, self._sessions()[b.session_id])
            for b in self._bookings().values()
            if b.user_id == user_id and b.status != BookingStatus.CANCELLED
        ]
        return sorted(
            ((b, s) for b, s in pairs if s.starts_at >= after and s.status == SessionStatus.SCHEDULED),
            key=lambda pair: pair[1].starts_at,
        )

    async def count_future_confirmed(self, user_id, *, now):
        return sum(
            1
            for b in self._bookings().values()
            if b.user_id == user_id
            and b.status == BookingStatus.CONFIRMED
            and self._sessions()[b.session_id].starts_at > now
            and self._sessions()[b.session_id].status == SessionStatus.SCHEDULED
        )

    async def session_bookings(self, session_id, *, statuses=("confirmed", "waitlisted")):
        return sorted(
            (b for b in self._bookings().values() if b.session_id == session_id and b.status.value in statuses),
            key=lambda b: (b.created_at, b.id),
        )

    async def set_booking_status(self, booking_id, status, *, now):
        self._bookings()[booking_id] = replace(self._bookings()[booking_id], status=status)

    async def set_attendance(self, booking_id, attendance, *, now):
        self._bookings()[booking_id] = replace(self._bookings()[booking_id], attendance=attendance)

    async def add_feedback(self, booking_id, *, usefulness, improvement, now):
        if booking_id in self._feedback():
            return False
        self._feedback()[booking_id] = (usefulness, improvement)
        return True

    async def attended_count(self, *, start, end):
        return len(
            {
                b.user_id
                for b in self._bookings().values()
                if b.attendance == Attendance.ATTENDED and start <= self._sessions()[b.session_id].starts_at < end
            }
        )


class RecordingClinicMessages:
    """A ClinicMessages that records what was rendered, as short texts."""

    def reminder(self, session, booking, which):
        return OutboundMessage(text=f"reminder {which} {booking.id}")

    def coach_booking_notice(self, session, booking, booker, project=None):
        return OutboundMessage(text=f"coach notice {booking.id} {booker.name}")

    def promoted(self, session, booking):
        return OutboundMessage(text=f"promoted {booking.id}")

    def session_cancelled(self, session, reason):
        return OutboundMessage(text=f"cancelled {session.id}: {reason}")

    def attendance_request(self, session, bookings):
        return OutboundMessage(text=f"attendance {session.id} {[b.id for b in bookings]}")

    def feedback_request(self, session, booking):
        return OutboundMessage(text=f"feedback {booking.id}")


FAKE_REPOSITORY = FakeClinics
