"""A person's site, staff group and QI experience: the dimensions every programme report is cut by."""

from __future__ import annotations

from datetime import datetime

from core.kernel.content import Organisation
from core.kernel.errors import InvalidInput
from core.kernel.model import User
from core.kernel.ports import UnitOfWork


async def save_profile(
    uow: UnitOfWork,
    *,
    user_id: int,
    site: str | None,
    staff_group: str | None,
    experience: str | None,
    organisation: Organisation,
    now: datetime,
) -> User:
    missing = [
        label
        for label, kind, value in (
            ("your site", "sites", site),
            ("your staff group", "staff_groups", staff_group),
            ("your QI experience", "experience_levels", experience),
        )
        if not organisation.is_valid(kind, value)
    ]
    if missing:
        raise InvalidInput("Please choose " + " and ".join(missing) + " from the lists.")
    assert site and staff_group and experience
    await uow.users.save_profile(user_id, site=site, staff_group=staff_group, experience=experience, now=now)
    user = await uow.users.get(user_id)
    assert user is not None
    return user


# --- line managers -----------------------------------------------------------------------------------------------
# The person says who their line manager is (the organisation's HR system is not connected). Sets keep a member
# and their line manager apart; mentor matching never proposes someone's own line.


async def save_line_manager(uow: UnitOfWork, *, user: User, manager_id: int | None, now: datetime) -> User | None:
    """Record the person's line manager (None: forget it); returns the manager."""
    if manager_id is None:
        await uow.users.set_line_manager(user.id, None, now=now)
        return None
    if manager_id == user.id:
        raise InvalidInput("You cannot be your own line manager.")
    manager = await uow.users.get(manager_id)
    if manager is None:
        raise InvalidInput("That person is no longer known to the bot: please search again.")
    if await uow.users.line_manager(manager_id) == user.id:
        raise InvalidInput(f"{manager.name or 'That person'} has said you are their line manager.")
    await uow.users.set_line_manager(user.id, manager.id, now=now)
    return manager


async def line_manager_of(uow: UnitOfWork, user: User) -> User | None:
    """The line manager a person gave in their profile, if any."""
    manager_id = await uow.users.line_manager(user.id)
    return await uow.users.get(manager_id) if manager_id is not None else None


async def line_of(uow: UnitOfWork, user_id: int) -> set[int]:
    """The person's own line: their line manager and the people who report to them."""
    manager = await uow.users.line_manager(user_id)
    return set(await uow.users.reports_of(user_id)) | ({manager} if manager is not None else set())


async def line_pairs(uow: UnitOfWork, user_ids) -> list[tuple[int, int]]:
    """(person, their line manager) pairs within a group of people, e.g. the members of a set."""
    return await uow.users.line_pairs(list(user_ids))
