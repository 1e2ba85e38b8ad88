"""Clinic bookings on real databases: the last seats under concurrency, series sync, the booking constraints."""

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from core.clinics.booking import book_session, cancel_booking
from core.clinics.commands import BookingRequest
from core.clinics.model import BookingStatus
from core.clinics.sessions import sync_clinics
from core.kernel.contacts import record_contact
from core.kernel.errors import AlreadyBooked, ClinicFull
from core.kernel.model import Role
from storage.clinics.tables import clinic_sessions
from tests.clinics.data import add_booking
from tests.clinics.fakes import RecordingClinicMessages
from tests.fakes import teams_address

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
MESSAGES = RecordingClinicMessages()


async def people(uow_factory, count):
    users = []
    async with uow_factory() as uow:
        for n in range(1, count + 1):
            users.append((await record_contact(uow, address=teams_address(n), now=NOW)).user)
        await uow.commit()
    return users


async def new_session(uow_factory, *, capacity, coach_id):
    async with uow_factory() as uow:
        session_id = await uow.clinics.add_session(
            site="southend",
            starts_at=NOW + timedelta(days=3),
            ends_at=NOW + timedelta(days=3, hours=1),
            capacity=capacity,
            coach_ids=[coach_id],
            venue="Improvement hub",
            online_url=None,
            focus=None,
            now=NOW,
        )
        await uow.commit()
    return session_id


async def try_book(uow_factory, content, user, session_id, join_waitlist=False):
    request = BookingRequest(session_id, help_with="measurement", join_waitlist=join_waitlist)
    async with uow_factory() as uow:
        try:
            booking = await book_session(uow, user=user, request=request, content=content, messages=MESSAGES, now=NOW)
        except (ClinicFull, AlreadyBooked) as refused:
            return type(refused).__name__
        await uow.commit()
        return booking.status.value


async def test_fifty_people_racing_for_five_seats_gives_exactly_five(uow_factory, content):
    staff = await people(uow_factory, 51)
    session_id = await new_session(uow_factory, capacity=5, coach_id=staff[0].id)
    outcomes = await asyncio.gather(*(try_book(uow_factory, content, u, session_id) for u in staff[1:]))
    assert outcomes.count("confirmed") == 5 and outcomes.count("ClinicFull") == 45
    async with uow_factory() as uow:
        session = await uow.clinics.get_session(session_id)
        confirmed = await uow.clinics.session_bookings(session_id, statuses=("confirmed",))
    assert session.seats_taken == 5 and len(confirmed) == 5


async def test_the_same_person_twice_at_once_gets_one_place(uow_factory, content):
    coach, user = await people(uow_factory, 2)
    session_id = await new_session(uow_factory, capacity=5, coach_id=coach.id)
    outcomes = await asyncio.gather(*(try_book(uow_factory, content, user, session_id) for _ in range(4)))
    assert outcomes.count("confirmed") == 1 and outcomes.count("AlreadyBooked") == 3
    async with uow_factory() as uow:
        assert (await uow.clinics.get_session(session_id)).seats_taken == 1


async def test_racing_for_the_last_seat_with_waitlist_then_cancellation_promotes(uow_factory, content):
    coach, *staff = await people(uow_factory, 11)
    session_id = await new_session(uow_factory, capacity=2, coach_id=coach.id)
    outcomes = await asyncio.gather(*(try_book(uow_factory, content, u, session_id, join_waitlist=True) for u in staff))
    assert outcomes.count("confirmed") == 2 and outcomes.count("waitlisted") == 8
    async with uow_factory() as uow:
        confirmed = await uow.clinics.session_bookings(session_id, statuses=("confirmed",))
        waiting = await uow.clinics.session_bookings(session_id, statuses=("waitlisted",))
        owner = next(u for u in staff if u.id == confirmed[0].user_id)
        result = await cancel_booking(
            uow, user=owner, booking_id=confirmed[0].id, content=content, messages=MESSAGES, now=NOW
        )
        await uow.commit()
    assert result.promoted.id == waiting[0].id
    async with uow_factory() as uow:
        assert (await uow.clinics.get_session(session_id)).seats_taken == 2
        assert len(await uow.clinics.session_bookings(session_id, statuses=("confirmed",))) == 2


async def test_database_refuses_overbooking_and_duplicate_active_bookings(uow_factory, engine, content):
    coach, user = await people(uow_factory, 2)
    session_id = await new_session(uow_factory, capacity=1, coach_id=coach.id)
    with pytest.raises(IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(update(clinic_sessions).where(clinic_sessions.c.id == session_id).values(seats_taken=2))
    async with uow_factory() as uow:
        await add_booking(uow, session_id=session_id, user_id=user.id, status=BookingStatus.WAITLISTED, now=NOW)
        with pytest.raises(AlreadyBooked):
            await add_booking(uow, session_id=session_id, user_id=user.id, status=BookingStatus.CONFIRMED, now=NOW)
        await uow.commit()  # the failed insert was rolled back to its savepoint; the first one stands
    async with uow_factory() as uow:
        assert len(await uow.clinics.session_bookings(session_id)) == 1


async def test_sync_never_touches_booked_sessions(uow_factory, content):
    (coach,) = await people(uow_factory, 1)
    series = replace(content.clinics.series[0], coach="aad-1", weeks_ahead=2, capacity=4)
    one = content.with_part("clinics", replace(content.clinics, series=(series,)))
    async with uow_factory() as uow:
        assert (await sync_clinics(uow, content=one, now=NOW)).created == 2
        await uow.commit()
    async with uow_factory() as uow:
        first, second = await uow.clinics.list_sessions(site=series.site, start=NOW, end=NOW + timedelta(weeks=3))
        staff = replace(coach, roles=frozenset({Role.STAFF}))
        request = BookingRequest(first.id, help_with="other")
        await book_session(uow, user=staff, request=request, content=one, messages=MESSAGES, now=NOW)
        await uow.commit()
    async with uow_factory() as uow:
        same = await sync_clinics(uow, content=one, now=NOW)
    assert (same.created, same.updated, same.unchanged, same.kept) == (0, 0, 1, 1)
    changed = content.with_part(
        "clinics", replace(content.clinics, series=(replace(series, capacity=9, venue="Elsewhere"),))
    )
    async with uow_factory() as uow:
        report = await sync_clinics(uow, content=changed, now=NOW)
        await uow.commit()
    assert (report.created, report.updated, report.kept) == (0, 1, 1)
    async with uow_factory() as uow:
        booked = await uow.clinics.get_session(first.id)
        free = await uow.clinics.get_session(second.id)
    assert (booked.capacity, booked.venue) == (4, series.venue)
    assert (free.capacity, free.venue) == (9, "Elsewhere")
