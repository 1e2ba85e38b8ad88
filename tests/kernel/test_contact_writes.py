"""Recording the contact writes only when something changed (issue 16: a write on every turn cost ~0.8 ms), and
every real change is still recorded: service URL, names, tenant, an uninstall, an "unreachable" mark. On both
databases, counting the statements that reach the driver."""

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from core.kernel.contacts import record_contact, record_uninstall
from storage.tables import conversation_addresses, users
from tests.fakes import teams_address

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
LATER = NOW + timedelta(hours=3)


@pytest.fixture
def writes(engine):
    """The INSERT/UPDATE/DELETE statements sent to the database, and the COMMITs."""
    seen: list[str] = []

    def on_execute(_conn, _cursor, statement, _params, _context, _many):
        verb = statement.lstrip().split(None, 1)[0].upper()
        if verb in ("INSERT", "UPDATE", "DELETE"):
            seen.append(verb)

    event.listen(engine.sync_engine, "before_cursor_execute", on_execute)
    event.listen(engine.sync_engine, "commit", lambda _conn: seen.append("COMMIT"))
    yield seen
    event.remove(engine.sync_engine, "before_cursor_execute", on_execute)


async def _record(uow_factory, address, now):
    async with uow_factory() as uow:
        contact = await record_contact(uow, address=address, now=now)
        if contact.changed:
            await uow.commit()
        return contact


async def _stored(engine, conversation_id):
    async with engine.connect() as conn:
        return (
            (
                await conn.execute(
                    select(conversation_addresses).where(conversation_addresses.c.conversation_id == conversation_id)
                )
            )
            .mappings()
            .one()
        )


async def test_an_unchanged_contact_writes_nothing(engine, uow_factory, writes):
    first = await _record(uow_factory, teams_address(1), NOW)
    assert first.first_contact and first.changed and "INSERT" in writes
    writes.clear()
    again = await _record(uow_factory, teams_address(1), LATER)
    assert writes == []
    assert not (again.changed or again.first_contact or again.new_conversation or again.reinstalled)
    assert again.user == first.user
    assert (await _stored(engine, teams_address(1).conversation_id))["updated_at"] == NOW


@pytest.mark.parametrize(
    "change",
    [
        {"service_url": "https://smba.example/emea/"},
        {"bot_name": "QI Companion (new name)"},
        {"tenant_id": "tenant-2"},
        {"user_aad_id": "aad-moved"},
        {"conversation_type": "groupChat"},
    ],
)
async def test_a_changed_address_is_written(engine, uow_factory, writes, change):
    await _record(uow_factory, teams_address(1), NOW)
    writes.clear()
    contact = await _record(uow_factory, replace(teams_address(1), **change), LATER)
    assert contact.changed and "UPDATE" in writes and "COMMIT" in writes
    stored = await _stored(engine, teams_address(1).conversation_id)
    for field, value in change.items():
        assert stored[field] == value
    assert stored["updated_at"] == LATER
    writes.clear()
    assert not (await _record(uow_factory, replace(teams_address(1), **change), LATER)).changed
    assert writes == []


async def test_a_new_display_name_updates_the_person_and_the_address(engine, uow_factory, writes):
    await _record(uow_factory, teams_address(1), NOW)
    writes.clear()
    renamed = replace(teams_address(1), user_name="Sam Patel-Jones")
    contact = await _record(uow_factory, renamed, LATER)
    assert contact.changed and contact.user.name == "Sam Patel-Jones" and writes.count("UPDATE") >= 2
    async with engine.connect() as conn:
        assert (await conn.execute(select(users.c.name))).scalar_one() == "Sam Patel-Jones"
    assert (await _stored(engine, renamed.conversation_id))["user_name"] == "Sam Patel-Jones"


async def test_a_message_after_an_uninstall_brings_the_address_back(engine, uow_factory):
    await _record(uow_factory, teams_address(1), NOW)
    async with uow_factory() as uow:
        await record_uninstall(uow, address=teams_address(1), now=NOW)
        await uow.commit()
    contact = await _record(uow_factory, teams_address(1), LATER)
    assert contact.reinstalled and contact.changed
    assert (await _stored(engine, teams_address(1).conversation_id))["active"] is True


async def test_a_message_from_someone_marked_unreachable_makes_them_reachable(engine, uow_factory):
    """Another replica's dispatcher may have marked the person unreachable (403 from Teams): the next message
    proves they can be reached, even though the address itself did not change."""
    contact = await _record(uow_factory, teams_address(1), NOW)
    async with uow_factory() as uow:
        await uow.addresses.mark_user_unreachable(contact.user.id, now=NOW)
        await uow.commit()
        assert await uow.addresses.personal(contact.user.id) is None
    again = await _record(uow_factory, teams_address(1), LATER)
    assert again.changed
    async with uow_factory() as uow:
        assert (await uow.addresses.personal(contact.user.id)) is not None


async def test_a_second_conversation_is_recorded(engine, uow_factory):
    await _record(uow_factory, teams_address(1), NOW)
    group = replace(teams_address(1), conversation_id="19:group@thread.v2", conversation_type="groupChat")
    contact = await _record(uow_factory, group, LATER)
    assert contact.new_conversation and contact.changed and not contact.first_contact
    assert (await _stored(engine, group.conversation_id))["conversation_type"] == "groupChat"


async def test_concurrent_turns_of_one_person_agree(engine, uow_factory, writes):
    """Double-taps: six turns at once with the same address write nothing; six at once from a moved service URL
    all succeed and leave the move stored, with the person still recorded once."""
    await _record(uow_factory, teams_address(1), NOW)
    writes.clear()
    same = await asyncio.gather(*(_record(uow_factory, teams_address(1), LATER) for _ in range(6)))
    assert writes == [] and not any(r.changed for r in same)
    moved = replace(teams_address(1), service_url="https://smba.example/emea/")
    results = await asyncio.gather(*(_record(uow_factory, moved, LATER) for _ in range(6)))
    assert any(r.changed for r in results) and not any(r.first_contact or r.reinstalled for r in results)
    assert (await _stored(engine, moved.conversation_id))["service_url"] == moved.service_url
    async with engine.connect() as conn:
        assert len((await conn.execute(select(users.c.id))).all()) == 1


async def test_with_person_reads_the_person_roles_and_address_in_one_statement(engine, uow_factory):
    from core.kernel.model import Role

    statements: list[str] = []
    contact = await _record(uow_factory, teams_address(1), NOW)
    async with uow_factory() as uow:
        await uow.users.grant_role(contact.user.id, Role.ADMIN, now=NOW)
        await uow.users.grant_role(contact.user.id, Role.COACH, now=NOW)
        await uow.commit()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine.sync_engine, "before_cursor_execute", listener)
    try:
        async with uow_factory() as uow:
            user, stored = await uow.addresses.with_person("29:user-1", teams_address(1).conversation_id)
            elsewhere = await uow.addresses.with_person("29:user-1", "19:other@thread.v2")
            nobody = await uow.addresses.with_person("29:nobody", teams_address(1).conversation_id)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", listener)
    assert len(statements) == 3
    assert user.roles == {Role.STAFF, Role.ADMIN, Role.COACH} and user.id == contact.user.id
    assert stored.address == teams_address(1) and stored.active and stored.reachable and stored.user_id == user.id
    assert elsewhere == (user, None) and nobody == (None, None)
