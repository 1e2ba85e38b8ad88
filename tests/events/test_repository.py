"""Events on real databases (SQLite and PostgreSQL): the last places under concurrency, the waitlist, double
votes, the constraints, and a course completed through the SQL repository."""

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from core.events import attendance, judging
from core.events.commands import AlreadyRegistered, EventFull, RegistrationRequest
from core.events.model import AbstractStatus, Format, Mark, RegistrationStatus
from core.events.registration import cancel_registration, register
from core.kernel.contacts import record_contact
from core.kernel.model import Role
from storage.events.tables import event_votes, events
from tests.events.data import add_event
from tests.events.fakes import RecordingEventMessages
from tests.fakes import teams_address

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
MESSAGES = RecordingEventMessages()
AGREED = {"manager_agreement": "true"}


async def people(uow_factory, count, *, site="basildon"):
    users = []
    async with uow_factory() as uow:
        for n in range(1, count + 1):
            user = (await record_contact(uow, address=teams_address(n), now=NOW)).user
            await uow.users.save_profile(user.id, site=site, staff_group="ahp", experience="none", now=NOW)
            users.append(await uow.users.get(user.id))
        await uow.commit()
    return users


async def new_event(uow_factory, **kwargs):
    async with uow_factory() as uow:
        event_id = await add_event(uow, starts_at=NOW + timedelta(days=10), **kwargs)
        await uow.commit()
    return event_id


async def try_register(uow_factory, content, user, event_id, waitlist=False):
    request = RegistrationRequest(event_id, answers=AGREED, join_waitlist=waitlist)
    async with uow_factory() as uow:
        try:
            registration = await register(uow, user=user, request=request, content=content, messages=MESSAGES, now=NOW)
        except (EventFull, AlreadyRegistered) as refused:
            return type(refused).__name__
        await uow.commit()
        return registration.status.value


async def test_fifty_people_for_the_last_five_places_confirm_exactly_five(uow_factory, content):
    staff = await people(uow_factory, 50)
    event_id = await new_event(uow_factory, capacity=5)
    outcomes = await asyncio.gather(*(try_register(uow_factory, content, u, event_id) for u in staff))
    assert outcomes.count("confirmed") == 5 and outcomes.count("EventFull") == 45
    async with uow_factory() as uow:
        event = await uow.events.get_event(event_id)
        confirmed = await uow.events.event_registrations(event_id, statuses=("confirmed",))
    assert event.seats_taken == 5 and len(confirmed) == 5


async def test_the_same_person_four_times_at_once_gets_one_place(uow_factory, content):
    (user,) = await people(uow_factory, 1)
    event_id = await new_event(uow_factory, capacity=5)
    outcomes = await asyncio.gather(*(try_register(uow_factory, content, user, event_id) for _ in range(4)))
    assert outcomes.count("confirmed") == 1 and outcomes.count("AlreadyRegistered") == 3
    async with uow_factory() as uow:
        assert (await uow.events.get_event(event_id)).seats_taken == 1


async def test_a_race_for_the_last_places_waitlists_the_rest_and_a_cancellation_promotes(uow_factory, content):
    staff = await people(uow_factory, 10)
    event_id = await new_event(uow_factory, capacity=2)
    outcomes = await asyncio.gather(*(try_register(uow_factory, content, u, event_id, True) for u in staff))
    assert outcomes.count("confirmed") == 2 and outcomes.count("waitlisted") == 8
    async with uow_factory() as uow:
        confirmed = await uow.events.event_registrations(event_id, statuses=("confirmed",))
        waiting = await uow.events.event_registrations(event_id, statuses=("waitlisted",))
        owner = next(u for u in staff if u.id == confirmed[0].user_id)
        result = await cancel_registration(
            uow, user=owner, registration_id=confirmed[0].id, content=content, messages=MESSAGES, now=NOW
        )
        await uow.commit()
    assert result.promoted.id == waiting[0].id
    async with uow_factory() as uow:
        assert (await uow.events.get_event(event_id)).seats_taken == 2
        assert len(await uow.events.event_registrations(event_id, statuses=("confirmed",))) == 2


async def test_the_database_refuses_overbooking_and_a_second_active_registration(uow_factory, engine):
    (user,) = await people(uow_factory, 1)
    event_id = await new_event(uow_factory, capacity=1)
    with pytest.raises(IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(update(events).where(events.c.id == event_id).values(seats_taken=2))
    async with uow_factory() as uow:
        await uow.events.add_registration(
            event_id=event_id, user_id=user.id, status=RegistrationStatus.WAITLISTED, answers={}, now=NOW
        )
        with pytest.raises(AlreadyRegistered):
            await uow.events.add_registration(
                event_id=event_id, user_id=user.id, status=RegistrationStatus.CONFIRMED, answers={}, now=NOW
            )
        await uow.commit()  # the failed insert was rolled back to its savepoint; the first one stands
    async with uow_factory() as uow:
        assert len(await uow.events.event_registrations(event_id)) == 1


async def celebration_with_posters(uow_factory, voters):
    """A celebration day today with two submitted posters, and `voters` with confirmed places."""
    async with uow_factory() as uow:
        starts = NOW.replace(hour=9)
        event_id = await add_event(
            uow, starts_at=starts, template="celebration", kind="celebration", capacity=100, closes_at=starts
        )
        posters = []
        for n in (1, 2):
            abstract = await uow.events.save_abstract(
                event_id=event_id,
                project_id=n,
                lead_id=voters[0].id,
                site="basildon",
                division="medicine",
                title=f"Poster {n}",
                aim=None,
                measures=None,
                changes=None,
                results=None,
                lessons=None,
                format=Format.POSTER,
                now=NOW,
            )
            await uow.events.update_abstract(
                abstract.id,
                title=abstract.title,
                aim="a",
                measures=None,
                changes="c",
                results="r",
                lessons=None,
                format=Format.POSTER,
                status=AbstractStatus.SUBMITTED,
                now=NOW,
            )
            posters.append(abstract.id)
        for voter in voters:
            await uow.events.add_registration(
                event_id=event_id, user_id=voter.id, status=RegistrationStatus.CONFIRMED, answers={}, now=NOW
            )
        await uow.commit()
    return event_id, posters


async def vote(uow_factory, content, user, event_id, abstract_id):
    async with uow_factory() as uow:
        await judging.cast_vote(uow, user=user, event_id=event_id, abstract_id=abstract_id, content=content, now=NOW)
        await uow.commit()


async def test_double_votes_at_once_leave_one_vote_per_person(uow_factory, engine, content):
    voters = await people(uow_factory, 3)
    event_id, (first, second) = await celebration_with_posters(uow_factory, voters)
    await asyncio.gather(
        *(vote(uow_factory, content, voter, event_id, poster) for voter in voters for poster in (first, second) * 5)
    )
    async with engine.connect() as conn:
        rows = (await conn.execute(select(func.count()).select_from(event_votes))).scalar_one()
    assert rows == 3
    async with uow_factory() as uow:
        assert sum((await uow.events.vote_counts(event_id)).values()) == 3
    await vote(uow_factory, content, voters[0], event_id, second)  # changeable until voting closes
    async with uow_factory() as uow:
        assert await uow.events.vote_of(event_id, voters[0].id) == second


async def test_a_course_completed_through_the_sql_repository_is_recorded_once(uow_factory, content):
    facilitator, user = await people(uow_factory, 2)
    async with uow_factory() as uow:
        await uow.users.grant_role(facilitator.id, Role.FACILITATOR, now=NOW)
        await uow.commit()
    facilitator = replace(facilitator, roles=frozenset({Role.STAFF, Role.FACILITATOR}))
    event_id = await new_event(uow_factory, capacity=5, dates=2)
    await try_register(uow_factory, content, user, event_id)
    async with uow_factory() as uow:
        event = await uow.events.get_event(event_id)
        [registration] = await uow.events.event_registrations(event_id)
        for d in event.dates:
            await attendance.record_register(
                uow,
                user=facilitator,
                event_id=event_id,
                date_id=d.id,
                marks={registration.id: Mark.ATTENDED},
                content=content,
                messages=MESSAGES,
                now=event.ends_at,
            )
        assert not await uow.events.add_training(
            user_id=user.id, event_id=event_id, course="fundamentals", completed_on=NOW.date(), now=NOW
        )
        await uow.commit()
    async with uow_factory() as uow:
        [record] = await uow.events.training_of(user.id)
        assert record.course == "fundamentals"
        assert (await uow.users.get(user.id)).experience == "qsir_fundamentals"
        marks = await uow.events.marks(event_id)
        assert {(m.date_id, m.mark, m.method) for m in marks} == {
            (d.id, Mark.ATTENDED, "register") for d in event.dates
        }
        ended = await uow.events.events_ended(start=event.ends_at - timedelta(hours=1), end=event.ends_at)
        assert [e.id for e in ended] == [event_id]
