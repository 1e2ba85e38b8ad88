"""The per-person status of an announcement, for admins: who it reached, who it did not, and why."""

from __future__ import annotations

from core.kernel.content import Content
from core.kernel.errors import NotAllowed, NotFound
from core.kernel.model import Role
from core.kernel.ports import UnitOfWork
from core.kernel.roles import effective_roles

COLUMNS = ["person_id", "name", "site", "legacy_trust", "staff_group", "status", "updated_utc", "graph_install"]


async def status_rows_for_admin(
    uow: UnitOfWork, *, user_id: int, announcement_id: int, admins: frozenset[str], content: Content
) -> list[list]:
    user = await uow.users.get(user_id)
    if user is None or Role.ADMIN not in effective_roles(user, admins):
        raise NotAllowed("The status of each person is for QI admins.")
    if await uow.announcements.get(announcement_id) is None:
        raise NotFound("That announcement no longer exists.")
    trusts = content.announcements.legacy_trusts
    org = content.organisation
    return [
        [
            s.user_id,
            s.name or "",
            org.label("sites", s.site) if s.site else "",
            trusts.get(s.site or "", ""),
            org.label("staff_groups", s.staff_group) if s.staff_group else "",
            s.delivery.value,
            s.updated_at.strftime("%Y-%m-%d %H:%M") if s.updated_at else "",
            s.install or "",
        ]
        for s in await uow.announcements.statuses(announcement_id)
    ]
