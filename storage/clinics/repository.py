"""SQL repository for QI clinics: sessions, coaches, bookings, attendance and feedback."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clinics.content import ClinicSeries
from core.clinics.model import Attendance, Booking, BookingStatus, ClinicSession, Coach, SessionStatus
from core.kernel.errors import AlreadyBooked
from storage import places
from storage.clinics.tables import clinic_bookings, clinic_feedback, clinic_session_coaches, clinic_sessions
from storage.repositories import _insert
from storage.tables import users

ACTIVE = (BookingStatus.CONFIRMED.value, BookingStatus.WAITLISTED.value)


def _booking(row) -> Booking:
    return Booking(
        id=row["id"],
        session_id=row["session_id"],
        user_id=row["user_id"],
        status=BookingStatus(row["status"]),
        help_with=row["help_with"],
        project_id=row["project_id"],
        question=row["question"],
        created_at=row["created_at"],
        attendance=Attendance(row["attendance"]) if row["attendance"] else None,
        user_name=row.get("user_name"),
    )


_booking_select = select(clinic_bookings, users.c.name.label("user_name")).join(
    users, users.c.id == clinic_bookings.c.user_id
)


class SqlClinicRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    # --- sessions -----------------------------------------------------------------------------------------

    async def _sessions(self, where, order=clinic_sessions.c.starts_at) -> list[ClinicSession]:
        rows = (await self.conn.execute(select(clinic_sessions).where(where).order_by(order))).mappings().all()
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        coach_rows = await self.conn.execute(
            select(clinic_session_coaches.c.session_id, users.c.id, users.c.name)
            .join(users, users.c.id == clinic_session_coaches.c.user_id)
            .where(clinic_session_coaches.c.session_id.in_(ids))
            .order_by(users.c.name)
        )
        coaches: dict[int, list[Coach]] = {}
        for session_id, user_id, name in coach_rows:
            coaches.setdefault(session_id, []).append(Coach(user_id=user_id, name=name or "QI coach"))
        return [
            ClinicSession(
                id=r["id"],
                site=r["site"],
                starts_at=r["starts_at"],
                ends_at=r["ends_at"],
                capacity=r["capacity"],
                seats_taken=r["seats_taken"],
                venue=r["venue"],
                online_url=r["online_url"],
                focus=r["focus"],
                status=SessionStatus(r["status"]),
                coaches=tuple(coaches.get(r["id"], ())),
                series_key=r["series_key"],
            )
            for r in rows
        ]

    async def get_session(self, session_id: int, *, lock: bool = False) -> ClinicSession | None:
        """`lock` (PostgreSQL): hold the session row until commit, so cancellations and promotions of one
        session happen one at a time."""
        if lock and self.conn.dialect.name == "postgresql":
            await self.conn.execute(
                select(clinic_sessions.c.id).where(clinic_sessions.c.id == session_id).with_for_update()
            )
        found = await self._sessions(clinic_sessions.c.id == session_id)
        return found[0] if found else None

    async def list_sessions(self, *, site: str | None, start: datetime, end: datetime) -> list[ClinicSession]:
        where = and_(
            clinic_sessions.c.status == SessionStatus.SCHEDULED.value,
            clinic_sessions.c.starts_at >= start,
            clinic_sessions.c.starts_at < end,
        )
        if site is not None:
            where = and_(where, clinic_sessions.c.site == site)
        return await self._sessions(where)

    async def coach_sessions(self, user_id: int, *, start: datetime, end: datetime) -> list[ClinicSession]:
        mine = select(clinic_session_coaches.c.session_id).where(clinic_session_coaches.c.user_id == user_id)
        return await self._sessions(
            and_(
                clinic_sessions.c.id.in_(mine),
                clinic_sessions.c.status == SessionStatus.SCHEDULED.value,
                clinic_sessions.c.ends_at >= start,
                clinic_sessions.c.starts_at < end,
            )
        )

    async def sessions_ended(self, *, start: datetime, end: datetime) -> list[ClinicSession]:
        return await self._sessions(
            and_(
                clinic_sessions.c.status == SessionStatus.SCHEDULED.value,
                clinic_sessions.c.ends_at >= start,
                clinic_sessions.c.ends_at <= end,
            )
        )

    async def save_series_session(
        self, series: ClinicSeries, *, starts_at: datetime, ends_at: datetime, coach_id: int, now: datetime
    ) -> str:
        """Create the session of `series` starting at `starts_at`, or bring an unbooked one in line with the
        series. A session anyone has booked (or waitlisted) is never changed.
        Returns created, updated, unchanged or kept (booked, left alone)."""
        values = dict(
            site=series.site,
            ends_at=ends_at,
            capacity=series.capacity,
            venue=series.venue,
            online_url=series.online_url,
            focus=series.focus,
        )
        found = await self.conn.execute(
            select(clinic_sessions).where(
                clinic_sessions.c.series_key == series.key, clinic_sessions.c.starts_at == starts_at
            )
        )
        existing = found.mappings().first()
        if existing is None:
            session_id = (
                await self.conn.execute(
                    clinic_sessions.insert()
                    .values(
                        series_key=series.key,
                        starts_at=starts_at,
                        status=SessionStatus.SCHEDULED.value,
                        seats_taken=0,
                        created_at=now,
                        updated_at=now,
                        **values,
                    )
                    .returning(clinic_sessions.c.id)
                )
            ).scalar_one()
            await self.conn.execute(clinic_session_coaches.insert().values(session_id=session_id, user_id=coach_id))
            return "created"
        session_id = existing["id"]
        booked = (
            await self.conn.execute(
                select(func.count())
                .select_from(clinic_bookings)
                .where(clinic_bookings.c.session_id == session_id, clinic_bookings.c.status.in_(ACTIVE))
            )
        ).scalar_one()
        if booked or existing["status"] != SessionStatus.SCHEDULED.value:
            return "kept"
        coach_rows = await self.conn.execute(
            select(clinic_session_coaches.c.user_id).where(clinic_session_coaches.c.session_id == session_id)
        )
        if set(coach_rows.scalars()) == {coach_id} and all(existing[k] == v for k, v in values.items()):
            return "unchanged"
        await self.conn.execute(
            update(clinic_sessions).where(clinic_sessions.c.id == session_id).values(updated_at=now, **values)
        )
        await self.conn.execute(
            clinic_session_coaches.delete().where(clinic_session_coaches.c.session_id == session_id)
        )
        await self.conn.execute(clinic_session_coaches.insert().values(session_id=session_id, user_id=coach_id))
        return "updated"

    async def add_session(
        self,
        *,
        site: str,
        starts_at: datetime,
        ends_at: datetime,
        capacity: int,
        coach_ids: list[int],
        venue: str | None,
        online_url: str | None,
        focus: str | None,
        now: datetime,
    ) -> int:
        session_id = (
            await self.conn.execute(
                clinic_sessions.insert()
                .values(
                    site=site,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    capacity=capacity,
                    seats_taken=0,
                    venue=venue,
                    online_url=online_url,
                    focus=focus,
                    status=SessionStatus.SCHEDULED.value,
                    created_at=now,
                    updated_at=now,
                )
                .returning(clinic_sessions.c.id)
            )
        ).scalar_one()
        for coach_id in coach_ids:
            await self.conn.execute(clinic_session_coaches.insert().values(session_id=session_id, user_id=coach_id))
        return session_id

    async def cancel_session(self, session_id: int, *, reason: str, now: datetime) -> None:
        await self.conn.execute(
            update(clinic_sessions)
            .where(clinic_sessions.c.id == session_id)
            .values(status=SessionStatus.CANCELLED.value, cancel_reason=reason, seats_taken=0, updated_at=now)
        )

    # --- seats: a conditional UPDATE, atomic on both databases -----------------------------------------------

    async def take_seat(self, session_id: int) -> bool:
        return await places.take_seat(self.conn, clinic_sessions, session_id, open_status=SessionStatus.SCHEDULED.value)

    async def release_seat(self, session_id: int) -> None:
        await places.release_seat(self.conn, clinic_sessions, session_id)

    # --- bookings -----------------------------------------------------------------------------------------

    async def add_booking(
        self,
        *,
        session_id: int,
        user_id: int,
        status: BookingStatus,
        help_with: str,
        project_id: int | None,
        question: str | None,
        now: datetime,
    ) -> Booking:
        insert = (
            clinic_bookings.insert()
            .values(
                session_id=session_id,
                user_id=user_id,
                status=status.value,
                help_with=help_with,
                project_id=project_id,
                question=question,
                created_at=now,
                updated_at=now,
            )
            .returning(clinic_bookings.c.id)
        )
        booking_id = await places.add_place(
            self.conn, insert, already=AlreadyBooked("You already have a place on this session.")
        )
        booking = await self.get_booking(booking_id)
        assert booking is not None
        return booking

    async def get_booking(self, booking_id: int) -> Booking | None:
        row = (await self.conn.execute(_booking_select.where(clinic_bookings.c.id == booking_id))).mappings().first()
        return _booking(row) if row else None

    async def active_booking(self, session_id: int, user_id: int) -> Booking | None:
        row = (
            (
                await self.conn.execute(
                    _booking_select.where(
                        clinic_bookings.c.session_id == session_id,
                        clinic_bookings.c.user_id == user_id,
                        clinic_bookings.c.status.in_(ACTIVE),
                    )
                )
            )
            .mappings()
            .first()
        )
        return _booking(row) if row else None

    async def user_bookings(self, user_id: int, *, after: datetime) -> list[tuple[Booking, ClinicSession]]:
        rows = (
            (
                await self.conn.execute(
                    _booking_select.join(clinic_sessions, clinic_sessions.c.id == clinic_bookings.c.session_id)
                    .where(
                        clinic_bookings.c.user_id == user_id,
                        clinic_bookings.c.status.in_(ACTIVE),
                        clinic_sessions.c.starts_at >= after,
                        clinic_sessions.c.status == SessionStatus.SCHEDULED.value,
                    )
                    .order_by(clinic_sessions.c.starts_at)
                )
            )
            .mappings()
            .all()
        )
        result = []
        for row in rows:
            session = await self.get_session(row["session_id"])
            assert session is not None
            result.append((_booking(row), session))
        return result

    async def count_future_confirmed(self, user_id: int, *, now: datetime) -> int:
        return (
            await self.conn.execute(
                select(func.count())
                .select_from(
                    clinic_bookings.join(clinic_sessions, clinic_sessions.c.id == clinic_bookings.c.session_id)
                )
                .where(
                    clinic_bookings.c.user_id == user_id,
                    clinic_bookings.c.status == BookingStatus.CONFIRMED.value,
                    clinic_sessions.c.starts_at > now,
                    clinic_sessions.c.status == SessionStatus.SCHEDULED.value,
                )
            )
        ).scalar_one()

    async def session_bookings(self, session_id: int, *, statuses=ACTIVE) -> list[Booking]:
        rows = (
            (
                await self.conn.execute(
                    _booking_select.where(
                        clinic_bookings.c.session_id == session_id, clinic_bookings.c.status.in_(list(statuses))
                    ).order_by(clinic_bookings.c.created_at, clinic_bookings.c.id)
                )
            )
            .mappings()
            .all()
        )
        return [_booking(r) for r in rows]

    async def set_booking_status(self, booking_id: int, status: BookingStatus, *, now: datetime) -> None:
        await self.conn.execute(
            update(clinic_bookings)
            .where(clinic_bookings.c.id == booking_id)
            .values(status=status.value, updated_at=now)
        )

    async def set_attendance(self, booking_id: int, attendance: Attendance, *, now: datetime) -> None:
        await self.conn.execute(
            update(clinic_bookings)
            .where(clinic_bookings.c.id == booking_id)
            .values(attendance=attendance.value, updated_at=now)
        )

    async def add_feedback(self, booking_id: int, *, usefulness: int, improvement: str | None, now: datetime) -> bool:
        stmt = _insert(self.conn, clinic_feedback).values(
            booking_id=booking_id, usefulness=usefulness, improvement=improvement, created_at=now
        )
        result = await self.conn.execute(stmt.on_conflict_do_nothing(index_elements=["booking_id"]))
        return result.rowcount == 1

    async def attended_count(self, *, start: datetime, end: datetime) -> int:
        """Distinct people who attended a clinic in [start, end): the programme's "staff supported"."""
        return (
            await self.conn.execute(
                select(func.count(func.distinct(clinic_bookings.c.user_id)))
                .select_from(
                    clinic_bookings.join(clinic_sessions, clinic_sessions.c.id == clinic_bookings.c.session_id)
                )
                .where(
                    clinic_bookings.c.attendance == Attendance.ATTENDED.value,
                    clinic_sessions.c.starts_at >= start,
                    clinic_sessions.c.starts_at < end,
                )
            )
        ).scalar_one()
