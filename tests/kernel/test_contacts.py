"""First contact under concurrency (a double-tap, or Teams' two install events) and names Teams allows, on both
databases."""

import asyncio
from dataclasses import replace

from core.kernel.contacts import record_contact
from tests.fakes import teams_address


async def _contact_30_times(uow_factory, address, now):
    async def once():
        async with uow_factory() as uow:
            contact = await record_contact(uow, address=address, now=now)
            await uow.commit()
            return contact

    return await asyncio.gather(*(once() for _ in range(30)))


async def test_thirty_simultaneous_first_contacts_make_one_person_and_one_first_contact(uow_factory, clock):
    contacts = await _contact_30_times(uow_factory, teams_address(1), clock.now())
    assert sum(c.first_contact for c in contacts) == 1
    assert sum(c.new_conversation for c in contacts) == 1
    assert len({c.user.id for c in contacts}) == 1


async def test_thirty_simultaneous_reinstalls_welcome_back_once(uow_factory, clock):
    address = teams_address(2)
    async with uow_factory() as uow:
        contact = await record_contact(uow, address=address, now=clock.now())
        stored = await uow.addresses.for_conversation(contact.user.id, address.conversation_id)
        await uow.addresses.set_active(stored.id, False, now=clock.now())
        await uow.commit()
    contacts = await _contact_30_times(uow_factory, address, clock.now())
    assert sum(c.reinstalled for c in contacts) == 1
    assert not any(c.first_contact or c.new_conversation for c in contacts)


async def test_a_long_display_name_and_long_ids_work_and_control_characters_are_dropped(uow_factory, clock):
    name = "Zé \x00" + "x" * 252 + "\x07y"  # 256 characters once the NUL and the bell are dropped
    address = replace(
        teams_address(3), user_name=name, user_teams_id="29:" + "a" * 253, user_aad_id="b" * 256, tenant_id="t" * 256
    )
    async with uow_factory() as uow:
        contact = await record_contact(uow, address=address, now=clock.now())
        await uow.commit()
    async with uow_factory() as uow:
        user = await uow.users.by_teams_id(address.user_teams_id)
        stored = await uow.addresses.for_conversation(user.id, address.conversation_id)
    assert user.name == "Zé " + "x" * 252 + "y" and len(user.name) == 256
    assert stored.address.user_name == user.name
    assert contact.first_contact
