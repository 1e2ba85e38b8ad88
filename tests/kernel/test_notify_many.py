"""The nudge gate for many messages at once (`notify_many`, an announcement's slice) decides exactly as `notify`
one by one: quiet hours, the opt-out, a pause, the budget (also within the batch), urgent bypassing the budget but
not an unreachable address, no address, and keys already queued. On the fakes and on both databases."""

from datetime import UTC, datetime, time, timedelta

import pytest

from bot import registry
from core.kernel.contacts import record_contact
from core.kernel.model import OutboundMessage, Preferences, WorkingHours
from core.kernel.nudges import Nudge, notify_many, notify_or_say_why
from tests.conftest import make_engine
from tests.fakes import FakeDatabase, FakeUnitOfWork, teams_address

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)  # a Wednesday, 10:00 in London (GMT)
TOMORROW_8 = datetime(2026, 11, 26, 8, tzinfo=UTC)
MSG = OutboundMessage(text="Celebration day: call for abstracts")


@pytest.fixture(params=["fake", "sqlite", "postgres"])
async def uows(request, tmp_path):
    """A factory of units of work over one store: the fakes, or a migrated database of each kind."""
    if request.param == "fake":
        db = FakeDatabase()
        yield lambda: FakeUnitOfWork(db)
        return
    engine, cleanup = await make_engine(request.param, tmp_path)
    yield registry.uow_factory(engine)
    await cleanup()


async def person(uow, n: int, *, personal: bool = True) -> int:
    address = teams_address(n, conversation_type="personal" if personal else "channel")
    return (await record_contact(uow, address=address, now=NOW)).user.id


async def world(uow, w: int) -> tuple[list[Nudge], dict[str, int]]:
    """The same ten people and messages in world `w` (its own people and keys): every rule of the gate is hit."""
    base = 100 * (w + 1)
    ids = {}
    for i, name in enumerate(
        ["plain", "opted_out", "paused", "full", "unreachable", "no_app", "queued", "nights", "three", "friday"]
    ):
        ids[name] = await person(uow, base + i, personal=name != "no_app")
    await uow.preferences.save(Preferences(user_id=ids["opted_out"], opted_out=frozenset({"news"})), now=NOW)
    await uow.preferences.save(Preferences(user_id=ids["paused"], paused_until=NOW + timedelta(days=3)), now=NOW)
    nights = WorkingHours(days=frozenset(range(7)), start=time(20), end=time(8))
    await uow.preferences.save(Preferences(user_id=ids["nights"], hours=nights), now=NOW)
    await uow.addresses.mark_user_unreachable(ids["unreachable"], now=NOW)
    for key, user, budgeted in [
        (f"w{w}:old1", "full", True),
        (f"w{w}:old2", "full", True),
        (f"w{w}:k-q", "queued", False),
    ]:
        address = await uow.addresses.personal(ids[user])
        await uow.outbox.add(
            dedupe_key=key,
            user_id=ids[user],
            address_id=address.id,
            category="news",
            message=MSG,
            due_at=NOW,
            counts_to_budget=budgeted,
            now=NOW,
        )

    def n(user, key, category="news", **kw):
        return Nudge(ids[user], category, MSG, f"w{w}:{key}", **kw)

    nudges = [
        n("plain", "a"),
        n("opted_out", "b"),
        n("opted_out", "b-service", category="clinic_updates"),  # a service message cannot be opted out of
        n("paused", "c"),
        n("paused", "c-reminder", category="clinic_reminders", not_before=TOMORROW_8 - timedelta(hours=1)),
        n("full", "d"),
        n("full", "d-urgent", budget=False),
        n("unreachable", "e-urgent", budget=False),
        n("no_app", "f"),
        n("queued", "k-q"),
        n("nights", "g"),
        n("three", "h1", category="learning"),
        n("three", "h2", category="learning"),
        n("three", "h3", category="learning"),
        n("three", "h1", category="learning"),  # the same key twice in one batch
        n("friday", "i", not_before=datetime(2026, 11, 27, 21, tzinfo=UTC)),
    ]
    return nudges, ids


async def test_many_at_once_decide_as_one_by_one(uows, content):
    async with uows() as uow:
        batch, batch_ids = await world(uow, 0)
        single, single_ids = await world(uow, 1)
        await uow.commit()
    async with uows() as uow:
        together = await notify_many(uow, content, batch, now=NOW)
        await uow.commit()
    async with uows() as uow:
        one_by_one = []
        for nudge in single:
            one_by_one.append(
                await notify_or_say_why(
                    uow,
                    content,
                    user_id=nudge.user_id,
                    category=nudge.category,
                    message=nudge.message,
                    key=nudge.key,
                    now=NOW,
                    not_before=nudge.not_before,
                    budget=nudge.budget,
                )
            )
        await uow.commit()

    assert together == one_by_one
    expected = [
        (True, NOW, None),
        (False, None, "opted out"),
        (True, NOW, None),
        (False, None, "paused"),
        (True, TOMORROW_8 - timedelta(hours=1), None),  # transactional: its exact time, despite the pause
        (True, TOMORROW_8, None),  # today's budget is used up: tomorrow morning
        (True, NOW, None),  # urgent: the budget does not hold it back
        (False, None, "no reachable personal chat"),  # urgent, yet unreachable
        (False, None, "no reachable personal chat"),
        (False, None, "duplicate"),
        (True, datetime(2026, 11, 25, 20, tzinfo=UTC), None),  # quiet hours until the night shift starts
        (True, NOW, None),
        (True, NOW, None),
        (True, TOMORROW_8, None),  # the third of the batch: the budget counts the first two
        (False, None, "duplicate"),
        (True, datetime(2026, 11, 30, 8, tzinfo=UTC), None),  # Friday night: Monday morning
    ]
    assert [(d.enqueued, d.due_at, d.reason) for d in together] == expected

    async with uows() as uow:
        for w, nudges, ids in [(0, batch, batch_ids), (1, single, single_ids)]:
            queued = await uow.outbox.queued([x.key for x in nudges])
            assert sorted(k.split(":", 1)[1] for k in queued) == sorted(
                ["a", "b-service", "c-reminder", "d", "d-urgent", "k-q", "g", "h1", "h2", "h3", "i"]
            ), w
            # What uses the budget: not the urgent copy, not the transactional ones.
            today = await uow.outbox.count_budgeted(
                ids["full"], NOW - timedelta(hours=10), TOMORROW_8 - timedelta(hours=8)
            )
            assert today == 2
            assert await uow.outbox.count_budgeted(ids["three"], TOMORROW_8, TOMORROW_8 + timedelta(hours=16)) == 1
            assert await uow.outbox.count_budgeted(ids["paused"], NOW, NOW + timedelta(days=2)) == 0


async def test_a_key_taken_between_the_reads_and_the_insert_is_a_duplicate(uows, content):
    """The outbox's unique key decides a race: another tick queues the same key while this batch is decided."""
    async with uows() as uow:
        user = await person(uow, 1)
        await uow.commit()
    async with uows() as uow:
        address = await uow.addresses.personal(user)
        queued = uow.outbox.queued

        async def racing(keys):
            found = await queued(keys)
            await uow.outbox.add(
                dedupe_key="race",
                user_id=user,
                address_id=address.id,
                category="news",
                message=MSG,
                due_at=NOW,
                counts_to_budget=True,
                now=NOW,
            )
            return found

        uow.outbox.queued = racing
        decisions = await notify_many(
            uow, content, [Nudge(user, "news", MSG, "race"), Nudge(user, "news", MSG, "other")], now=NOW
        )
    assert [(d.enqueued, d.reason) for d in decisions] == [(False, "duplicate"), (True, None)]
