"""The one place every nudge is admitted: quiet hours, daily budget, pause and opt-outs."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.kernel.model import OutboundMessage, Preferences, WorkingHours
from core.kernel.nudges import enqueue_nudge
from tests.fakes import FakeUnitOfWork, teams_address

LONDON = ZoneInfo("Europe/London")
MSG = OutboundMessage(text="3 QI questions due, about 2 minutes")


@pytest.fixture
async def uow():
    uow = FakeUnitOfWork()
    user = await uow.users.add(teams_user_id="29:user-1", aad_object_id="aad-1", tenant_id="t", name="A", now=None)
    await uow.addresses.upsert(user.id, teams_address(1), now=None)
    return uow


async def nudge(uow, content, now, key="k1", category="learning", **kwargs):
    return await enqueue_nudge(
        uow,
        rules=content.nudges,
        timezone=content.organisation.timezone,
        user_id=1,
        category=category,
        message=MSG,
        dedupe_key=key,
        now=now,
        **kwargs,
    )


def london(*args):
    return datetime(*args, tzinfo=LONDON).astimezone(UTC)


async def test_within_working_hours_goes_now(uow, content):
    now = london(2026, 11, 25, 10, 0)
    decision = await nudge(uow, content, now)
    assert decision.enqueued and decision.due_at == now


async def test_quiet_hours_defer_to_next_working_morning(uow, content):
    decision = await nudge(uow, content, london(2026, 11, 27, 21, 0))  # Friday night
    assert decision.due_at == london(2026, 11, 30, 8, 0)  # Monday 08:00


async def test_daily_budget_pushes_the_third_nudge_to_the_next_working_day(uow, content):
    now = london(2026, 11, 25, 10, 0)
    dues = [(await nudge(uow, content, now, key=f"k{i}")).due_at for i in range(3)]
    assert dues[:2] == [now, now]
    assert dues[2] == london(2026, 11, 26, 8, 0)


async def test_transactional_reminders_ignore_budget_and_quiet_hours(uow, content):
    now = london(2026, 11, 25, 10, 0)
    for i in range(2):
        await nudge(uow, content, now, key=f"k{i}")
    at_seven = london(2026, 11, 26, 7, 0)
    decision = await nudge(uow, content, now, key="r1", category="clinic_reminders", not_before=at_seven)
    assert decision.due_at == at_seven
    assert await uow.outbox.count_budgeted(1, london(2026, 11, 25), london(2026, 11, 26)) == 2


async def test_opt_out_suppresses_only_that_category(uow, content):
    await uow.preferences.save(Preferences(user_id=1, opted_out=frozenset({"learning"})), now=None)
    now = london(2026, 11, 25, 10, 0)
    assert (await nudge(uow, content, now)).reason == "opted out"
    assert (await nudge(uow, content, now, key="p", category="projects")).enqueued


async def test_pause_suppresses_nudges_but_not_booking_reminders(uow, content):
    now = london(2026, 11, 25, 10, 0)
    await uow.preferences.save(Preferences(user_id=1, paused_until=now + timedelta(days=3)), now=now)
    assert (await nudge(uow, content, now)).reason == "paused"
    assert (await nudge(uow, content, now, key="r", category="clinic_reminders")).enqueued
    later = await nudge(uow, content, now + timedelta(days=4), key="k-later")
    assert later.enqueued


async def test_personal_hours_override_the_default(uow, content):
    nights = WorkingHours(days=frozenset(range(7)), start=time(20), end=time(8))
    await uow.preferences.save(Preferences(user_id=1, hours=nights), now=None)
    decision = await nudge(uow, content, london(2026, 11, 25, 10, 0))
    assert decision.due_at == london(2026, 11, 25, 20, 0)


async def test_same_dedupe_key_is_enqueued_once(uow, content):
    now = london(2026, 11, 25, 10, 0)
    assert (await nudge(uow, content, now)).enqueued
    again = await nudge(uow, content, now)
    assert not again.enqueued and again.reason == "duplicate"
    assert len(uow.db.outbox) == 1


async def test_no_reachable_chat_means_nothing_is_queued(uow, content):
    await uow.addresses.mark_user_unreachable(1, now=None)
    decision = await nudge(uow, content, london(2026, 11, 25, 10, 0))
    assert not decision.enqueued and uow.db.outbox == {}
