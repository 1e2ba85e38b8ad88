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
