"""The daily learning nudge on SQLite and PostgreSQL at the cost issue 16 asks of a tick: learners whose nudge time
has not come yet, and learners already nudged today, cost no statement each (the listing brings each one's time,
the outbox is asked once for everyone's key); and it nudges exactly whom, when and with what the tick did when it
read every learner's preferences one by one."""

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import event, select

from core.kernel.contacts import record_contact
from core.kernel.model import OutboundMessage, Preferences
from core.kernel.nudges import notify
from core.kernel.working_hours import local_day_bounds
from core.learning import nudges
from core.learning.model import LearningCard
from storage.tables import outbox
from tests.fakes import teams_address
from tests.learning.data import LONDON, TextMessages, answer

MESSAGES = TextMessages()
LUNCH = datetime(2026, 11, 25, 12, 45, tzinfo=LONDON).astimezone(UTC)  # after the default 12:30


@pytest.fixture
def statements(engine):
    seen: list[str] = []

    def on_execute(_conn, _cursor, statement, _params, _context, _many):
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", on_execute)
    yield seen
    event.remove(engine.sync_engine, "before_cursor_execute", on_execute)


async def learner(uow, n, *, prefs=None, cards=1):
    user = (await record_contact(uow, address=teams_address(n), now=LUNCH - timedelta(days=3))).user
    for q in range(cards):
        await uow.learning.save_card(
            LearningCard(user.id, f"q{q}", 2, None, 3.0, 5.0, LUNCH - timedelta(days=1), LUNCH - timedelta(days=4)),
            now=LUNCH - timedelta(days=4),
        )
    if prefs is not None:
        await uow.preferences.save(Preferences(user_id=user.id, **prefs), now=LUNCH - timedelta(days=3))
    return user


async def trust(uow_factory, content, *, later: int):
    """Six learners the tick nudges, one of them twice over budget; one who practised today, one opted out, one
    paused, one without a card due; and `later` learners whose chosen time (15:00) has not come yet."""
    async with uow_factory() as uow:
        await learner(uow, 1)  # the default time
        await learner(uow, 2, prefs={"learning_time": time(7, 0)}, cards=3)
        await learner(uow, 3, prefs={"learning_time": time(12, 0)}, cards=25)  # over the daily review cap (20)
        busy = await learner(uow, 4)
        for key in ("a", "b"):  # the budget of 2 already used today: their nudge goes tomorrow
            await uow.outbox.add(
                dedupe_key=f"other:{key}",
                user_id=busy.id,
                address_id=(await uow.addresses.personal(busy.id)).id,
                category="events",
                message=OutboundMessage(text="x"),
                due_at=LUNCH,
                counts_to_budget=True,
                now=LUNCH - timedelta(hours=2),
            )
        await learner(uow, 5, prefs={"hours": None, "learning_time": time(9, 0)})
        await learner(uow, 6, prefs={"opted_out": frozenset({"learning"})})
        await learner(uow, 7, prefs={"paused_until": LUNCH + timedelta(days=2)})
        practised = await learner(uow, 8)
        await answer(uow, practised, content, now=LUNCH - timedelta(hours=1))
        await learner(uow, 9, cards=0)
        for n in range(later):
            await learner(uow, 100 + n, prefs={"learning_time": time(15, 0)})
        await uow.commit()


async def queued_rows(uow):
    rows = await uow.outbox.conn.execute(
        select(outbox.c.dedupe_key, outbox.c.user_id, outbox.c.due_at, outbox.c.category, outbox.c.payload)
        .where(outbox.c.category == "learning")
        .order_by(outbox.c.dedupe_key)
    )
    return [tuple(r) for r in rows]


async def nudge_one_by_one(uow, content, now):
    """The tick as it was before issue 16: every due learner's preferences read, one by one."""
    tz = content.organisation.timezone
    day_start, day_end = local_day_bounds(now, tz)
    queued = 0
    for user_id, due_count in await uow.learning.learners_due(due_before=day_end, not_practised_since=day_start):
        key = f"learning:{user_id}:{now.astimezone(tz).date().isoformat()}"
        prefs = await uow.preferences.get(user_id)
        at = datetime.combine(
            now.astimezone(tz).date(), prefs.learning_time or content.learning.rules.default_nudge_time, tzinfo=tz
        )
        if now < at:
            continue
        count = min(due_count, content.learning.rules.daily_review_cap)
        queued += await notify(
            uow,
            content,
            user_id=user_id,
            category="learning",
            message=MESSAGES.nudge(count),
            key=key,
            now=now,
            not_before=at.astimezone(now.tzinfo),
        )
    return queued


async def test_the_tick_nudges_whom_and_when_the_one_by_one_reading_did(uow_factory, content):
    await trust(uow_factory, content, later=3)
    for now in (LUNCH - timedelta(hours=5), LUNCH, LUNCH + timedelta(hours=3)):
        async with uow_factory() as uow:
            before = await nudge_one_by_one(uow, content, now)
            expected = await queued_rows(uow)
            await uow.rollback()
        async with uow_factory() as uow:
            assert await nudges.nudge_learners(uow, content=content, now=now, messages=MESSAGES) == before
            assert await queued_rows(uow) == expected
            await uow.rollback()
    assert before == 8  # at 15:45: the five, and the three whose time was 15:00
    async with uow_factory() as uow:
        assert await nudges.nudge_learners(uow, content=content, now=LUNCH, messages=MESSAGES) == 5
        rows = {key.split(":")[1]: (due, payload) for key, _, due, _, payload in await queued_rows(uow)}
        assert len(rows) == 5 and "20 due" in str(rows["3"][1])  # the cap: 20 of 25
        tomorrow = datetime(2026, 11, 26, 8, 0, tzinfo=LONDON).astimezone(UTC)
        assert rows["4"][0] == tomorrow  # over budget today: the next morning
        assert rows["1"][0] == LUNCH
        await uow.commit()


async def tick_statements(uow_factory, content, statements, now, queued: list | None = None) -> int:
    async with uow_factory() as uow:
        statements.clear()
        sent = await nudges.nudge_learners(uow, content=content, now=now, messages=MESSAGES)
        count = len(statements)
        await uow.commit()
    if queued is not None:
        queued.append(sent)
    return count


async def test_the_tick_costs_the_same_however_many_learners_wait_for_their_time(uow_factory, content, statements):
    await trust(uow_factory, content, later=3)
    first = await tick_statements(uow_factory, content, statements, LUNCH)
    # The listing with everyone's time, the keys already queued, and the gate (notify_many) for all those whose
    # time has come at once: a fixed number of statements, however many learners there are or wait.
    again = await tick_statements(uow_factory, content, statements, LUNCH + timedelta(minutes=15))
    assert again <= first <= 10
    async with uow_factory() as uow:
        for n in range(60):
            await learner(uow, 200 + n, prefs={"learning_time": time(15, 0)})
        await uow.commit()
    assert await tick_statements(uow_factory, content, statements, LUNCH + timedelta(minutes=30)) == again
    queued: list[int] = []
    evening = await tick_statements(uow_factory, content, statements, LUNCH + timedelta(hours=3), queued)
    assert queued == [63] and evening <= first + 1  # the 63 waiting for 15:00 are nudged, in the same few statements
    assert await tick_statements(uow_factory, content, statements, LUNCH + timedelta(hours=4)) == again
