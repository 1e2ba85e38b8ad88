"""Contacts, profile, roles and settings services on fakes."""

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest

from core.kernel.contacts import record_contact, record_uninstall
from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.kernel.model import Role, WorkingHours
from core.kernel.roles import effective_roles, grant_role, require_role, revoke_role
from core.preferences.services import update_preferences
from core.profile.services import save_profile
from tests.fakes import FakeUnitOfWork, teams_address

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)


async def test_first_contact_creates_user_and_address():
    uow = FakeUnitOfWork()
    contact = await record_contact(uow, address=teams_address(1), now=NOW)
    assert contact.first_contact and contact.new_conversation and not contact.reinstalled
    assert contact.user.name == "User 1" and contact.user.tenant_id == "tenant-1"
    stored = await uow.addresses.personal(contact.user.id)
    assert stored.address.service_url == "https://smba.example/uk/"


async def test_every_contact_refreshes_service_url_and_name():
    uow = FakeUnitOfWork()
    await record_contact(uow, address=teams_address(1), now=NOW)
    moved = replace(teams_address(1), service_url="https://smba.example/emea/", user_name="User One")
    contact = await record_contact(uow, address=moved, now=NOW)
    assert not contact.first_contact
    assert contact.user.name == "User One"
    assert (await uow.addresses.personal(contact.user.id)).address.service_url == "https://smba.example/emea/"


async def test_uninstall_then_reinstall():
    uow = FakeUnitOfWork()
    contact = await record_contact(uow, address=teams_address(1), now=NOW)
    await record_uninstall(uow, address=teams_address(1), now=NOW)
    assert await uow.addresses.personal(contact.user.id) is None
    again = await record_contact(uow, address=teams_address(1), now=NOW)
    assert again.reinstalled and not again.first_contact
    assert await uow.addresses.personal(contact.user.id) is not None


async def test_save_profile_validates_against_the_organisation(content):
    uow = FakeUnitOfWork()
    user = (await record_contact(uow, address=teams_address(1), now=NOW)).user
    with pytest.raises(InvalidInput, match="your site"):
        await save_profile(
            uow,
            user_id=user.id,
            site="narnia",
            staff_group="ahp",
            experience="none",
            organisation=content.organisation,
            now=NOW,
        )
    assert (await uow.users.get(user.id)).site is None
    saved = await save_profile(
        uow,
        user_id=user.id,
        site="southend",
        staff_group="ahp",
        experience="none",
        organisation=content.organisation,
        now=NOW,
    )
    assert saved.onboarded and saved.site == "southend"


async def test_roles_granted_and_revoked_by_aad_or_teams_id():
    uow = FakeUnitOfWork()
    user = (await record_contact(uow, address=teams_address(1), now=NOW)).user
    _, changed = await grant_role(uow, who="aad-1", role="Coach", now=NOW)
    assert changed and Role.COACH in (await uow.users.get(user.id)).roles
    _, changed = await grant_role(uow, who="29:user-1", role="coach", now=NOW)
    assert not changed
    _, changed = await revoke_role(uow, who="aad-1", role="coach")
    assert changed and Role.COACH not in (await uow.users.get(user.id)).roles
    with pytest.raises(InvalidInput):
        await grant_role(uow, who="aad-1", role="staff", now=NOW)
    with pytest.raises(NotFound):
        await grant_role(uow, who="nobody", role="coach", now=NOW)


async def test_configured_admins_are_admins_and_roles_are_enforced():
    uow = FakeUnitOfWork()
    user = (await record_contact(uow, address=teams_address(1), now=NOW)).user
    with pytest.raises(NotAllowed):
        require_role(user, Role.ADMIN)
    admin = replace(user, roles=effective_roles(user, frozenset({"aad-1"})))
    require_role(admin, Role.ADMIN)
    require_role(admin, Role.COACH)  # an admin can do what a coach can


async def test_settings_pause_opt_out_and_hours(content):
    uow = FakeUnitOfWork()
    rules = content.nudges
    hours = WorkingHours(days=frozenset({5, 6}), start=time(19), end=time(7))
    prefs = await update_preferences(
        uow, user_id=1, rules=rules, pause_days=7, opted_out={"events"}, hours=hours, now=NOW
    )
    assert prefs.paused_until == NOW + timedelta(days=7)
    assert (await uow.preferences.get(1)).opted_out == {"events"}
    resumed = await update_preferences(uow, user_id=1, rules=rules, pause_days=0, opted_out=set(), hours=None, now=NOW)
    assert resumed.paused_until is None and resumed.hours is None


@pytest.mark.parametrize("kwargs", [dict(pause_days=-1), dict(pause_days=1000), dict(opted_out={"spam"})])
async def test_settings_reject_bad_values_and_change_nothing(content, kwargs):
    uow = FakeUnitOfWork()
    args = dict(pause_days=None, opted_out=set(), hours=None) | kwargs
    with pytest.raises(InvalidInput):
        await update_preferences(uow, user_id=1, rules=content.nudges, now=NOW, **args)
    assert uow.db.preferences == {}
