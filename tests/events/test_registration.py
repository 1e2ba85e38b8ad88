"""Signing up on fakes: capacity and the waitlist, eligibility, questions, closing, cancelling, reminders."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.events import registration as service
from core.events.commands import (
    AlreadyRegistered,
    EventFull,
    InvalidAnswer,
    NotEligible,
    RegistrationClosed,
    RegistrationRequest,
)
from core.events.model import RegistrationStatus
from core.kernel.errors import NotAllowed
from core.kernel.model import Preferences, WorkingHours
from tests.events.data import add_event, event_state, person
from tests.events.fakes import RecordingEventMessages
from tests.fakes import FakeUnitOfWork

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)  # a Wednesday
MESSAGES = RecordingEventMessages()
AGREED = {"manager_agreement": "true"}


@pytest.fixture
def uow():
    return FakeUnitOfWork()


async def register(uow, content, user, event_id, *, waitlist=False, answers=None, now=NOW):
    request = RegistrationRequest(event_id, answers=AGREED if answers is None else answers, join_waitlist=waitlist)
    return await service.register(uow, user=user, request=request, content=content, messages=MESSAGES, now=now)


def texts(uow, status="pending"):
    return sorted(r["message"].text for r in uow.db.outbox.values() if r["status"] == status)


async def test_registering_takes_a_place_keeps_the_answers_and_fires_registered(uow, content, fired):
    user = await person(uow, 1, now=NOW)
    event_id = await add_event(uow, starts_at=NOW + timedelta(days=20), capacity=2)
    answers = {**AGREED, "dietary": "  Vegetarian ", "access": ""}
    registration = await register(uow, content, user, event_id, answers=answers)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.answers == {"manager_agreement": "yes", "dietary": "Vegetarian"}
    assert (await uow.events.get_event(event_id)).seats_taken == 1
    assert fired == [("registered", user.id, event_id)]


async def test_a_full_event_refuses_or_waitlists_and_a_cancellation_promotes_the_first_waiting(uow, content, fired):
    first, second, third, fourth = [await person(uow, n, now=NOW) for n in range(1, 5)]
    event_id = await add_event(uow, starts_at=NOW + timedelta(days=20), capacity=1)
    booked = await register(uow, content, first, event_id)
    before = event_state(uow)
    with pytest.raises(EventFull):
        await register(uow, content, second, event_id)
    assert event_state(uow) == before
    waiting = await register(uow, content, second, event_id, waitlist=True)
    later = await register(uow, content, third, event_id, waitlist=True)
    assert (waiting.status, later.status) == (RegistrationStatus.WAITLISTED, RegistrationStatus.WAITLISTED)
    assert [v.waitlist_position for v in await service.my_events(uow, user=third, now=NOW)] == [2]
    before = event_state(uow)
    with pytest.raises(NotAllowed):  # a forged card for someone else's registration
        await service.cancel_registration(
            uow, user=fourth, registration_id=booked.id, content=content, messages=MESSAGES, now=NOW
        )
    assert event_state(uow) == before
    result = await service.cancel_registration(
        uow, user=first, registration_id=booked.id, content=content, messages=MESSAGES, now=NOW
    )
    assert result.promoted.id == waiting.id and result.promoted.status == RegistrationStatus.CONFIRMED
    assert (await uow.events.get_event(event_id)).seats_taken == 1  # the place moved, it was not freed
    assert f"promoted {waiting.id}" in texts(uow)
    assert not [t for t in texts(uow) if f" {booked.id} " in t]  # the cancelled place's reminders are gone
    assert fired[-1] == ("registered", second.id, event_id)
    again = await service.cancel_registration(
        uow, user=first, registration_id=booked.id, content=content, messages=MESSAGES, now=NOW
    )
    assert again.already and again.promoted is None


async def test_cancelling_with_nobody_waiting_frees_the_place(uow, content):
    user = await person(uow, 1, now=NOW)
    event_id = await add_event(uow, starts_at=NOW + timedelta(days=20), capacity=1)
    booked = await register(uow, content, user, event_id)
    await service.cancel_registration(
        uow, user=user, registration_id=booked.id, content=content, messages=MESSAGES, now=NOW
    )
    assert (await uow.events.get_event(event_id)).seats_taken == 0


@pytest.mark.parametrize(
    ("starts_in", "closes_in", "message"),
    [
        (timedelta(days=20), timedelta(hours=-1), "Registration closed on"),  # closed
        (timedelta(hours=-2), timedelta(days=-3), "already started"),  # a date in the past
    ],
)
async def test_a_closed_or_past_event_refuses_and_changes_nothing(uow, content, starts_in, closes_in, message):
    user = await person(uow, 1, now=NOW)
    event_id = await add_event(uow, starts_at=NOW + starts_in, closes_at=NOW + closes_in)
    before = event_state(uow)
    with pytest.raises(RegistrationClosed, match=message):
        await register(uow, content, user, event_id)
    assert event_state(uow) == before


async def test_registering_twice_is_refused(uow, content):
    user = await person(uow, 1, now=NOW)
    event_id = await add_event(uow, starts_at=NOW + timedelta(days=20))
    await register(uow, content, user, event_id)
    before = event_state(uow)
    with pytest.raises(AlreadyRegistered, match="already have a place"):
        await register(uow, content, user, event_id)
    assert event_state(uow) == before


async def test_a_course_needs_the_managers_agreement_ticked(uow, content):
    user = await person(uow, 1, now=NOW)
    event_id = await add_event(uow, starts_at=NOW + timedelta(days=20))
    before = event_state(uow)
    with pytest.raises(InvalidAnswer) as refused:
        await register(uow, content, user, event_id, answers={"manager_agreement": "false", "dietary": "x"})
    assert refused.value.field == "manager_agreement" and "manager has agreed" in refused.value.message
    assert event_state(uow) == before


async def test_practitioner_needs_fundamentals_from_the_profile_or_a_completed_course(uow, content):
    new, certified, trained = (
        await person(uow, 1, now=NOW),
        await person(uow, 2, now=NOW, experience="qsir_fundamentals"),
        await person(uow, 3, now=NOW),
    )
    earlier = await add_event(uow, starts_at=NOW - timedelta(days=60), title="Fundamentals in September")
    await uow.events.add_training(
        user_id=trained.id, event_id=earlier, course="fundamentals", completed_on=NOW.date(), now=NOW
    )
    cohort = await add_event(
        uow, starts_at=NOW + timedelta(days=20), template="practitioner", title="QSIR Practitioner", dates=5, capacity=9
    )
    listing = await service.browse(uow, user=new, site=None, content=content, now=NOW)
    option = next(o for o in listing.options if o.event.id == cohort)
    assert not option.eligible and option.why_not == "Needs QSIR Fundamentals first." and not option.can_register
    before = event_state(uow)
    with pytest.raises(NotEligible, match="QSIR Fundamentals"):
        await register(uow, content, new, cohort)
    assert event_state(uow) == before
    assert (await register(uow, content, certified, cohort)).status == RegistrationStatus.CONFIRMED
    assert (await register(uow, content, trained, cohort)).status == RegistrationStatus.CONFIRMED


async def test_the_list_shows_the_persons_site_and_trust_wide_events_by_default(uow, content):
    user = await person(uow, 1, now=NOW, site="southend")
    here = await add_event(uow, starts_at=NOW + timedelta(days=5), site="southend")
    online = await add_event(uow, starts_at=NOW + timedelta(days=6), site=None, template="webinar", kind="webinar")
    elsewhere = await add_event(uow, starts_at=NOW + timedelta(days=7), site="basildon")
    mine = await service.browse(uow, user=user, site=None, content=content, now=NOW)
    assert mine.site == "southend" and [o.event.id for o in mine.options] == [here, online]
    everything = await service.browse(uow, user=user, site="all", content=content, now=NOW)
    assert [o.event.id for o in everything.options] == [here, online, elsewhere]


async def test_reminders_a_week_and_a_day_before_each_date_and_an_hour_before_online(uow, content):
    user = await person(uow, 1, now=NOW)
    starts = datetime(2026, 12, 14, 9, 30, tzinfo=UTC)  # Monday 14 Dec, then 21 Dec
    event_id = await add_event(uow, starts_at=starts, dates=2, online_url="https://teams.example/join")
    registration = await register(uow, content, user, event_id)
    due = {r["message"].text: r["due_at"].astimezone(LONDON) for r in uow.db.outbox.values()}
    r = registration.id
    assert due[f"reminder week {r} day 1"] == datetime(2026, 12, 7, 9, tzinfo=LONDON)
    assert due[f"reminder day {r} day 1"] == datetime(2026, 12, 13, 9, tzinfo=LONDON)
    assert due[f"reminder online {r} day 1"] == starts - timedelta(hours=1)
    assert due[f"reminder day {r} day 2"] == datetime(2026, 12, 20, 9, tzinfo=LONDON)
    assert f"reminder week {r} day 2" not in due  # a week before day 2 is day 1 itself
    categories = {row["category"] for row in uow.db.outbox.values()}
    assert categories == {"event_reminders"}


@pytest.mark.parametrize(
    ("starts", "week_before", "day_before"),
    [
        # Spring forward: Sunday 29 March 2026 01:00 GMT -> 02:00 BST.
        (
            datetime(2026, 3, 30, 8, 30, tzinfo=UTC),
            datetime(2026, 3, 23, 9, 0, tzinfo=UTC),
            datetime(2026, 3, 29, 8, 0, tzinfo=UTC),
        ),
        # Fall back: Sunday 25 October 2026 02:00 BST -> 01:00 GMT.
        (
            datetime(2026, 10, 26, 9, 30, tzinfo=UTC),
            datetime(2026, 10, 19, 8, 0, tzinfo=UTC),
            datetime(2026, 10, 25, 9, 0, tzinfo=UTC),
        ),
    ],
)
async def test_reminders_keep_09_00_london_across_the_clock_changes(uow, content, starts, week_before, day_before):
    now = starts - timedelta(days=20)
    user = await person(uow, 1, now=now)
    event_id = await add_event(uow, starts_at=starts, closes_at=starts - timedelta(days=1))
    registration = await register(uow, content, user, event_id, now=now)
    due = {r["message"].text: r["due_at"] for r in uow.db.outbox.values()}
    assert due[f"reminder week {registration.id} day 1"] == week_before
    assert due[f"reminder day {registration.id} day 1"] == day_before
    assert all(at.astimezone(LONDON).time() == time(9) for at in (week_before, day_before))


async def test_reminders_use_the_persons_own_working_hours_and_skip_what_is_past(uow, content):
    user = await person(uow, 1, now=NOW)
    hours = WorkingHours(frozenset(range(7)), time(7, 30), time(19, 30))
    await uow.preferences.save(Preferences(user_id=user.id, hours=hours), now=NOW)
    starts = NOW + timedelta(days=3)  # the week-before reminder would be in the past
    event_id = await add_event(uow, starts_at=starts, closes_at=starts - timedelta(hours=5))
    registration = await register(uow, content, user, event_id)
    due = {r["message"].text: r["due_at"].astimezone(LONDON) for r in uow.db.outbox.values()}
    assert list(due) == [f"reminder day {registration.id} day 1"]
    assert due[f"reminder day {registration.id} day 1"].time() == time(7, 30)
