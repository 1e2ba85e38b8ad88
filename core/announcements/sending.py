"""Sending an announcement, and stopping or restarting it on the way. Every change is one conditional status move,
so a double tap (or two people at once) changes it once and the second is told what happened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.announcements.compose import audience_of, require_announcer
from core.announcements.model import RESUMABLE, STOPPABLE, Announcement, Status
from core.kernel.content import Content
from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.kernel.model import OutboxStatus, Role, User
from core.kernel.ports import UnitOfWork


class AlreadySent(InvalidInput):
    """The announcement is no longer a draft (a second Send, or Send on an old card)."""


def recipients_prefix(announcement_id: int) -> str:
    return f"announcements:{announcement_id}:to:"


def recipient_key(announcement_id: int, user_id: int, round_: int) -> str:
    return f"{recipients_prefix(announcement_id)}{user_id}:{round_}"


def progress_key(announcement_id: int, sequence: int) -> str:
    return f"announcements:{announcement_id}:card:{sequence}"


async def announcement_for(uow: UnitOfWork, user: User, announcement_id: int, *, lock: bool = False) -> Announcement:
    """The announcement, if this person may manage it: its author (still a lead) or an admin."""
    require_announcer(user)
    found = await uow.announcements.get(announcement_id, lock=lock)
    if found is None:
        raise NotFound("That announcement no longer exists.")
    if found.author_id != user.id and not user.has_role(Role.ADMIN):
        raise NotAllowed("Only its author or a QI admin can manage that announcement.")
    return found


@dataclass(frozen=True)
class Sent:
    announcement: Announcement
    recipients: int


async def send_announcement(
    uow: UnitOfWork,
    content: Content,
    *,
    user: User,
    announcement_id: int,
    conversation_id: str,
    card_activity: str | None,
    now: datetime,
) -> Sent:
    """Draft -> scheduled, with its audience as it is now. Delivery starts at the next tick (at its time)."""
    draft = await announcement_for(uow, user, announcement_id)
    if draft.status != Status.DRAFT:
        raise AlreadySent("This announcement has already been sent: its progress is below.")
    if draft.urgent and not user.has_role(Role.ADMIN):
        raise NotAllowed("Only a QI admin can send an urgent announcement.")
    if draft.send_at is not None and draft.send_at <= now:
        raise InvalidInput("Its time has passed while you were reading. Press Edit and choose a new time.")
    members = await audience_of(uow, content, draft.audience)
    if not members:
        raise InvalidInput("Nobody is in that audience. Press Edit and choose a wider one.")
    address = await uow.addresses.for_conversation(user.id, conversation_id)
    moved = await uow.announcements.move(
        announcement_id,
        from_=frozenset({Status.DRAFT}),
        to=Status.SCHEDULED,
        now=now,
        author_address_id=address.id if address else None,
        author_card=card_activity,
        recipients=len(members),
    )
    if not moved:  # a concurrent Send won
        raise AlreadySent("This announcement has already been sent: its progress is below.")
    await uow.announcements.add_recipients(announcement_id, [m.user_id for m in members], now=now)
    sent = await uow.announcements.get(announcement_id)
    assert sent is not None
    return Sent(sent, len(members))


async def pause_announcement(uow: UnitOfWork, *, user: User, announcement_id: int, now: datetime) -> int:
    """Stop sending: copies not yet handed to Teams are cancelled (they get a new round on Resume). Returns how
    many were held back; copies already on the wire finish."""
    await announcement_for(uow, user, announcement_id, lock=True)
    if not await uow.announcements.move(announcement_id, from_=STOPPABLE, to=Status.PAUSED, now=now):
        raise InvalidInput("This announcement is not sending, so it cannot be paused.")
    return await uow.outbox.cancel(recipients_prefix(announcement_id))


async def resume_announcement(uow: UnitOfWork, *, user: User, announcement_id: int, now: datetime) -> int:
    """Carry on: everyone whose copy the pause cancelled waits again; nobody who got it is sent it again."""
    await announcement_for(uow, user, announcement_id, lock=True)
    if not await uow.announcements.move(announcement_id, from_=RESUMABLE, to=Status.SENDING, now=now):
        raise InvalidInput("This announcement is not paused, so there is nothing to resume.")
    return await uow.announcements.requeue(announcement_id, OutboxStatus.CANCELLED.value, now=now)


async def cancel_announcement(uow: UnitOfWork, *, user: User, announcement_id: int, now: datetime) -> int:
    await announcement_for(uow, user, announcement_id, lock=True)
    moved = await uow.announcements.move(
        announcement_id, from_=STOPPABLE | RESUMABLE, to=Status.CANCELLED, now=now, finished_at=now
    )
    if not moved:
        raise InvalidInput("This announcement has finished or was cancelled already.")
    return await uow.outbox.cancel(recipients_prefix(announcement_id))


async def resend_to_failed(uow: UnitOfWork, *, user: User, announcement_id: int, now: datetime) -> int:
    """A new copy only for people whose copy failed (not the unreachable, not anyone who got it)."""
    found = await announcement_for(uow, user, announcement_id, lock=True)
    if found.status not in (Status.SENDING, Status.DONE):
        raise InvalidInput("Failed copies can be sent again once the announcement is sending or done.")
    again = await uow.announcements.requeue(announcement_id, OutboxStatus.FAILED.value, now=now)
    if again == 0:
        raise InvalidInput("No copy of this announcement has failed, so there is nothing to send again.")
    await uow.announcements.move(
        announcement_id, from_=frozenset({Status.DONE}), to=Status.SENDING, now=now, finished_at=None
    )
    return again
