"""Admins and faculty create and edit events (on fakes): the form's rules, and more places for people waiting."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.events import manage as service
from core.events.commands import EventChanges, EventDetails, InvalidAnswer, RegistrationRequest
from core.events.model import RegistrationStatus
from core.events.registration import register
from core.kernel.errors import NotAllowed
from core.kernel.model import Role
from tests.events.data import event_state, person
from tests.events.fakes import RecordingEventMessages
from tests.fakes import FakeUnitOfWork

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
MESSAGES = RecordingEventMessages()
WEEKS = tuple(date(2027, 2, 2) + timedelta(weeks=n) for n in range(5))


@pytest.fixture
def uow():
    return FakeUnitOfWork()


async def faculty(uow):
    user = await person(uow, 99, now=NOW)
    return replace(user, roles=user.roles | {Role.FACILITATOR})


def details(**changes) -> EventDetails:
    base = EventDetails(
        template="practitioner",
        title=None,
        site="broomfield",
        venue="Library seminar room",
        online_url=None,
        capacity=None,
        dates=WEEKS,
        starts=time(9, 30),
        ends=time(16, 30),
        closes_on=None,
    )
    return replace(base, **changes)


async def test_a_practitioner_cohort_has_five_dates_in_local_time_and_the_templates_defaults(uow, content):
    event = await service.create_event(uow, user=await faculty(uow), details=details(), content=content, now=NOW)
    assert (event.title, event.capacity, event.kind.value, event.site) == (
        "QSIR Practitioner",
        20,
        "course",
        "broomfield",
    )
    assert [d.starts_at.astimezone(LONDON) for d in event.dates] == [
        datetime.combine(day, time(9, 30), tzinfo=LONDON) for day in WEEKS
    ]
    assert event.registration_closes_at == event.starts_at - timedelta(days=3)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (dict(dates=(*WEEKS[:4], None)), "date_5", "Please give date 5."),
        (dict(dates=(WEEKS[1], WEEKS[0], *WEEKS[2:])), "date_2", "must come after date 1"),
        (dict(dates=(date(2026, 11, 20), *WEEKS[1:])), "date_1", "in the past"),
        (dict(ends=time(9, 0)), "ends", "end after the start"),
        (dict(venue=None), "venue", "a venue, an online link, or both"),
        (dict(online_url="http://teams.example"), "online_url", "https://"),
        (dict(capacity=0), "capacity", "from 1 to 1000"),
        (dict(site="mars"), "site", "Please choose a site"),
        (dict(closes_on=date(2026, 11, 24)), "closes_on", "already be closed"),
        (dict(title="x" * 121), "title", "120 characters"),
    ],
)
async def test_a_bad_form_gets_a_message_by_its_field_and_creates_nothing(uow, content, changes, field, message):
    facilitator = await faculty(uow)
    before = event_state(uow)
    with pytest.raises(InvalidAnswer) as refused:
        await service.create_event(uow, user=facilitator, details=details(**changes), content=content, now=NOW)
    assert refused.value.field == field and message in refused.value.message
    assert event_state(uow) == before


async def test_a_celebration_day_needs_its_abstract_deadline(uow, content):
    one_day = details(template="celebration", dates=(date(2027, 6, 17),), site=None)
    with pytest.raises(InvalidAnswer) as refused:
        await service.create_event(uow, user=await faculty(uow), details=one_day, content=content, now=NOW)
    assert refused.value.field == "abstracts_close_on"
    event = await service.create_event(
        uow,
        user=await faculty(uow),
        details=replace(one_day, abstracts_close_on=date(2027, 6, 1)),
        content=content,
        now=NOW,
    )
    assert event.abstracts_close_at == datetime(2027, 6, 2, tzinfo=LONDON) and event.voting_closes_at == event.ends_at


async def test_only_the_faculty_and_admins_create_or_edit_events(uow, content):
    staff = await person(uow, 1, now=NOW)
    before = event_state(uow)
    with pytest.raises(NotAllowed):
        await service.create_event(uow, user=staff, details=details(), content=content, now=NOW)
    assert event_state(uow) == before


async def test_more_places_go_to_the_people_waiting_and_fewer_than_taken_is_refused(uow, content):
    facilitator = await faculty(uow)
    event = await service.create_event(
        uow,
        user=facilitator,
        details=details(template="fundamentals", dates=(WEEKS[0],), capacity=1),
        content=content,
        now=NOW,
    )
    people = [await person(uow, n, now=NOW, experience="none") for n in range(1, 4)]
    for user in people:
        request = RegistrationRequest(event.id, answers={"manager_agreement": "true"}, join_waitlist=True)
        await register(uow, user=user, request=request, content=content, messages=MESSAGES, now=NOW)
    change = EventChanges(event.id, "QSIR Fundamentals (Broomfield)", "Library", None, 2, None)
    edited, promoted = await service.edit_event(
        uow, user=facilitator, changes=change, content=content, messages=MESSAGES, now=NOW
    )
    assert promoted == 1 and edited.seats_taken == 2 and edited.title == "QSIR Fundamentals (Broomfield)"
    statuses = [r.status for r in await uow.events.event_registrations(event.id)]
    assert statuses == [RegistrationStatus.CONFIRMED, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]
    before = event_state(uow)
    with pytest.raises(InvalidAnswer, match="2 people already have a place"):
        await service.edit_event(
            uow, user=facilitator, changes=replace(change, capacity=1), content=content, messages=MESSAGES, now=NOW
        )
    assert event_state(uow) == before
