"""The composition root's wiring (bot/hooks.py): the events' hooks send the surveys' instruments. Registering for a
course brings the self-efficacy "before" survey once (double tap, waitlist promotion, re-fired hook), completing
it the "after" and the 3-month follow-up, and feedback comes after a course, a webinar or the celebration day,
once per event. On fakes, and on both databases with concurrent registrations."""

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot import hooks, registry
from core.events import attendance
from core.events.commands import AlreadyRegistered, RegistrationRequest
from core.events.hooks import HOOKS, REGISTERED, Happened
from core.events.model import Mark
from core.events.registration import cancel_registration, register
from core.kernel.contacts import record_contact
from core.kernel.model import Role
from core.surveys.delivery import send_invitations
from tests.events.data import add_event, celebration, person, use_organisation
from tests.events.fakes import RecordingEventMessages
from tests.fakes import FakeUnitOfWork, teams_address
from tests.surveys.fakes import RecordingSurveyMessages

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
EVENTS = RecordingEventMessages()
AGREED = {"manager_agreement": "true"}


@pytest.fixture(autouse=True)
def wired(content):
    use_organisation(content.organisation)
    registry.wire(content)
    yield
    hooks.unwire()


@pytest.fixture
def uow():
    return FakeUnitOfWork()


async def invited(uow, user_id):
    """(instrument, wave, rule key, opens_at) of every invitation the person has, in the order made."""
    campaigns = {c.id: c for c in await uow.surveys.campaigns()}
    rows = sorted(uow.db.__dict__.get("surveys_invitations", {}).values(), key=lambda i: i.id)
    return [
        (
            campaigns[i.campaign_id].instrument_id,
            campaigns[i.campaign_id].wave,
            campaigns[i.campaign_id].rule_id,
            i.opens_at,
        )
        for i in rows
        if i.user_id == user_id
    ]


async def sign_up(uow, content, user, event_id, now=NOW, waitlist=False):
    request = RegistrationRequest(event_id, answers=AGREED, join_waitlist=waitlist)
    return await register(uow, user=user, request=request, content=content, messages=EVENTS, now=now)


async def facilitator(uow):
    user = await person(uow, 99, now=NOW)
    await uow.users.grant_role(user.id, Role.FACILITATOR, now=NOW)
    return replace(user, roles=user.roles | {Role.FACILITATOR})


async def mark_all(uow, content, who, event, registration):
    for day in event.dates:
        await attendance.record_register(
            uow,
            user=who,
            event_id=event.id,
            date_id=day.id,
            marks={registration.id: Mark.ATTENDED},
            content=content,
            messages=EVENTS,
            now=day.ends_at,
        )


async def test_registering_for_a_course_queues_the_before_survey_once(uow, content):
    user = await person(uow, 1, now=NOW)
    event_id = await add_event(uow, starts_at=NOW + timedelta(days=20))
    registration = await sign_up(uow, content, user, event_id)
    assert await invited(uow, user.id) == [("qi_self_efficacy", "before", "course_before", NOW)]
    with pytest.raises(AlreadyRegistered):  # the double tap
        await sign_up(uow, content, user, event_id)
    again = Happened(REGISTERED, event_id, "fundamentals", user.id, registration.id, NOW + timedelta(hours=1))
    await HOOKS.fire(uow, again)  # the hook fired again (e.g. a place given back after a correction)
    second = await add_event(uow, starts_at=NOW + timedelta(days=40), title="QSIR Fundamentals (again)")
    await sign_up(uow, content, user, second)  # another course of the series: the baseline is already asked for
    assert len(await invited(uow, user.id)) == 1
    messages = RecordingSurveyMessages()
    assert await send_invitations(uow, content=content, messages=messages, now=NOW) == 1
    assert await send_invitations(uow, content=content, messages=messages, now=NOW + timedelta(minutes=5)) == 0
    assert [r["dedupe_key"].startswith("surveys:") for r in uow.db.outbox.values()].count(True) == 1


async def test_a_place_from_the_waitlist_brings_the_before_survey_and_a_waiting_place_does_not(uow, content):
    first, waiting = await person(uow, 1, now=NOW), await person(uow, 2, now=NOW)
    event_id = await add_event(uow, starts_at=NOW + timedelta(days=20), capacity=1)
    booked = await sign_up(uow, content, first, event_id)
    await sign_up(uow, content, waiting, event_id, waitlist=True)
    assert await invited(uow, waiting.id) == []
    await cancel_registration(
        uow, user=first, registration_id=booked.id, content=content, messages=EVENTS, now=NOW + timedelta(hours=1)
    )
    assert [w for _, w, _, _ in await invited(uow, waiting.id)] == ["before"]


async def test_completing_a_course_brings_after_follow_up_and_feedback_when_it_ends(uow, content):
    starts = NOW + timedelta(days=10)
    event_id = await add_event(uow, starts_at=starts, template="practitioner", title="QSIR Practitioner", dates=5)
    event = await uow.events.get_event(event_id)
    user = await person(uow, 1, now=NOW, experience="qsir_fundamentals")
    registration = await sign_up(uow, content, user, event_id)
    await mark_all(uow, content, await facilitator(uow), event, registration)
    got = {(wave, key): opens for _, wave, key, opens in await invited(uow, user.id)}
    assert set(got) == {
        ("before", "course_before"),
        ("after", "course_after"),
        ("follow_up", "course_follow_up"),
        ("feedback", f"course_feedback@event:{event_id}"),
    }
    assert got[("after", "course_after")] == event.ends_at  # after the last date, not at its check-in
    follow_up = got[("follow_up", "course_follow_up")].astimezone(content.organisation.timezone)
    assert (follow_up.month, follow_up.hour) == ((event.ends_at.month + 2) % 12 + 1, 9)


async def test_a_course_not_completed_sends_no_after_survey_but_asks_for_feedback_when_it_ends(uow, content):
    event_id = await add_event(uow, starts_at=NOW + timedelta(days=10), template="practitioner", dates=5)
    event = await uow.events.get_event(event_id)
    user = await person(uow, 1, now=NOW, experience="qsir_fundamentals")
    registration = await sign_up(uow, content, user, event_id)
    await attendance.record_register(
        uow,
        user=await facilitator(uow),
        event_id=event_id,
        date_id=event.dates[0].id,
        marks={registration.id: Mark.ATTENDED},
        content=content,
        messages=EVENTS,
        now=event.dates[0].ends_at,
    )
    got = {(wave, key): opens for _, wave, key, opens in await invited(uow, user.id)}
    assert set(got) == {("before", "course_before"), ("feedback", f"course_feedback@event:{event_id}")}
    assert got[("feedback", f"course_feedback@event:{event_id}")] == event.ends_at  # once the course is over


async def test_the_celebration_day_sends_feedback_when_it_ends_once_per_day_and_each_year(uow, content):
    user = await person(uow, 1, now=NOW)
    day_id = await celebration(uow)
    day = await uow.events.get_event(day_id)
    registration = await sign_up(uow, content, user, day_id)
    assert await invited(uow, user.id) == []  # no self-efficacy survey for the celebration day
    await mark_all(uow, content, await facilitator(uow), day, registration)
    await mark_all(uow, content, await facilitator(uow), day, registration)  # the register saved twice
    assert await invited(uow, user.id) == [
        ("course_feedback", "feedback", f"celebration_feedback@event:{day_id}", day.ends_at)
    ]
    next_year = await add_event(
        uow, starts_at=day.starts_at + timedelta(days=364), template="celebration", kind="celebration", site=None
    )
    nxt = await uow.events.get_event(next_year)
    again = await sign_up(uow, content, user, next_year, now=nxt.starts_at - timedelta(days=5))
    await mark_all(uow, content, await facilitator(uow), nxt, again)
    assert [key for _, _, key, _ in await invited(uow, user.id)] == [
        f"celebration_feedback@event:{day_id}",
        f"celebration_feedback@event:{next_year}",
    ]


async def test_a_webinar_sends_feedback_only(uow, content):
    user = await person(uow, 1, now=NOW)
    event_id = await add_event(
        uow, starts_at=NOW + timedelta(days=3), template="webinar", kind="webinar", title="Run charts", hours=1
    )
    event = await uow.events.get_event(event_id)
    registration = await sign_up(uow, content, user, event_id)
    await mark_all(uow, content, await facilitator(uow), event, registration)
    assert [(w, key) for _, w, key, _ in await invited(uow, user.id)] == [
        ("feedback", f"webinar_feedback@event:{event_id}")
    ]


def test_wiring_twice_subscribes_once(content):
    registry.wire(content)
    registry.wire(content)
    assert [len(HOOKS.subscribers[name]) for name in HOOKS.subscribers] == [1, 1, 1]


# --- both databases ------------------------------------------------------------------------------------------


async def test_registering_at_once_on_a_real_database_invites_to_the_before_survey_once(uow_factory, content):
    async with uow_factory() as uow:
        user = (await record_contact(uow, address=teams_address(1), now=NOW)).user
        await uow.users.save_profile(user.id, site="basildon", staff_group="ahp", experience="none", now=NOW)
        user = await uow.users.get(user.id)
        first = await add_event(uow, starts_at=NOW + timedelta(days=10))
        second = await add_event(uow, starts_at=NOW + timedelta(days=30))
        await uow.commit()

    async def tap(event_id):
        async with uow_factory() as uow:
            try:
                await sign_up(uow, content, user, event_id)
            except AlreadyRegistered:
                return "already"
            await uow.commit()
            return "booked"

    outcomes = await asyncio.gather(*(tap(event_id) for event_id in (first, first, first, second, second)))
    assert sorted(outcomes) == ["already", "already", "already", "booked", "booked"]
    async with uow_factory() as uow:
        [invitation] = await uow.surveys.open_invitations(user.id, now=NOW)
        [campaign] = await uow.surveys.campaigns()
        assert (campaign.instrument_id, campaign.wave, campaign.rule_id) == (
            "qi_self_efficacy",
            "before",
            "course_before",
        )
        messages = RecordingSurveyMessages()
        assert await send_invitations(uow, content=content, messages=messages, now=NOW) == 1
        assert await send_invitations(uow, content=content, messages=messages, now=NOW) == 0
        await uow.commit()
    assert invitation.closes_at == NOW + timedelta(days=21)


async def test_the_survey_report_names_each_events_feedback_by_when_it_began(content):
    from tests.dialogs.harness import Chat, card_text, only_card

    admin = Chat(content, n=50, admins=frozenset({"aad-50"}))
    await admin.press("onboarding.save", site="basildon", staff_group="ahp", experience="none")
    uow = admin.uow
    user = await person(uow, 1, now=NOW)
    day_id = await celebration(uow)
    day = await uow.events.get_event(day_id)
    registration = await sign_up(uow, content, user, day_id)
    await mark_all(uow, content, await facilitator(uow), day, registration)
    admin.clock.set(day.ends_at + timedelta(hours=2))
    card = only_card(await admin.say("survey report"))
    assert "Celebration day feedback, from Thu 17 Jun 2027" in card_text(card)
