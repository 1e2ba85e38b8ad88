"""Who is talking to the bot and where we can reach them again."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime

from core.kernel.model import ConversationAddress, User
from core.kernel.ports import UnitOfWork

NAME_LENGTH = 256  # Teams allows display names this long


@dataclass(frozen=True)
class Contact:
    user: User
    first_contact: bool  # we had never seen this person
    reinstalled: bool  # the conversation had been removed and is back
    new_conversation: bool  # first time we hear from this person in this conversation
    changed: bool = True  # something was written (False: the person and the address were already as stored)


async def record_contact(uow: UnitOfWork, *, address: ConversationAddress, now: datetime) -> Contact:
    """Create or refresh the user and their conversation address (service URL, tenant, names).

    Called for every inbound activity: Teams may move a conversation to another service URL at any time. Most
    turns change nothing, so nothing is written then: the stored row is read (in this transaction, so another
    replica's uninstall or "unreachable" mark is seen) and written only when a field or a flag differs.
    """
    address = tidy_address(address)
    user, stored = await uow.addresses.with_person(address.user_teams_id, address.conversation_id)
    if user is not None and _same_identity(user, address):
        if stored is not None and stored.active and stored.reachable and stored.address == address:
            return Contact(user=user, first_contact=False, reinstalled=False, new_conversation=False, changed=False)
    first = False
    if user is None:
        first = await uow.users.insert_if_new(
            teams_user_id=address.user_teams_id,
            aad_object_id=address.user_aad_id,
            tenant_id=address.tenant_id,
            name=address.user_name,
            now=now,
        )
        user = await uow.users.by_teams_id(address.user_teams_id)
        assert user is not None
    elif not _same_identity(user, address):
        await uow.users.update_identity(
            user.id,
            aad_object_id=address.user_aad_id or user.aad_object_id,
            tenant_id=address.tenant_id or user.tenant_id,
            name=address.user_name or user.name,
            now=now,
        )
        user = await uow.users.get(user.id)
        assert user is not None
    refreshed = await uow.addresses.refresh(user.id, address, now=now)
    return Contact(
        user=user, first_contact=first, reinstalled=refreshed.reactivated, new_conversation=refreshed.created
    )


def _same_identity(user: User, address: ConversationAddress) -> bool:
    """Teams may leave out the AAD id, tenant or name: a missing one keeps what we have."""
    return (user.aad_object_id, user.tenant_id, user.name) == (
        address.user_aad_id or user.aad_object_id,
        address.tenant_id or user.tenant_id,
        address.user_name or user.name,
    )


def tidy_address(address: ConversationAddress) -> ConversationAddress:
    """Names as people may write them in Teams (up to 256 characters; no control characters, which PostgreSQL
    would refuse); ids are bounded at the HTTP edge."""

    def tidy(name: str | None) -> str | None:
        if name is None:
            return None
        name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cs")).strip()
        return name[:NAME_LENGTH] or None

    return replace(address, user_name=tidy(address.user_name), bot_name=tidy(address.bot_name))


async def record_uninstall(uow: UnitOfWork, *, address: ConversationAddress, now: datetime) -> None:
    """The app was removed from this conversation: nothing more is sent there."""
    user = await uow.users.by_teams_id(address.user_teams_id)
    if user is None:
        return
    stored = await uow.addresses.for_conversation(user.id, address.conversation_id)
    if stored is not None:
        await uow.addresses.set_active(stored.id, False, now=now)
