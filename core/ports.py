"""The ports the services depend on. `storage` implements them with SQL; tests implement them with fakes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from core.content import ClinicSeries
from core.model import (
    Attendance,
    Booking,
    BookingStatus,
    ClinicSession,
    ConversationAddress,
    NudgePreferences,
    OutboundMessage,
    OutboxItem,
    Role,
    StoredAddress,
    User,
)


class UserRepository(Protocol):
    async def get(self, user_id: int) -> User | None: ...
    async def by_teams_id(self, teams_user_id: str) -> User | None: ...
    async def find(self, key: str) -> User | None:
        """By AAD object id or Teams user id (for the CLI)."""
        ...

    async def add(
        self, *, teams_user_id: str, aad_object_id: str | None, tenant_id: str | None, name: str | None, now: datetime
    ) -> User: ...
    async def update_identity(
        self, user_id: int, *, aad_object_id: str | None, tenant_id: str | None, name: str | None, now: datetime
    ) -> None: ...
    async def save_profile(
        self, user_id: int, *, site: str, staff_group: str, experience: str, now: datetime
    ) -> None: ...
    async def lock(self, user_id: int) -> None: ...
    async def grant_role(self, user_id: int, role: Role, *, now: datetime) -> bool: ...
    async def revoke_role(self, user_id: int, role: Role) -> bool: ...


class AddressRepository(Protocol):
    async def get(self, address_id: int) -> StoredAddress | None: ...
    async def for_conversation(self, user_id: int, conversation_id: str) -> StoredAddress | None: ...
    async def personal(self, user_id: int) -> StoredAddress | None:
        """The user's active, reachable one-to-one chat with the bot, if any."""
        ...

    async def upsert(self, user_id: int, address: ConversationAddress, *, now: datetime) -> StoredAddress: ...
    async def set_active(self, address_id: int, active: bool, *, now: datetime) -> None: ...
    async def mark_user_unreachable(self, user_id: int, *, now: datetime) -> None: ...


class PreferenceRepository(Protocol):
    async def get(self, user_id: int) -> NudgePreferences: ...
    async def save(self, prefs: NudgePreferences, *, now: datetime) -> None: ...


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

    async def count_budgeted(self, user_id: int, start: datetime, end: datetime) -> int:
        """Nudges that count to the daily budget, due in [start, end), not cancelled."""
        ...

    async def claim_due(self, *, now: datetime, limit: int, lease_seconds: float) -> list[OutboxItem]: ...
    async def mark_sent(self, item_id: int, *, now: datetime) -> None: ...
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


class ClinicRepository(Protocol):
    async def get_session(self, session_id: int, *, lock: bool = False) -> ClinicSession | None: ...
    async def list_sessions(self, *, site: str | None, start: datetime, end: datetime) -> list[ClinicSession]: ...
    async def coach_sessions(self, user_id: int, *, start: datetime, end: datetime) -> list[ClinicSession]: ...
    async def sessions_ended(self, *, start: datetime, end: datetime) -> list[ClinicSession]:
        """Scheduled sessions whose end is in [start, end]."""
        ...

    async def save_series_session(
        self, series: ClinicSeries, *, starts_at: datetime, ends_at: datetime, coach_id: int, now: datetime
    ) -> str: ...
    async def cancel_session(self, session_id: int, *, reason: str, now: datetime) -> None: ...
    async def take_seat(self, session_id: int) -> bool:
        """Atomically take one seat if any is left; False when the session is full."""
        ...

    async def release_seat(self, session_id: int) -> None: ...
    async def add_booking(
        self,
        *,
        session_id: int,
        user_id: int,
        status: BookingStatus,
        help_with: str,
        project_id: int | None,
        question: str | None,
        now: datetime,
    ) -> Booking: ...
    async def get_booking(self, booking_id: int) -> Booking | None: ...
    async def active_booking(self, session_id: int, user_id: int) -> Booking | None: ...
    async def user_bookings(self, user_id: int, *, after: datetime) -> list[tuple[Booking, ClinicSession]]: ...
    async def count_future_confirmed(self, user_id: int, *, now: datetime) -> int: ...
    async def session_bookings(self, session_id: int, *, statuses: Sequence[str] = ...) -> list[Booking]: ...
    async def set_booking_status(self, booking_id: int, status: BookingStatus, *, now: datetime) -> None: ...
    async def set_attendance(self, booking_id: int, attendance: Attendance, *, now: datetime) -> None: ...
    async def add_feedback(
        self, booking_id: int, *, usefulness: int, improvement: str | None, now: datetime
    ) -> bool: ...
    async def attended_count(self, *, start: datetime, end: datetime) -> int: ...


class ClinicMessages(Protocol):
    """Renders the clinic messages the services queue (implemented by dialogs.clinics with cards)."""

    def reminder(self, session: ClinicSession, booking: Booking, which: str) -> OutboundMessage: ...
    def coach_booking_notice(self, session: ClinicSession, booking: Booking, booker: User) -> OutboundMessage: ...
    def promoted(self, session: ClinicSession, booking: Booking) -> OutboundMessage: ...
    def session_cancelled(self, session: ClinicSession, reason: str) -> OutboundMessage: ...
    def attendance_request(self, session: ClinicSession, bookings: list[Booking]) -> OutboundMessage: ...
    def feedback_request(self, session: ClinicSession, booking: Booking) -> OutboundMessage: ...


class Links(Protocol):
    """Unguessable, expiring links to the bot's own HTTP endpoints (e.g. a booking's calendar file)."""

    def calendar(self, booking_id: int, *, expires_at: datetime) -> str: ...


class UnitOfWork(Protocol):
    users: UserRepository
    addresses: AddressRepository
    preferences: PreferenceRepository
    outbox: OutboxRepository
    conversation_state: ConversationStateRepository
    clinics: ClinicRepository

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


class Sender(Protocol):
    async def send(self, address: ConversationAddress, message: OutboundMessage) -> SendOutcome: ...
