"""Roles are checked here, on the server, for every action: a card's data never grants anything."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.kernel.model import GRANTABLE_ROLES, Role, User
from core.kernel.ports import UnitOfWork


def effective_roles(user: User, configured_admins: frozenset[str]) -> frozenset[Role]:
    """Stored roles plus admin for people named in configuration (by AAD object id or Teams id)."""
    roles = set(user.roles) | {Role.STAFF}
    if user.aad_object_id in configured_admins or user.teams_user_id in configured_admins:
        roles.add(Role.ADMIN)
    return frozenset(roles)


async def person_with_roles(uow: UnitOfWork, user_id: int, configured_admins: frozenset[str]) -> User | None:
    """The person a signed link names, with their effective roles (for HTTP pages, which have no turn)."""
    user = await uow.users.get(user_id)
    return replace(user, roles=effective_roles(user, configured_admins)) if user is not None else None


def require_role(user: User, role: Role) -> None:
    if not user.has_role(role):
        raise NotAllowed(f"Only a {role.value} can do that. If you think you should be one, ask a QI admin.")


def _parse_role(role: str) -> Role:
    try:
        parsed = Role(role.lower())
    except ValueError:
        parsed = None
    if parsed not in GRANTABLE_ROLES:
        names = ", ".join(sorted(r.value for r in GRANTABLE_ROLES))
        raise InvalidInput(f"Unknown role {role!r}: choose one of {names}.")
    return parsed


async def grant_role(uow: UnitOfWork, *, who: str, role: str, now: datetime) -> tuple[User, bool]:
    parsed = _parse_role(role)
    user = await uow.users.find(who)
    if user is None:
        raise NotFound(f"No user {who!r} has talked to the bot yet.")
    changed = await uow.users.grant_role(user.id, parsed, now=now)
    return user, changed


async def revoke_role(uow: UnitOfWork, *, who: str, role: str) -> tuple[User, bool]:
    parsed = _parse_role(role)
    user = await uow.users.find(who)
    if user is None:
        raise NotFound(f"No user {who!r} has talked to the bot yet.")
    changed = await uow.users.revoke_role(user.id, parsed)
    return user, changed
