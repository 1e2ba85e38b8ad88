"""Repositories and constraints on real databases (each test runs on SQLite and PostgreSQL)."""

import asyncio
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from core.kernel.contacts import record_contact
from core.kernel.errors import StaleState
from core.kernel.model import OutboundMessage, Preferences, Role, WorkingHours
from storage.tables import user_roles
from tests.fakes import teams_address

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
MSG = OutboundMessage(text="hello")


async def add_person(uow_factory, n=1):
    async with uow_factory() as uow:
        contact = await record_contact(uow, address=teams_address(n), now=NOW)
        await uow.commit()
        stored = await uow.addresses.personal(contact.user.id)
        return contact.user, stored


async def test_user_and_address_round_trip(uow_factory):
    user, stored = await add_person(uow_factory)
    async with uow_factory() as uow:
        again = await record_contact(uow, address=teams_address(1), now=NOW + timedelta(minutes=1))
        assert not again.first_contact and again.user.id == user.id
        assert await uow.users.grant_role(user.id, Role.COACH, now=NOW)
        assert not await uow.users.grant_role(user.id, Role.COACH, now=NOW)
        await uow.commit()
    async with uow_factory() as uow:
        loaded = await uow.users.find("aad-1")
        assert loaded.roles == {Role.STAFF, Role.COACH}
        assert (await uow.addresses.get(stored.id)).address == teams_address(1)


async def test_addresses_for_a_dispatcher_batch_come_in_one_call(uow_factory):
    people = [await add_person(uow_factory, n) for n in (1, 2, 3)]
    ids = [stored.id for _, stored in people]
    async with uow_factory() as uow:
        found = await uow.addresses.get_many([ids[2], ids[0], ids[0], 999_999])
        assert set(found) == {ids[0], ids[2]}  # duplicates collapse, unknown ids are left out
        assert found[ids[2]] == await uow.addresses.get(ids[2])
        assert found[ids[0]].address == teams_address(1)
        assert await uow.addresses.get_many([]) == {}


async def test_uncommitted_work_is_rolled_back(uow_factory):
    async with uow_factory() as uow:
        await record_contact(uow, address=teams_address(1), now=NOW)
    async with uow_factory() as uow:
        assert await uow.users.by_teams_id("29:user-1") is None


async def test_unknown_role_is_refused_by_the_database(uow_factory, engine):
    user, _ = await add_person(uow_factory)
    with pytest.raises(IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(insert(user_roles).values(user_id=user.id, role="overlord", granted_at=NOW))


async def test_preferences_round_trip(uow_factory):
    user, _ = await add_person(uow_factory)
    prefs = Preferences(
        user_id=user.id,
        paused_until=NOW + timedelta(days=2),
        opted_out=frozenset({"events"}),
        hours=WorkingHours(days=frozenset({0, 6}), start=time(19, 30), end=time(7, 30)),
    )
    async with uow_factory() as uow:
        await uow.preferences.save(prefs, now=NOW)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.preferences.get(user.id) == prefs


async def test_outbox_dedupe_budget_and_cancel(uow_factory):
    user, stored = await add_person(uow_factory)
    async with uow_factory() as uow:
        add = dict(user_id=user.id, address_id=stored.id, category="learning", message=MSG, now=NOW)
        assert await uow.outbox.add(dedupe_key="quiz:1:2026-11-25", due_at=NOW, counts_to_budget=True, **add)
        assert not await uow.outbox.add(dedupe_key="quiz:1:2026-11-25", due_at=NOW, counts_to_budget=True, **add)
        assert await uow.outbox.add(dedupe_key="booking:5:day", due_at=NOW, counts_to_budget=False, **add)
        assert await uow.outbox.add(dedupe_key="booking:5:hour", due_at=NOW, counts_to_budget=False, **add)
        assert await uow.outbox.add(dedupe_key="booking:50:hour", due_at=NOW, counts_to_budget=False, **add)
        assert await uow.outbox.count_budgeted(user.id, NOW - timedelta(hours=1), NOW + timedelta(hours=1)) == 1
        assert await uow.outbox.cancel("booking:5:") == 2
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.outbox.status_counts() == {"pending": 2, "cancelled": 2}
        # Known whatever became of them (a cancelled key is not queued again by a tick), in chunks of keys.
        assert await uow.outbox.has("booking:5:day") and not await uow.outbox.has("booking:6:day")
        asked = ["booking:5:day", "quiz:1:2026-11-25", *(f"none:{n}" for n in range(1200)), "booking:50:hour"]
        assert await uow.outbox.queued(asked) == {"booking:5:day", "quiz:1:2026-11-25", "booking:50:hour"}


async def test_claim_takes_due_rows_once_and_reclaims_after_the_lease(uow_factory):
    user, stored = await add_person(uow_factory)
    async with uow_factory() as uow:
        for i in range(5):
            await uow.outbox.add(
                dedupe_key=f"k{i}",
                user_id=user.id,
                address_id=stored.id,
                category="learning",
                message=OutboundMessage(text=f"m{i}"),
                due_at=NOW + timedelta(seconds=i),
                counts_to_budget=True,
                now=NOW,
            )
        await uow.outbox.add(
            dedupe_key="future",
            user_id=user.id,
            address_id=stored.id,
            category="learning",
            message=MSG,
            due_at=NOW + timedelta(hours=1),
            counts_to_budget=True,
            now=NOW,
        )
        await uow.commit()
    later = NOW + timedelta(seconds=10)
    async with uow_factory() as uow:
        first = await uow.outbox.claim_due(now=later, limit=3, lease_seconds=60)
        second = await uow.outbox.claim_due(now=later, limit=10, lease_seconds=60)
        await uow.commit()
    assert [i.message.text for i in first] == ["m0", "m1", "m2"]
    assert [i.message.text for i in second] == ["m3", "m4"]
    async with uow_factory() as uow:
        assert await uow.outbox.claim_due(now=later + timedelta(seconds=30), limit=10, lease_seconds=60) == []
        await uow.outbox.mark_sent(first[0].id, now=later)
        reclaimed = await uow.outbox.claim_due(now=later + timedelta(seconds=61), limit=10, lease_seconds=60)
        await uow.commit()
    assert sorted(i.message.text for i in reclaimed) == ["m1", "m2", "m3", "m4"]


async def test_concurrent_claims_never_share_a_row(uow_factory):
    """Several dispatchers claiming at once (FOR UPDATE SKIP LOCKED on PostgreSQL) get disjoint rows."""
    user, stored = await add_person(uow_factory)
    async with uow_factory() as uow:
        for i in range(60):
            await uow.outbox.add(
                dedupe_key=f"k{i}",
                user_id=user.id,
                address_id=stored.id,
                category="learning",
                message=MSG,
                due_at=NOW,
                counts_to_budget=True,
                now=NOW,
            )
        await uow.commit()

    async def claim():
        async with uow_factory() as uow:
            items = await uow.outbox.claim_due(now=NOW, limit=7, lease_seconds=60)
            await asyncio.sleep(0.01)
            await uow.commit()
            return [i.id for i in items]

    batches = await asyncio.gather(*(claim() for _ in range(12)))
    claimed = [row for batch in batches for row in batch]
    assert len(claimed) == len(set(claimed)) == 60


async def test_unreachable_marks_pending_rows_and_hides_the_address(uow_factory):
    user, stored = await add_person(uow_factory)
    async with uow_factory() as uow:
        await uow.outbox.add(
            dedupe_key="a",
            user_id=user.id,
            address_id=stored.id,
            category="learning",
            message=MSG,
            due_at=NOW,
            counts_to_budget=True,
            now=NOW,
        )
        await uow.addresses.mark_user_unreachable(user.id, now=NOW)
        assert await uow.outbox.mark_unreachable_for_user(user.id, error="HTTP 403", now=NOW) == 1
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.addresses.personal(user.id) is None
        assert await uow.outbox.status_counts() == {"unreachable": 1}


async def test_conversation_state_uses_optimistic_concurrency(uow_factory):
    user, _ = await add_person(uow_factory)
    async with uow_factory() as uow:
        data, version = await uow.conversation_state.load("a:conv-1", user.id)
        assert (data, version) == ({}, 0)
        assert await uow.conversation_state.save("a:conv-1", user.id, {"step": 1}, expected_version=0, now=NOW) == 1
        await uow.commit()
    # Two turns (say, two Teams windows) both read version 1; the first to write wins, the second is told
    # it is stale. (Sequential here: SQLite has one connection in this process.)
    async with uow_factory() as reader:
        _, v1 = await reader.conversation_state.load("a:conv-1", user.id)
    async with uow_factory() as first:
        await first.conversation_state.save("a:conv-1", user.id, {"step": 2}, expected_version=v1, now=NOW)
        await first.commit()
    async with uow_factory() as second:
        with pytest.raises(StaleState):
            await second.conversation_state.save("a:conv-1", user.id, {"step": 9}, expected_version=v1, now=NOW)
    async with uow_factory() as uow:
        assert await uow.conversation_state.load("a:conv-1", user.id) == ({"step": 2}, 2)


async def test_purge_removes_only_old_finished_rows(uow_factory):
    user, stored = await add_person(uow_factory)
    async with uow_factory() as uow:
        for key in ("old-sent", "old-pending"):
            await uow.outbox.add(
                dedupe_key=key,
                user_id=user.id,
                address_id=stored.id,
                category="learning",
                message=MSG,
                due_at=NOW,
                counts_to_budget=True,
                now=NOW - timedelta(days=100),
            )
        [item, _] = await uow.outbox.claim_due(now=NOW, limit=2, lease_seconds=60)
        await uow.outbox.mark_sent(item.id, now=NOW)
        assert await uow.outbox.purge_finished(before=NOW - timedelta(days=90)) == 1
        await uow.commit()
        assert sum((await uow.outbox.status_counts()).values()) == 1
