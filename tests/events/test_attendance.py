"""The register, completing a course (training attended, the profile, the certificate, the hooks) and feedback,
on fakes."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from core.events import attendance as service
from core.events.commands import FeedbackAnswers, InvalidAnswer, RegistrationRequest
from core.events.model import Mark
from core.events.registration import register
from core.kernel.errors import InvalidInput, NotAllowed
from core.kernel.model import Role
from tests.events.data import add_event, event_state, person
from tests.events.fakes import RecordingEventMessages
from tests.fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
MESSAGES = RecordingEventMessages()
AGREED = {"manager_agreement": "true"}


@pytest.fixture
def uow():
    return FakeUnitOfWork()


async def faculty(uow):
    user = await person(uow, 99, now=NOW)
    await uow.users.grant_role(user.id, Role.FACILITATOR, now=NOW)
    return replace(user, roles=user.roles | {Role.FACILITATOR})


async def booked(uow, content, n, event_id, *, now, experience="none"):
    user = await person(uow, n, now=now, experience=experience)
    registration = await register(
        uow,
        user=user,
        request=RegistrationRequest(event_id, answers=AGREED),
        content=content,
        messages=MESSAGES,
        now=now,
    )
    return user, registration


async def mark(uow, content, who, event, d, marks, now):
    return await service.record_register(
        uow, user=who, event_id=event.id, date_id=d.id, marks=marks, content=content, messages=MESSAGES, now=now
    )


async def test_attending_every_date_of_a_course_records_training_updates_the_profile_and_certifies(uow, content, fired):
    starts = NOW + timedelta(days=10)
    event_id = await add_event(uow, starts_at=starts, template="practitioner", title="QSIR Practitioner", dates=5)
    event = await uow.events.get_event(event_id)
    facilitator = await faculty(uow)
    user, registration = await booked(uow, content, 1, event_id, now=NOW, experience="qsir_fundamentals")
    for n, d in enumerate(event.dates):
        later = d.starts_at + timedelta(hours=1)
        sheet = await mark(uow, content, facilitator, event, d, {registration.id: Mark.ATTENDED}, later)
        assert sheet.attended == 1
        assert bool(await uow.events.training_of(user.id)) == (n == 4)  # only once every date is attended
    [record] = await uow.events.training_of(user.id)
    assert (record.course, record.completed_on) == ("practitioner", (starts + timedelta(weeks=4)).date())
    assert (await uow.users.get(user.id)).experience == "qsir_practitioner"
    texts = [r["message"].text for r in uow.db.outbox.values()]
    assert texts.count(f"certificate {event_id} {user.id} {record.completed_on.isoformat()}") == 1
    assert [name for name, *_ in fired].count("attended first date") == 1
    assert fired[-1] == ("completed", user.id, event_id)
    assert await uow.events.trained_people(start=date(2026, 1, 1), end=record.completed_on) == 0
    assert await uow.events.trained_people(start=date(2026, 1, 1), end=date(2027, 12, 1)) == 1
    # Saving the same register again changes nothing and certifies nobody twice.
    before = event_state(uow)
    await mark(uow, content, facilitator, event, event.dates[-1], {registration.id: Mark.ATTENDED}, event.ends_at)
    assert event_state(uow) == before


async def test_a_correction_to_did_not_attend_takes_the_training_record_back(uow, content):
    event_id = await add_event(uow, starts_at=NOW + timedelta(days=1))
    event = await uow.events.get_event(event_id)
    facilitator = await faculty(uow)
    user, registration = await booked(uow, content, 1, event_id, now=NOW)
    after = event.ends_at
    await mark(uow, content, facilitator, event, event.dates[0], {registration.id: Mark.ATTENDED}, after)
    assert await uow.events.training_of(user.id)
    await mark(uow, content, facilitator, event, event.dates[0], {registration.id: Mark.NO_SHOW}, after)
    assert await uow.events.training_of(user.id) == []


async def test_completing_fundamentals_never_lowers_a_higher_experience(uow, content):
    event_id = await add_event(uow, starts_at=NOW + timedelta(days=1))
    event = await uow.events.get_event(event_id)
    facilitator = await faculty(uow)
    coach, registration = await booked(uow, content, 1, event_id, now=NOW, experience="coach")
    await mark(uow, content, facilitator, event, event.dates[0], {registration.id: Mark.ATTENDED}, event.ends_at)
    assert await uow.events.training_of(coach.id) and (await uow.users.get(coach.id)).experience == "coach"


async def test_a_webinar_records_attendance_but_no_training(uow, content, fired):
    event_id = await add_event(uow, starts_at=NOW + timedelta(days=1), template="webinar", kind="webinar")
    event = await uow.events.get_event(event_id)
    facilitator = await faculty(uow)
    user, registration = await booked(uow, content, 1, event_id, now=NOW)
    await mark(uow, content, facilitator, event, event.dates[0], {registration.id: Mark.ATTENDED}, event.ends_at)
    assert await uow.events.training_of(user.id) == []
    assert ("attended first date", user.id, event_id) in fired and not any(n == "completed" for n, *_ in fired)


async def test_only_the_faculty_keep_the_register_and_only_once_the_date_starts(uow, content):
    event_id = await add_event(uow, starts_at=NOW + timedelta(days=1))
    event = await uow.events.get_event(event_id)
    facilitator = await faculty(uow)
    user, registration = await booked(uow, content, 1, event_id, now=NOW)
    before = event_state(uow)
    with pytest.raises(NotAllowed):
        await mark(uow, content, user, event, event.dates[0], {registration.id: Mark.ATTENDED}, event.ends_at)
    with pytest.raises(InvalidInput, match="once the date has started"):
        await mark(uow, content, facilitator, event, event.dates[0], {registration.id: Mark.ATTENDED}, NOW)
    with pytest.raises(InvalidInput, match="no longer booked"):  # a forged id: not a registration of this event
        await mark(
            uow, content, facilitator, event, event.dates[0], {registration.id + 999: Mark.ATTENDED}, event.ends_at
        )
    assert event_state(uow) == before


async def test_a_feedback_card_already_sent_records_its_answer_once_for_someone_who_attended(uow, content):
    event_id = await add_event(uow, starts_at=NOW + timedelta(days=1))
    event = await uow.events.get_event(event_id)
    facilitator = await faculty(uow)
    came, came_reg = await booked(uow, content, 1, event_id, now=NOW)
    _, missed_reg = await booked(uow, content, 2, event_id, now=NOW)
    marks = {came_reg.id: Mark.ATTENDED, missed_reg.id: Mark.NO_SHOW}
    await mark(uow, content, facilitator, event, event.dates[0], marks, event.ends_at)
    later = event.ends_at + timedelta(hours=2)
    with pytest.raises(InvalidAnswer):
        await service.record_feedback(uow, user=came, answers=FeedbackAnswers(came_reg.id, 9), now=later)
    with pytest.raises(NotAllowed):
        await service.record_feedback(uow, user=came, answers=FeedbackAnswers(missed_reg.id, 4), now=later)
    missed = await uow.users.get(missed_reg.user_id)
    with pytest.raises(InvalidInput, match="events you attended"):
        await service.record_feedback(uow, user=missed, answers=FeedbackAnswers(missed_reg.id, 4), now=later)
    assert await service.record_feedback(uow, user=came, answers=FeedbackAnswers(came_reg.id, 5, "More tea"), now=later)
    assert not await service.record_feedback(uow, user=came, answers=FeedbackAnswers(came_reg.id, 1), now=later)
