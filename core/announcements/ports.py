"""What the announcement services need: their repository, and the Graph installer (a port; bot/ implements it)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from core.announcements.model import (
    Announcement,
    AudienceFilter,
    AudienceMember,
    Delivery,
    Draft,
    RecipientState,
    RecipientStatus,
    Status,
)


class AnnouncementRepository(Protocol):
    async def add_draft(self, *, author_id: int, form_token: str, draft: Draft, now: datetime) -> int | None:
        """A new draft, or None when this compose card already made one (its form token is taken)."""
        ...

    async def for_form(self, form_token: str) -> Announcement | None: ...
    async def update_draft(self, announcement_id: int, draft: Draft, *, now: datetime) -> bool:
        """Only while it is a draft; False otherwise."""
        ...

    async def get(self, announcement_id: int, *, lock: bool = False) -> Announcement | None: ...
    async def move(
        self, announcement_id: int, *, from_: frozenset[Status], to: Status, now: datetime, **fields
    ) -> bool:
        """Change the status only if it is one of `from_` (one statement: of two concurrent moves one wins)."""
        ...

    async def audience(self, audience: AudienceFilter) -> list[AudienceMember]: ...
    async def add_recipients(self, announcement_id: int, user_ids: Sequence[int], *, now: datetime) -> int: ...
    async def is_recipient(self, announcement_id: int, user_id: int) -> bool: ...
    async def waiting(self, announcement_id: int, *, limit: int) -> list[tuple[int, int]]:
        """(person, round) of recipients whose copy is not queued yet, by person."""
        ...

    async def set_states(
        self, announcement_id: int, states: Sequence[tuple[int, RecipientState, str | None]], *, now: datetime
    ) -> None:
        """(person, state, outbox key when queued) for a slice of recipients, in one round trip."""
        ...

    async def queued_count(self, announcement_id: int) -> int:
        """Copies of this announcement waiting in the outbox (pending or being sent)."""
        ...

    async def requeue(self, announcement_id: int, outbox_status: str, *, now: datetime) -> int:
        """Recipients whose queued copy has this outbox status get a new round and wait again."""
        ...

    async def arrived(self, announcement_id: int, *, now: datetime) -> int:
        """Recipients without the app who now have a personal chat wait again (they get their copy)."""
        ...

    async def progress(self, announcement_id: int) -> dict[str, int]:
        """People by Delivery value."""
        ...

    async def statuses(self, announcement_id: int) -> list[RecipientStatus]: ...
    async def active(self, *, since: datetime) -> list[Announcement]:
        """Scheduled, sending and paused ones, and ones done or cancelled since `since` (late arrivals)."""
        ...

    async def save_progress(self, announcement_id: int, *, seen: str, now: datetime) -> int:
        """Remember what the card shows now; returns the update's sequence number."""
        ...

    async def install_candidates(self, announcement_id: int, *, attempts: int, limit: int) -> list[tuple[int, str]]:
        """(person, AAD object id) of recipients without the app who never had a personal chat, not refused and
        tried fewer than `attempts` times."""
        ...

    async def record_install(self, announcement_id: int, user_id: int, status: str, *, now: datetime) -> None: ...


class AppInstaller(Protocol):
    """Installs the app for a person (Microsoft Graph), so the bot can then reach them."""

    async def install(self, aad_object_id: str) -> str:
        """An InstallStatus value."""
        ...


__all__ = ["AnnouncementRepository", "AppInstaller", "AnnouncementMessages", "Delivery"]


class AnnouncementMessages(Protocol):
    """Built by dialogs/announcements (the cards) with the installer from configuration (None: Graph is off)."""

    installer: AppInstaller | None

    def announcement_card(self, announcement: Announcement) -> dict: ...
    def progress_card(self, announcement: Announcement, progress, now: datetime | None = None, author=None) -> dict:
        """`author`: the User the card is for (their roles decide its buttons)."""
        ...
