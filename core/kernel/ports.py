"""The ports every capability shares. `storage` implements them with SQL; tests implement them with fakes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from core.kernel.model import (
    ConversationAddress,
    OutboundMessage,
    OutboxItem,
    PersonMatch,
    Preferences,
    Role,
    StoredAddress,
    User,
)
from core.kernel.pages import Page


class UserRepository(Protocol):
    async def get(self, user_id: int) -> User | None: ...
    async def by_teams_id(self, teams_user_id: str) -> User | None: ...
    async def find(self, key: str) -> User | None:
        """By AAD object id or Teams user id (for the CLI)."""
        ...

    async def add(
        self, *, teams_user_id: str, aad_object_id: str | None, tenant_id: str | None, name: str | None, now: datetime
    ) -> User: ...
    async def insert_if_new(
        self, *, teams_user_id: str, aad_object_id: str | None, tenant_id: str | None, name: str | None, now: datetime
    ) -> bool:
        """True only for the one call that created the person (concurrent first contacts agree)."""
        ...

    async def update_identity(
        self, user_id: int, *, aad_object_id: str | None, tenant_id: str | None, name: str | None, now: datetime
    ) -> None: ...
    async def save_profile(
        self, user_id: int, *, site: str, staff_group: str, experience: str, now: datetime
    ) -> None: ...
    async def lock(self, user_id: int) -> None: ...
    async def search_by_name(self, words: Sequence[str], *, limit: int) -> list[PersonMatch]:
        """People whose name contains every word (case-insensitive), by name; only name and site."""
        ...

    async def grant_role(self, user_id: int, role: Role, *, now: datetime) -> bool: ...
    async def revoke_role(self, user_id: int, role: Role) -> bool: ...
    async def set_line_manager(self, user_id: int, manager_id: int | None, *, now: datetime) -> None:
        """Record (or with None, forget) who the person's line manager is."""
        ...

    async def line_manager(self, user_id: int) -> int | None: ...
    async def line_pairs(self, user_ids: Sequence[int]) -> list[tuple[int, int]]:
        """(person, their line manager) where both are among `user_ids`."""
        ...

    async def reports_of(self, manager_id: int) -> list[int]:
        """The people who name this person as their line manager."""
        ...


@dataclass(frozen=True)
class AddressRefresh:
    stored: StoredAddress
    created: bool  # this call stored the conversation for the first time
    reactivated: bool  # it had been uninstalled and is back


class AddressRepository(Protocol):
    async def get(self, address_id: int) -> StoredAddress | None: ...
    async def get_many(self, address_ids: Sequence[int]) -> dict[int, StoredAddress]:
        """The addresses that exist among `address_ids`, by id (one query for a dispatcher batch)."""
        ...

    async def for_conversation(self, user_id: int, conversation_id: str) -> StoredAddress | None: ...
    async def with_person(self, teams_user_id: str, conversation_id: str) -> tuple[User | None, StoredAddress | None]:
        """The person with this Teams id and their address in this conversation, in one read (every turn)."""
        ...

    async def personal(self, user_id: int) -> StoredAddress | None:
        """The user's active, reachable one-to-one chat with the bot, if any."""
        ...

    async def personal_many(self, user_ids: Sequence[int]) -> dict[int, StoredAddress]:
        """`personal` for many people, by person (those without one are missing), in a query per 500."""
        ...

    async def upsert(self, user_id: int, address: ConversationAddress, *, now: datetime) -> StoredAddress: ...
    async def refresh(self, user_id: int, address: ConversationAddress, *, now: datetime) -> AddressRefresh: ...
    async def set_active(self, address_id: int, active: bool, *, now: datetime) -> None: ...
    async def mark_user_unreachable(self, user_id: int, *, now: datetime) -> None: ...


class PreferenceRepository(Protocol):
    async def get(self, user_id: int) -> Preferences: ...
    async def get_many(self, user_ids: Sequence[int]) -> dict[int, Preferences]:
        """`get` for many people, by person (every one of them, defaults where nothing is stored)."""
        ...

    async def save(self, prefs: Preferences, *, now: datetime) -> None: ...


@dataclass(frozen=True)
class NewOutboxRow:
    """A message the nudge gate admitted, for `OutboxRepository.add_many` (the fields of `add`)."""

    dedupe_key: str
    user_id: int
    address_id: int
    category: str
    message: OutboundMessage
    due_at: datetime
    counts_to_budget: bool


@dataclass(frozen=True)
class ClaimedBatch:
    items: Sequence[OutboxItem]


class OutboxRepository(Protocol):
    async def add(
        self,
        *,
        dedupe_key: str,
        user_id: int,
        address_id: int,
        category: str,
        message: OutboundMessage,
        due_at: datetime,
        counts_to_budget: bool,
        now: datetime,
    ) -> bool:
        """Insert unless the dedupe key exists; True if inserted."""
        ...

    async def add_many(self, rows: Sequence[NewOutboxRow], *, now: datetime) -> set[str]:
        """Insert each row unless its dedupe key exists; the keys inserted (a few statements for all)."""
        ...

    async def count_budgeted(self, user_id: int, start: datetime, end: datetime) -> int:
        """Nudges that count to the daily budget, due in [start, end), not cancelled."""
        ...

    async def budgeted_due_times(self, user_ids: Sequence[int], *, since: datetime) -> dict[int, list[datetime]]:
        """When each person's nudges that count to the budget are due, from `since` on, not cancelled (the
        gate counts them per day for a whole batch)."""
        ...

    async def claim_due(self, *, now: datetime, limit: int, lease_seconds: float) -> list[OutboxItem]: ...
    async def mark_sent(self, item_id: int, *, now: datetime, started_conversation: str | None = None) -> None:
        """`started_conversation`: the id of the conversation (thread) this message started, if it started one."""
        ...

    async def started_conversation(self, dedupe_key: str) -> str | None:
        """The conversation a sent `new_thread` message started (None until it is sent)."""
        ...

    async def has(self, dedupe_key: str) -> bool:
        """Whether a message with this dedupe key was ever queued (whatever became of it)."""
        ...

    async def queued(self, dedupe_keys: Sequence[str]) -> set[str]:
        """Those of the keys already queued (whatever became of them): a tick skips them in a few queries."""
        ...

    async def reschedule(self, item_id: int, *, due_at: datetime, error: str | None, count_attempt: bool) -> None: ...
    async def mark_failed(self, item_id: int, *, error: str, now: datetime) -> None: ...
    async def mark_unreachable_for_user(self, user_id: int, *, error: str, now: datetime) -> int: ...
    async def cancel(self, dedupe_key_prefix: str) -> int: ...
    async def purge_finished(self, *, before: datetime) -> int: ...
    async def status_counts(self) -> dict[str, int]: ...


class ConversationStateRepository(Protocol):
    async def load(self, conversation_id: str, user_id: int) -> tuple[dict[str, Any], int]:
        """(data, version); version 0 when nothing is stored yet."""
        ...

    async def save(
        self, conversation_id: str, user_id: int, data: dict[str, Any], *, expected_version: int, now: datetime
    ) -> int:
        """Write if the stored version still equals expected_version; raises StaleState otherwise."""
        ...


class Links(Protocol):
    """Unguessable, expiring links to the pages capabilities serve (e.g. a booking's calendar file)."""

    def url(self, page: Page, claims: Mapping[str, int], *, expires_at: datetime | None, **params: str) -> str: ...
    def token(self, page: Page, claims: Mapping[str, int], *, expires_at: datetime | None) -> str:
        """The signed token alone, for a link that is not a URL of ours (e.g. a check-in code in a chat message)."""
        ...

    def read(self, page: Page, token: str, *, now: datetime) -> dict[str, Any] | None:
        """The claims of a token made for `page`, or None if it is forged, altered, another page's or expired."""
        ...


class UnitOfWork(Protocol):
    users: UserRepository
    addresses: AddressRepository
    preferences: PreferenceRepository
    outbox: OutboxRepository
    conversation_state: ConversationStateRepository

    def __getattr__(self, capability: str) -> Any:
        """Each capability's repository, `uow.<capability>` (its Protocol is in core/<capability>/ports.py)."""
        ...

    async def __aenter__(self) -> UnitOfWork: ...
    async def __aexit__(self, *exc: object) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


class Clock(Protocol):
    def now(self) -> datetime: ...


class SendOutcomeKind:
    SENT = "sent"
    THROTTLED = "throttled"  # 429
    TRANSIENT = "transient"  # 412, 5xx, timeouts, connection errors
    GONE = "gone"  # 403, 404: the user removed or blocked the app


@dataclass(frozen=True)
class SendOutcome:
    kind: str
    status: int | None = None
    retry_after: float | None = None
    error: str | None = None
    conversation_id: str | None = None  # the new conversation, when the message started one (a new thread)


class Sender(Protocol):
    async def send(
        self,
        address: ConversationAddress,
        message: OutboundMessage,
        *,
        before_send: Callable[[], Awaitable[None]] | None = None,
    ) -> SendOutcome:
        """`before_send` (the rate limits) is awaited right before the request goes on the wire, after any
        preparation, so the rate holds where the channel counts it; its wait is not part of the timeout."""
        ...
