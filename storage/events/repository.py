"""SQL repository for events: events and dates, registrations, attendance, training, the celebration day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.events.commands import AlreadyRegistered
from core.events.model import (
    AttendanceMark,
    Event,
    EventDate,
    EventKind,
    EventStatus,
    Mark,
    Registration,
    RegistrationStatus,
    TrainingRecord,
)
from storage import places
from storage.events.celebration import CelebrationRows
from storage.events.tables import (
    event_attendance,
    event_dates,
    event_export_log,
    event_feedback,
    event_registrations,
    event_training,
    events,
)
from storage.repositories import _insert
from storage.tables import users

ACTIVE = (RegistrationStatus.CONFIRMED.value, RegistrationStatus.WAITLISTED.value)
CHUNK = 500  # event ids a query: far below SQLite's bound parameters limit


def _chunks(ids: Sequence[int]) -> list[list[int]]:
    ids = list(ids)
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]

_registration_select = select(
    event_registrations,
    users.c.name.label("user_name"),
    users.c.site.label("user_site"),
    users.c.staff_group.label("user_staff_group"),
).join(users, users.c.id == event_registrations.c.user_id)


def _registration(row) -> Registration:
    return Registration(
        id=row["id"],
        event_id=row["event_id"],
        user_id=row["user_id"],
        status=RegistrationStatus(row["status"]),
        answers=dict(row["answers"] or {}),
        created_at=row["created_at"],
        user_name=row["user_name"],
        user_site=row["user_site"],
        user_staff_group=row["user_staff_group"],
    )


class SqlEventRepository(CelebrationRows):
    """`uow.events`: events, dates, registrations, attendance and training here; the celebration day's rows
    in storage/events/celebration.py."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    # --- events and their dates -------------------------------------------------------------------------------

    async def _events(self, where) -> list[Event]:
        rows = (await self.conn.execute(select(events).where(where))).mappings().all()
        if not rows:
            return []
        date_rows = (
            (
                await self.conn.execute(
                    select(event_dates)
                    .where(event_dates.c.event_id.in_([r["id"] for r in rows]))
                    .order_by(event_dates.c.event_id, event_dates.c.position)
                )
            )
            .mappings()
            .all()
        )
        dates: dict[int, list[EventDate]] = {}
        for d in date_rows:
            dates.setdefault(d["event_id"], []).append(
                EventDate(d["id"], d["event_id"], d["position"], d["starts_at"], d["ends_at"])
            )
        found = [
            Event(
                id=r["id"],
                template=r["template"],
                kind=EventKind(r["kind"]),
                title=r["title"],
                site=r["site"],
                venue=r["venue"],
                online_url=r["online_url"],
                capacity=r["capacity"],
                seats_taken=r["seats_taken"],
                registration_closes_at=r["registration_closes_at"],
                status=EventStatus(r["status"]),
                dates=tuple(dates.get(r["id"], ())),
                created_by=r["created_by"],
                abstracts_close_at=r["abstracts_close_at"],
                voting_closes_at=r["voting_closes_at"],
                results_announced_at=r["results_announced_at"],
            )
            for r in rows
        ]
        return sorted((e for e in found if e.dates), key=lambda e: (e.starts_at, e.id))

    async def add_event(
        self,
        *,
        template: str,
        kind: str,
        title: str,
        site: str | None,
        venue: str | None,
        online_url: str | None,
        capacity: int,
        registration_closes_at: datetime,
        abstracts_close_at: datetime | None,
        voting_closes_at: datetime | None,
        created_by: int | None,
        dates: Sequence[tuple[datetime, datetime]],
        now: datetime,
    ) -> int:
        event_id = (
            await self.conn.execute(
                events.insert()
                .values(
                    template=template,
                    kind=kind,
                    title=title,
                    site=site,
                    venue=venue,
                    online_url=online_url,
                    capacity=capacity,
                    seats_taken=0,
                    registration_closes_at=registration_closes_at,
                    abstracts_close_at=abstracts_close_at,
                    voting_closes_at=voting_closes_at,
                    status=EventStatus.OPEN.value,
                    created_by=created_by,
                    created_at=now,
                    updated_at=now,
                )
                .returning(events.c.id)
            )
        ).scalar_one()
        for position, (starts_at, ends_at) in enumerate(dates, start=1):
            await self.conn.execute(
                event_dates.insert().values(event_id=event_id, position=position, starts_at=starts_at, ends_at=ends_at)
            )
        return event_id

    async def get_event(self, event_id: int, *, lock: bool = False) -> Event | None:
        """`lock` (PostgreSQL): hold the event row until commit, so cancellations and promotions of one event
        happen one at a time."""
        if lock and self.conn.dialect.name == "postgresql":
            await self.conn.execute(select(events.c.id).where(events.c.id == event_id).with_for_update())
        found = await self._events(events.c.id == event_id)
        return found[0] if found else None

    async def list_events(self, *, start: datetime, end: datetime) -> list[Event]:
        dated = select(event_dates.c.event_id).where(event_dates.c.ends_at >= start, event_dates.c.ends_at < end)
        return await self._events(and_(events.c.status == EventStatus.OPEN.value, events.c.id.in_(dated)))

    async def events_ended(self, *, start: datetime, end: datetime) -> list[Event]:
        last = (
            select(event_dates.c.event_id)
            .group_by(event_dates.c.event_id)
            .having(and_(func.max(event_dates.c.ends_at) >= start, func.max(event_dates.c.ends_at) <= end))
        )
        return await self._events(and_(events.c.status == EventStatus.OPEN.value, events.c.id.in_(last)))

    async def update_event(
        self,
        event_id: int,
        *,
        title: str,
        venue: str | None,
        online_url: str | None,
        capacity: int,
        registration_closes_at: datetime,
        now: datetime,
    ) -> bool:
        result = await self.conn.execute(
            update(events)
            .where(events.c.id == event_id, events.c.seats_taken <= capacity)
            .values(
                title=title,
                venue=venue,
                online_url=online_url,
                capacity=capacity,
                registration_closes_at=registration_closes_at,
                updated_at=now,
            )
        )
        return result.rowcount == 1

    async def get_date(self, date_id: int) -> EventDate | None:
        row = (await self.conn.execute(select(event_dates).where(event_dates.c.id == date_id))).mappings().first()
        return EventDate(row["id"], row["event_id"], row["position"], row["starts_at"], row["ends_at"]) if row else None

    # --- places: a conditional UPDATE, atomic on both databases ---------------------------------------------

    async def take_seat(self, event_id: int) -> bool:
        return await places.take_seat(self.conn, events, event_id, open_status=EventStatus.OPEN.value)

    async def release_seat(self, event_id: int) -> None:
        await places.release_seat(self.conn, events, event_id)

    async def set_results_announced(self, event_id: int, *, now: datetime) -> bool:
        result = await self.conn.execute(
            update(events)
            .where(events.c.id == event_id, events.c.results_announced_at.is_(None))
            .values(results_announced_at=now, updated_at=now)
        )
        return result.rowcount == 1

    # --- registrations ---------------------------------------------------------------------------------------

    async def add_registration(
        self, *, event_id: int, user_id: int, status: RegistrationStatus, answers: dict[str, str], now: datetime
    ) -> Registration:
        insert = (
            event_registrations.insert()
            .values(
                event_id=event_id, user_id=user_id, status=status.value, answers=answers, created_at=now, updated_at=now
            )
            .returning(event_registrations.c.id)
        )
        registration_id = await places.add_place(
            self.conn, insert, already=AlreadyRegistered("You already have a place on this event.")
        )
        registration = await self.get_registration(registration_id)
        assert registration is not None
        return registration

    async def _registrations(self, where, order=(event_registrations.c.created_at, event_registrations.c.id)):
        rows = (await self.conn.execute(_registration_select.where(where).order_by(*order))).mappings().all()
        return [_registration(r) for r in rows]

    async def get_registration(self, registration_id: int) -> Registration | None:
        found = await self._registrations(event_registrations.c.id == registration_id)
        return found[0] if found else None

    async def active_registration(self, event_id: int, user_id: int) -> Registration | None:
        found = await self._registrations(
            and_(
                event_registrations.c.event_id == event_id,
                event_registrations.c.user_id == user_id,
                event_registrations.c.status.in_(ACTIVE),
            )
        )
        return found[0] if found else None

    async def user_registrations(self, user_id: int, *, after: datetime) -> list[tuple[Registration, Event]]:
        mine = await self._registrations(
            and_(event_registrations.c.user_id == user_id, event_registrations.c.status.in_(ACTIVE))
        )
        pairs = []
        for registration in mine:
            event = await self.get_event(registration.event_id)
            if event is not None and not event.cancelled and event.ends_at > after:
                pairs.append((registration, event))
        return sorted(pairs, key=lambda pair: (pair[1].starts_at, pair[1].id))

    async def event_registrations(self, event_id: int, *, statuses=ACTIVE) -> list[Registration]:
        return await self._registrations(
            and_(event_registrations.c.event_id == event_id, event_registrations.c.status.in_(list(statuses)))
        )

    async def registrations_of(self, event_ids: Sequence[int], *, statuses=ACTIVE) -> list[Registration]:
        """The registrations of many events in one query (the events report, issue 16), in event then first come
        order."""
        found: list[Registration] = []
        for chunk in _chunks(event_ids):
            found += await self._registrations(
                and_(event_registrations.c.event_id.in_(chunk), event_registrations.c.status.in_(list(statuses))),
                order=(event_registrations.c.event_id, event_registrations.c.created_at, event_registrations.c.id),
            )
        return found

    async def set_registration_status(self, registration_id: int, status: RegistrationStatus, *, now: datetime):
        await self.conn.execute(
            update(event_registrations)
            .where(event_registrations.c.id == registration_id)
            .values(status=status.value, updated_at=now)
        )

    # --- attendance and training -----------------------------------------------------------------------------

    async def set_mark(self, registration_id: int, date_id: int, mark: Mark, *, method: str, now: datetime) -> None:
        values = dict(mark=mark.value, method=method, marked_at=now)
        stmt = _insert(self.conn, event_attendance).values(registration_id=registration_id, date_id=date_id, **values)
        await self.conn.execute(stmt.on_conflict_do_update(index_elements=["registration_id", "date_id"], set_=values))

    async def marks(self, event_id: int) -> list[AttendanceMark]:
        rows = await self.conn.execute(
            select(event_attendance)
            .join(event_dates, event_dates.c.id == event_attendance.c.date_id)
            .where(event_dates.c.event_id == event_id)
        )
        return [
            AttendanceMark(r["registration_id"], r["date_id"], Mark(r["mark"]), r["method"]) for r in rows.mappings()
        ]

    async def attended_registrations(self, event_ids: Sequence[int]) -> set[int]:
        """The registrations marked attended on any date of these events, in one query."""
        found: set[int] = set()
        for chunk in _chunks(event_ids):
            rows = await self.conn.execute(
                select(event_attendance.c.registration_id)
                .join(event_dates, event_dates.c.id == event_attendance.c.date_id)
                .where(event_dates.c.event_id.in_(chunk), event_attendance.c.mark == Mark.ATTENDED.value)
                .distinct()
            )
            found |= set(rows.scalars())
        return found

    async def add_training(self, *, user_id: int, event_id: int, course: str, completed_on: date, now: datetime):
        stmt = _insert(self.conn, event_training).values(
            user_id=user_id, event_id=event_id, course=course, completed_on=completed_on, created_at=now
        )
        result = await self.conn.execute(stmt.on_conflict_do_nothing(index_elements=["user_id", "event_id"]))
        return result.rowcount == 1

    async def remove_training(self, *, user_id: int, event_id: int) -> bool:
        result = await self.conn.execute(
            delete(event_training).where(event_training.c.user_id == user_id, event_training.c.event_id == event_id)
        )
        return result.rowcount > 0

    async def training_of(self, user_id: int) -> list[TrainingRecord]:
        rows = await self.conn.execute(
            select(event_training).where(event_training.c.user_id == user_id).order_by(event_training.c.completed_on)
        )
        return [TrainingRecord(r["user_id"], r["event_id"], r["course"], r["completed_on"]) for r in rows.mappings()]

    async def trained_at(self, event_id: int) -> set[int]:
        rows = await self.conn.execute(select(event_training.c.user_id).where(event_training.c.event_id == event_id))
        return set(rows.scalars())

    async def trained_at_events(self, event_ids: Sequence[int]) -> set[tuple[int, int]]:
        """(event, person) for each completion of these events' courses, in one query."""
        found: set[tuple[int, int]] = set()
        for chunk in _chunks(event_ids):
            rows = await self.conn.execute(
                select(event_training.c.event_id, event_training.c.user_id).where(event_training.c.event_id.in_(chunk))
            )
            found |= {(e, u) for e, u in rows}
        return found

    async def trained_people(self, *, start: date, end: date) -> int:
        return (
            await self.conn.execute(
                select(func.count(func.distinct(event_training.c.user_id))).where(
                    event_training.c.completed_on >= start, event_training.c.completed_on < end
                )
            )
        ).scalar_one()

    async def training_evidence(self, *, courses=None) -> list[tuple[int, date, str | None, str | None]]:
        stmt = select(event_training.c.user_id, event_training.c.completed_on, users.c.site, users.c.staff_group).join(
            users, users.c.id == event_training.c.user_id
        )
        if courses is not None:
            stmt = stmt.where(event_training.c.course.in_(list(courses)))
        rows = await self.conn.execute(stmt.order_by(event_training.c.completed_on, event_training.c.user_id))
        return [(u, on, site, group) for u, on, site, group in rows]

    async def add_feedback(self, registration_id: int, *, rating: int, comment: str | None, now: datetime) -> bool:
        stmt = _insert(self.conn, event_feedback).values(
            registration_id=registration_id, rating=rating, comment=comment, created_at=now
        )
        result = await self.conn.execute(stmt.on_conflict_do_nothing(index_elements=["registration_id"]))
        return result.rowcount == 1

    # --- admins ----------------------------------------------------------------------------------------------

    async def log_export(self, *, user_id: int, event_id: int, kind: str, now: datetime) -> None:
        await self.conn.execute(event_export_log.insert().values(user_id=user_id, event_id=event_id, kind=kind, at=now))
