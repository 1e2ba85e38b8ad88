"""What the announcement cards read: a draft by its form, one the person may see, its progress."""

from __future__ import annotations

from datetime import datetime

from core.announcements.compose import require_announcer
from core.announcements.model import Announcement, Progress, Status
from core.kernel.errors import InvalidInput
from core.kernel.model import User
from core.kernel.ports import UnitOfWork


async def draft_for_form(uow: UnitOfWork, form_token: str) -> Announcement | None:
    return await uow.announcements.for_form(form_token) if form_token else None


async def saved_announcement(uow: UnitOfWork, announcement_id: int) -> Announcement | None:
    return await uow.announcements.get(announcement_id)


async def discard_draft(uow: UnitOfWork, *, user: User, draft: Announcement | None, now: datetime) -> None:
    """Nothing is sent; a draft that is already gone or sent stays as it is."""
    require_announcer(user)
    if draft is None:
        return
    if draft.author_id != user.id:
        raise InvalidInput("That is not your draft.")
    await uow.announcements.move(
        draft.id, from_=frozenset({Status.DRAFT}), to=Status.CANCELLED, now=now, finished_at=now
    )


async def announcement_seen_by(uow: UnitOfWork, user: User, announcement_id: int) -> Announcement | None:
    """The announcement if this person wrote it or received it (a forged card shows nothing of anyone else's)."""
    found = await uow.announcements.get(announcement_id)
    if found is None or found.author_id == user.id:
        return found
    return found if await uow.announcements.is_recipient(found.id, user.id) else None


async def progress_of(uow: UnitOfWork, announcement: Announcement) -> Progress:
    return Progress(await uow.announcements.progress(announcement.id))
